package dev.lakestream.deployment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules the lakestream Dockerfiles follow, each returning the problems it finds.
 *
 * <ul>
 *   <li>Every {@code FROM} names a pinned image from a published repository ({@link
 *       ImageReferences}); a {@code FROM} of an earlier stage is a stage, not an image.
 *   <li>The jar is built from source: a first stage {@code FROM maven:...} runs {@code mvn ... -pl
 *       <module> -am ... package}, and the final stage copies from it ({@code COPY --from=}), so
 *       the image never depends on a jar built outside it.
 *   <li>The final stage runs as a user that is not root: its last {@code USER} names neither {@code
 *       root} nor uid 0, and no {@code RUN} follows a {@code USER root}.
 * </ul>
 */
final class DockerfileRules {

    private static final Pattern FROM =
            Pattern.compile(
                    "(?im)^FROM\\s+(?:--platform=\\S+\\s+)?(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");
    private static final Pattern USER = Pattern.compile("(?im)^USER\\s+(\\S+)\\s*$");

    private DockerfileRules() {}

    /** One {@code FROM}: the image (or earlier stage) and the stage's own name, if any. */
    record Stage(String from, String name, String body) {}

    static List<Stage> stages(String dockerfile) {
        List<Stage> stages = new ArrayList<>();
        Matcher m = FROM.matcher(dockerfile);
        List<int[]> bounds = new ArrayList<>();
        List<String[]> heads = new ArrayList<>();
        while (m.find()) {
            bounds.add(new int[] {m.start(), m.end()});
            heads.add(new String[] {m.group(1), m.group(2)});
        }
        for (int i = 0; i < bounds.size(); i++) {
            int end = i + 1 < bounds.size() ? bounds.get(i + 1)[0] : dockerfile.length();
            stages.add(
                    new Stage(
                            heads.get(i)[0],
                            heads.get(i)[1],
                            dockerfile.substring(bounds.get(i)[1], end)));
        }
        return stages;
    }

    /** Every image a {@code FROM} pulls is pinned and still published. */
    static List<String> pinnedBaseImages(String name, String dockerfile) {
        List<String> problems = new ArrayList<>();
        Set<String> stageNames = new HashSet<>();
        List<Stage> stages = stages(dockerfile);
        if (stages.isEmpty()) {
            problems.add(name + " has no FROM");
        }
        for (Stage stage : stages) {
            if (!stageNames.contains(stage.from())) {
                ImageReferences.problem(stage.from())
                        .ifPresent(p -> problems.add(name + ": FROM " + p));
            }
            if (stage.name() != null) {
                stageNames.add(stage.name());
            }
        }
        return problems;
    }

    /** The first stage builds {@code module} with Maven; the final stage copies from it. */
    static List<String> buildsFromSource(String name, String dockerfile, String module) {
        List<String> problems = new ArrayList<>();
        List<Stage> stages = stages(dockerfile);
        if (stages.size() < 2) {
            return List.of(name + " has a single stage: it copies a jar built outside the image");
        }
        Stage build = stages.get(0);
        if (!ImageReferences.repository(build.from()).equals("maven") || build.name() == null) {
            problems.add(name + "'s first stage is not a named maven stage");
        }
        if (!Pattern.compile(
                        "(?s)RUN\\b.*\\bmvn\\b[^\\n]*-pl "
                                + Pattern.quote(module)
                                + " -am\\b[^\\n]*\\bpackage\\b")
                .matcher(build.body())
                .find()) {
            problems.add(name + "'s first stage does not run mvn -pl " + module + " -am package");
        }
        Stage last = stages.get(stages.size() - 1);
        if (build.name() != null && !last.body().contains("--from=" + build.name())) {
            problems.add(name + "'s final stage copies nothing from stage " + build.name());
        }
        if (Pattern.compile("(?m)^COPY (?!--from=)(?:--chown=\\S+ )?\\S*target/")
                .matcher(last.body())
                .find()) {
            problems.add(name + "'s final stage copies a target/ folder of the build context");
        }
        return problems;
    }

    /** The final stage runs as a non-root user. */
    static List<String> nonRootUser(String name, String dockerfile) {
        List<Stage> stages = stages(dockerfile);
        if (stages.isEmpty()) {
            return List.of(name + " has no FROM");
        }
        String body = stages.get(stages.size() - 1).body();
        Matcher users = USER.matcher(body);
        String user = null;
        int at = -1;
        while (users.find()) {
            user = users.group(1);
            at = users.end();
        }
        if (user == null) {
            return List.of(
                    name
                            + "'s final stage has no USER: it runs as whatever its base image"
                            + " says, root for most");
        }
        if (isRoot(user)) {
            return List.of(name + "'s final stage runs as " + user);
        }
        if (Pattern.compile("(?m)^RUN\\b").matcher(body.substring(at)).find()) {
            return List.of(name + " runs commands after its last USER; put USER at the end");
        }
        return List.of();
    }

    /** The user of the final stage's last {@code USER}, or null. */
    static String finalUser(String dockerfile) {
        List<Stage> stages = stages(dockerfile);
        if (stages.isEmpty()) {
            return null;
        }
        Matcher users = USER.matcher(stages.get(stages.size() - 1).body());
        String user = null;
        while (users.find()) {
            user = users.group(1);
        }
        return user;
    }

    /** {@code root}, {@code 0}, or either with a group. */
    static boolean isRoot(String user) {
        String u = user.contains(":") ? user.substring(0, user.indexOf(':')) : user;
        return u.equals("root") || u.equals("0");
    }
}
