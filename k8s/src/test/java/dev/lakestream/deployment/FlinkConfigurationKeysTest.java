package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.junit.jupiter.api.Test;

/**
 * The repository speaks Flink 1.20's configuration keys only: no file (manifests, compose, job
 * configurations, code, docs) names a key that Flink 1.20 itself marks deprecated, such as {@code
 * state.checkpoints.dir} for {@code execution.checkpointing.dir}. The deprecated keys are read from
 * Flink's own {@code ConfigOption}s, so the list follows the Flink version of the build.
 */
class FlinkConfigurationKeysTest {

    private static final Set<String> TEXT_FILES =
            Set.of("yaml", "yml", "properties", "java", "md", "sh", "json", "env", "example");

    @Test
    void noFileNamesAKeyFlinkDeprecates() {
        Map<String, String> deprecated = deprecatedKeys();
        List<String> found = new ArrayList<>();
        for (Path file : textFiles()) {
            found.addAll(uses(file, read(file), deprecated));
        }
        assertThat(found).isEmpty();
    }

    @Test
    void findsADeprecatedKeyButNotALongerKeyThatStartsLikeOne() {
        Map<String, String> deprecated = deprecatedKeys();
        String old = "state.checkpoints.dir";
        assertThat(deprecated).containsEntry(old, "execution.checkpointing.dir");

        assertThat(uses(Path.of("a.properties"), old + "=s3://b/cp\n", deprecated))
                .containsExactly(
                        "a.properties:1 names " + old + ": use execution.checkpointing.dir");
        // state.backend (deprecated) is a prefix of state.backend.type (current)
        assertThat(uses(Path.of("b.yaml"), "state.backend.type: rocksdb\n", deprecated)).isEmpty();
    }

    /** Every deprecated key of Flink's configuration options, to its current key. */
    static Map<String, String> deprecatedKeys() {
        Map<String, String> deprecated = new TreeMap<>();
        for (Class<?> options : optionClasses()) {
            for (Field field : options.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) field.get(null);
                } catch (IllegalAccessException e) {
                    continue;
                }
                for (FallbackKey key : option.fallbackKeys()) {
                    if (key.isDeprecated() && !key.getKey().equals(option.key())) {
                        deprecated.putIfAbsent(key.getKey(), option.key());
                    }
                }
            }
        }
        // keys a current option still answers to are not deprecated as such
        deprecated.keySet().removeIf(k -> currentKeys().contains(k));
        return deprecated;
    }

    private static Set<String> currentKeys;

    private static Set<String> currentKeys() {
        if (currentKeys == null) {
            Set<String> keys = new java.util.HashSet<>();
            for (Class<?> options : optionClasses()) {
                for (Field field : options.getFields()) {
                    if (Modifier.isStatic(field.getModifiers())
                            && ConfigOption.class.isAssignableFrom(field.getType())) {
                        try {
                            keys.add(((ConfigOption<?>) field.get(null)).key());
                        } catch (IllegalAccessException ignored) {
                            // not readable: not an option of the public configuration
                        }
                    }
                }
            }
            currentKeys = keys;
        }
        return currentKeys;
    }

    /** The {@code *Options} classes of Flink's configuration package (flink-core). */
    private static List<Class<?>> optionClasses() {
        List<Class<?>> classes = new ArrayList<>();
        try (JarFile jar =
                new JarFile(
                        Path.of(
                                        CheckpointingOptions.class
                                                .getProtectionDomain()
                                                .getCodeSource()
                                                .getLocation()
                                                .toURI())
                                .toFile())) {
            jar.stream()
                    .map(e -> e.getName())
                    .filter(n -> n.startsWith("org/apache/flink/configuration/"))
                    .filter(n -> n.endsWith("Options.class") && !n.contains("$"))
                    .forEach(
                            n -> {
                                try {
                                    classes.add(
                                            Class.forName(
                                                    n.replace('/', '.')
                                                            .substring(0, n.length() - 6)));
                                } catch (ClassNotFoundException | LinkageError e) {
                                    // an options class needing what is not on this classpath
                                }
                            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        assertThat(classes).as("Flink's option classes").hasSizeGreaterThan(20);
        return classes;
    }

    /** Where {@code text} names a deprecated key, as a key (not as the start of a longer one). */
    static List<String> uses(Path file, String text, Map<String, String> deprecated) {
        List<String> found = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (Map.Entry<String, String> key : deprecated.entrySet()) {
                if (!key.getKey().contains(".") || !lines[i].contains(key.getKey())) {
                    continue;
                }
                Matcher m =
                        Pattern.compile(
                                        "(?<![A-Za-z0-9._-])"
                                                + Pattern.quote(key.getKey())
                                                + "(?![A-Za-z0-9_-]|\\.[A-Za-z0-9])")
                                .matcher(lines[i]);
                if (m.find()) {
                    found.add(
                            file
                                    + ":"
                                    + (i + 1)
                                    + " names "
                                    + key.getKey()
                                    + ": use "
                                    + key.getValue());
                }
            }
        }
        return found;
    }

    private static List<Path> textFiles() {
        try (Stream<Path> files = Files.walk(Repo.ROOT)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> !skipped(Repo.ROOT.relativize(p)))
                    // this file names deprecated keys on purpose
                    .filter(p -> !p.endsWith("FlinkConfigurationKeysTest.java"))
                    .filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.equals("Dockerfile")
                                        || TEXT_FILES.contains(
                                                name.substring(name.lastIndexOf('.') + 1));
                            })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            String p = part.toString();
            if (p.equals("target") || p.equals("node_modules") || p.startsWith(".")) {
                return !relative.toString().equals(".env.example");
            }
        }
        return false;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return ""; // not text
        }
    }
}
