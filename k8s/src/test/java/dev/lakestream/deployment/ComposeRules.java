package dev.lakestream.deployment;

import dev.lakestream.deployment.JobConfigs.Job;
import dev.lakestream.deployment.JobConfigs.Loaded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rules docker-compose.yml follows, each returning the problems it finds.
 *
 * <ul>
 *   <li>A service with {@code restart: "no"} is a one-shot job (it prepares something and exits 0);
 *       every other service is long-running and has a health check.
 *   <li>Every image has a concrete tag (or digest) and comes from a repository that is still
 *       published ({@link ImageReferences}).
 *   <li>Every service runs as a user that is not root: its {@code user:}, the final {@code USER} of
 *       the Dockerfile it is built from, or the non-root default of its image ({@link
 *       #IMAGE_DEFAULT_USERS}); the exceptions are named, with the reason, in {@link
 *       #ROOT_ALLOWED}.
 *   <li>{@code depends_on} is the long form with a condition: {@code
 *       service_completed_successfully} on a one-shot service, {@code service_healthy} (or {@code
 *       service_started} where health would be circular) on a long-running one.
 *   <li>Every published port is bound to 127.0.0.1 and, like every volume, appears in the row of
 *       its service in the README's compose table; bind-mounted files exist in the repository and
 *       named volumes are declared.
 *   <li>Every {@code ${VAR}} the file uses is in .env.example; secrets there are empty, and no
 *       secret is written into the compose file itself.
 *   <li>Every job configuration a service mounts (named by {@code LAKESTREAM_CONFIG}) passes the
 *       job's own validator with the environment the service sets.
 * </ul>
 */
final class ComposeRules {

    static final Pattern SECRET_NAME =
            Pattern.compile(".*(PASSWORD|SECRET|PRIVATE_KEY|TOKEN|ACCESS_KEY).*");
    private static final Pattern VARIABLE =
            Pattern.compile("(?<!\\$)\\$\\{([A-Za-z_][A-Za-z0-9_]*)");
    private static final Set<String> CONDITIONS =
            Set.of("service_healthy", "service_completed_successfully", "service_started");

    /**
     * Third-party images that run as a non-root user by default, as their Dockerfiles say (so the
     * compose file sets no {@code user:} for them).
     */
    static final Map<String, String> IMAGE_DEFAULT_USERS =
            Map.of(
                    // apache/kafka docker/jvm/Dockerfile: USER appuser
                    "apache/kafka", "appuser",
                    // prometheus Dockerfile: USER nobody
                    "prom/prometheus", "nobody",
                    // grafana Dockerfile: USER "$GF_UID", 472
                    "grafana/grafana", "472",
                    // curl-container Dockerfile: USER curl_user (uid 100)
                    "curlimages/curl", "curl_user");

    /** Services allowed to start as root, and why. */
    static final Map<String, String> ROOT_ALLOWED =
            Map.of(
                    "shop-db",
                    "the postgres entrypoint prepares the data folder as root, then runs the"
                            + " server as postgres (gosu)",
                    "catalog-db",
                    "the postgres entrypoint prepares the data folder as root, then runs the"
                            + " server as postgres (gosu)",
                    "s3proxy-buckets",
                    "one-shot without network: a new named volume belongs to root, so only root"
                            + " can hand it to s3proxy's uid");

    private ComposeRules() {}

    /** The compose file as plain maps and lists (anchors and aliases resolved). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String yaml) {
        return (Map<String, Object>) new Yaml(new LoaderOptions()).load(yaml);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services(Map<String, Object> compose) {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    static boolean oneShot(Map<String, Object> service) {
        return "no".equals(String.valueOf(service.get("restart")));
    }

    static List<String> healthChecks(Map<String, Object> compose) {
        List<String> problems = new ArrayList<>();
        services(compose)
                .forEach(
                        (name, service) -> {
                            if (oneShot(service)) {
                                return;
                            }
                            Object health = service.get("healthcheck");
                            if (!(health instanceof Map<?, ?> h)
                                    || !(h.get("test") instanceof List<?> test)
                                    || test.isEmpty()
                                    || "NONE".equals(test.get(0))
                                    || Boolean.TRUE.equals(h.get("disable"))) {
                                problems.add(name + " runs until stopped but has no health check");
                            }
                        });
        return problems;
    }

    /** Every container's output rotates with a size cap (docker keeps it forever otherwise). */
    static List<String> boundedLogs(Map<String, Object> compose) {
        List<String> problems = new ArrayList<>();
        services(compose)
                .forEach(
                        (name, service) -> {
                            if (!(service.get("logging") instanceof Map<?, ?> logging)
                                    || !(logging.get("options") instanceof Map<?, ?> options)
                                    || options.get("max-size") == null
                                    || options.get("max-file") == null) {
                                problems.add(
                                        name
                                                + " logs without logging.options.max-size and"
                                                + " max-file");
                            }
                        });
        return problems;
    }

    static List<String> pinnedImages(Map<String, Object> compose) {
        List<String> problems = new ArrayList<>();
        services(compose)
                .forEach(
                        (name, service) -> {
                            Object image = service.get("image");
                            if (image == null) {
                                problems.add(name + " has no image name with a tag");
                                return;
                            }
                            ImageReferences.problem(image.toString())
                                    .ifPresent(p -> problems.add(name + " image " + p));
                        });
        return problems;
    }

    /**
     * The Dockerfile a service is built from, relative to {@code root}, or null when it is not
     * built. Both the short ({@code build: ./dir}) and the long form ({@code context}, {@code
     * dockerfile}) are read.
     */
    static String dockerfileOf(Map<String, Object> service, Path root) {
        Object build = service.get("build");
        Path file;
        if (build instanceof String context) {
            file = root.resolve(context).resolve("Dockerfile");
        } else if (build instanceof Map<?, ?> b) {
            Path context =
                    root.resolve(String.valueOf(b.get("context") == null ? "." : b.get("context")));
            Object dockerfile = b.get("dockerfile");
            file = context.resolve(dockerfile == null ? "Dockerfile" : dockerfile.toString());
        } else {
            return null;
        }
        return root.relativize(file.normalize()).toString();
    }

    /**
     * Every service runs as a user that is not root, unless {@link #ROOT_ALLOWED} names it. A
     * service without {@code user:} runs as the final {@code USER} of the Dockerfile its image is
     * built from (by it or another service), or as its image's default from {@link
     * #IMAGE_DEFAULT_USERS}; any other image is taken to run as root.
     */
    static List<String> users(Map<String, Object> compose, Path root) {
        List<String> problems = new ArrayList<>();
        Map<String, String> builtImages = new LinkedHashMap<>();
        services(compose)
                .forEach(
                        (name, service) -> {
                            String dockerfile = dockerfileOf(service, root);
                            if (dockerfile != null && service.get("image") != null) {
                                builtImages.put(service.get("image").toString(), dockerfile);
                            }
                        });
        services(compose)
                .forEach(
                        (name, service) -> {
                            String image = String.valueOf(service.get("image"));
                            String user;
                            String source;
                            if (service.get("user") != null) {
                                user = service.get("user").toString();
                                source = "user:";
                            } else if (builtImages.containsKey(image)) {
                                String dockerfile = builtImages.get(image);
                                user =
                                        DockerfileRules.finalUser(
                                                Repo.read(root.resolve(dockerfile)));
                                source = dockerfile;
                            } else {
                                user = IMAGE_DEFAULT_USERS.get(ImageReferences.repository(image));
                                source = image;
                            }
                            if ((user == null || DockerfileRules.isRoot(user))
                                    && !ROOT_ALLOWED.containsKey(name)) {
                                problems.add(
                                        name
                                                + " runs as "
                                                + (user == null ? "root (the default)" : user)
                                                + " ("
                                                + source
                                                + "): set a non-root user: or name the reason in"
                                                + " ComposeRules.ROOT_ALLOWED");
                            }
                        });
        return problems;
    }

    static List<String> dependencies(Map<String, Object> compose) {
        List<String> problems = new ArrayList<>();
        Map<String, Map<String, Object>> services = services(compose);
        services.forEach(
                (name, service) -> {
                    Object dependsOn = service.get("depends_on");
                    if (dependsOn == null) {
                        return;
                    }
                    if (!(dependsOn instanceof Map<?, ?> deps)) {
                        problems.add(name + " depends_on must name a condition for each service");
                        return;
                    }
                    deps.forEach(
                            (target, spec) -> {
                                Object condition =
                                        spec instanceof Map<?, ?> m ? m.get("condition") : null;
                                Map<String, Object> other = services.get(String.valueOf(target));
                                if (other == null) {
                                    problems.add(name + " depends on unknown service " + target);
                                } else if (condition == null
                                        || !CONDITIONS.contains(condition.toString())) {
                                    problems.add(
                                            name
                                                    + " depends on "
                                                    + target
                                                    + " without a condition");
                                } else if (oneShot(other)
                                        != condition.equals("service_completed_successfully")) {
                                    problems.add(
                                            name
                                                    + " waits for "
                                                    + target
                                                    + " with "
                                                    + condition
                                                    + (oneShot(other)
                                                            ? ", but it is a one-shot job: service_completed_successfully"
                                                            : ", but it runs until stopped: service_healthy"));
                                }
                            });
                });
        return problems;
    }

    /**
     * Published ports and volumes: bound to 127.0.0.1, documented in the README row of their
     * service, bind sources present, named volumes declared.
     */
    static List<String> portsAndVolumes(Map<String, Object> compose, String readme, Path root) {
        List<String> problems = new ArrayList<>();
        Map<String, String> rows = readmeRows(readme);
        Object declared = compose.get("volumes");
        Set<String> namedVolumes =
                declared instanceof Map<?, ?> m ? asStrings(m.keySet()) : Set.of();
        services(compose)
                .forEach(
                        (name, service) -> {
                            String row = rows.get(name);
                            if (row == null) {
                                problems.add(name + " has no row in the README's compose table");
                                row = "";
                            }
                            for (Object p : list(service.get("ports"))) {
                                String[] parts = p.toString().split(":");
                                if (parts.length != 3 || !parts[0].equals("127.0.0.1")) {
                                    problems.add(name + " publishes " + p + " beyond 127.0.0.1");
                                }
                                String host = parts[parts.length - 2];
                                if (!row.contains(host)) {
                                    problems.add(
                                            name
                                                    + " publishes port "
                                                    + host
                                                    + " that its README row does not mention");
                                }
                            }
                            for (Object v : list(service.get("volumes"))) {
                                String source = v.toString().split(":")[0];
                                if (source.startsWith(".") || source.startsWith("/")) {
                                    Path file = root.resolve(source).normalize();
                                    if (!Files.exists(file)) {
                                        problems.add(
                                                name
                                                        + " mounts "
                                                        + source
                                                        + ", which does not exist");
                                    }
                                    String relative =
                                            source.startsWith("./") ? source.substring(2) : source;
                                    if (!row.contains(relative)) {
                                        problems.add(
                                                name
                                                        + " mounts "
                                                        + source
                                                        + " that its README row does not mention");
                                    }
                                } else {
                                    if (!namedVolumes.contains(source)) {
                                        problems.add(
                                                name
                                                        + " uses volume "
                                                        + source
                                                        + ", which is not declared");
                                    }
                                    if (!row.contains(source)) {
                                        problems.add(
                                                name
                                                        + " uses volume "
                                                        + source
                                                        + " that its README row does not mention");
                                    }
                                }
                            }
                        });
        return problems;
    }

    /** Variables of the compose file against .env.example, and secrets kept out of both. */
    static List<String> environment(
            String composeText, Map<String, Object> compose, Map<String, String> envExample) {
        List<String> problems = new ArrayList<>();
        for (String variable : variables(composeText)) {
            if (!envExample.containsKey(variable)) {
                problems.add("${" + variable + "} is used but not listed in .env.example");
            }
        }
        envExample.forEach(
                (k, v) -> {
                    if (SECRET_NAME.matcher(k).matches() && !v.isEmpty()) {
                        problems.add(".env.example gives the secret " + k + " a value");
                    }
                });
        services(compose)
                .forEach(
                        (name, service) ->
                                environmentOf(service)
                                        .forEach(
                                                (k, v) -> {
                                                    if (SECRET_NAME.matcher(k).matches()
                                                            && !String.valueOf(v).contains("${")
                                                            && !String.valueOf(v).isEmpty()) {
                                                        problems.add(
                                                                name
                                                                        + " writes the secret "
                                                                        + k
                                                                        + " into the compose file");
                                                    }
                                                }));
        return problems;
    }

    /**
     * Every job configuration a service hands its job passes the job's own validator, with the
     * service's environment ({@code ${VAR}} taken from .env.example, or a placeholder where
     * .env.example leaves it empty). What each validator made of its configuration is added to
     * {@code validated}.
     */
    static List<String> jobConfigurations(
            Map<String, Object> compose,
            Map<String, String> envExample,
            Path root,
            Path scratch,
            List<Loaded> validated) {
        List<String> problems = new ArrayList<>();
        services(compose)
                .forEach(
                        (name, service) -> {
                            Map<String, String> env = new LinkedHashMap<>();
                            environmentOf(service)
                                    .forEach(
                                            (k, v) ->
                                                    env.put(
                                                            k,
                                                            interpolate(
                                                                    String.valueOf(v),
                                                                    envExample)));
                            String config = env.get("LAKESTREAM_CONFIG");
                            if (config == null) {
                                return;
                            }
                            Path file = null;
                            for (Object v : list(service.get("volumes"))) {
                                String[] parts = v.toString().split(":");
                                if (parts.length >= 2 && parts[1].equals(config)) {
                                    file = root.resolve(parts[0]).normalize();
                                }
                            }
                            if (file == null) {
                                problems.add(
                                        name
                                                + " names LAKESTREAM_CONFIG "
                                                + config
                                                + " but mounts no file there");
                                return;
                            }
                            Job job = Job.byEntryClass(env.get("JOB_CLASS"));
                            Loaded loaded = JobConfigs.load(job, file, env, scratch);
                            JobConfigs.problems(job, file, loaded, env.keySet())
                                    .forEach(p -> problems.add(name + ": " + p));
                            validated.add(loaded);
                        });
        return problems;
    }

    /** The repository file a service mounts at {@code target}, or null. */
    static Path mountedFile(Map<String, Object> service, String target, Path root) {
        for (Object v : list(service.get("volumes"))) {
            String[] parts = v.toString().split(":");
            if (parts.length >= 2 && parts[1].equals(target)) {
                return root.resolve(parts[0]).normalize();
            }
        }
        return null;
    }

    /** The rows of the README's compose table, by service name (first cell, in backticks). */
    static Map<String, String> readmeRows(String readme) {
        Map<String, String> rows = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\|(.*)$").matcher(readme);
        while (m.find()) {
            rows.put(m.group(1), m.group(2));
        }
        return rows;
    }

    static Map<String, String> envFile(String text) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                continue;
            }
            env.put(
                    l.substring(0, l.indexOf('=')).strip(),
                    l.substring(l.indexOf('=') + 1).strip());
        }
        return env;
    }

    static Set<String> variables(String composeText) {
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(composeText);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String interpolate(String value, Map<String, String> envExample) {
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)[^}]*}").matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String given = envExample.getOrDefault(m.group(1), "");
            m.appendReplacement(
                    out,
                    Matcher.quoteReplacement(
                            given.isEmpty() ? "placeholder-" + m.group(1) : given));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environmentOf(Map<String, Object> service) {
        Object env = service.get("environment");
        return env instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object o) {
        return o instanceof List<?> l ? l : List.of();
    }

    private static Set<String> asStrings(Collection<?> items) {
        Set<String> out = new LinkedHashSet<>();
        items.forEach(i -> out.add(String.valueOf(i)));
        return out;
    }
}
