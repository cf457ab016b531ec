package dev.lakestream.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.deployment.Kustomize.Rendered;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every logging configuration the project ships keeps secrets out: the loggers known to print a
 * password are raised above INFO in each log4j file of the repository, the Flink image carries such
 * a file, docker compose runs that image, and every FlinkDeployment hands its pods the same file
 * (the operator replaces the image's copy with {@code spec.logConfiguration}). Each rule is also
 * broken on purpose.
 */
class LogConfigurationsTest {

    /**
     * Loggers that print credentials at INFO. Flink CDC 3.5 logs the whole Debezium configuration,
     * {@code database.password} included ({@code IngestionLogSecretsITCase} runs the job at INFO
     * and shows it is the only one).
     */
    static final List<String> SECRET_PRINTING_LOGGERS =
            List.of(
                    "org.apache.flink.cdc.connectors.postgres.source.fetch"
                            + ".PostgresSourceFetchTaskContext");

    static final Path IMAGE_LOGGING = Repo.ROOT.resolve("flink-jobs/conf/log4j-console.properties");
    private static final String OPERATOR_KEY = "log4j-console.properties";
    private static final Set<String> QUIET = Set.of("WARN", "ERROR", "FATAL", "OFF");

    static Stream<Path> kustomizations() {
        return KustomizeOverlaysTest.kustomizations();
    }

    @Test
    void everyLog4jFileRaisesTheLoggersThatPrintSecrets() {
        List<Path> files = log4jFiles();
        assertThat(files)
                .as("the local stack's, the Flink image's and the tests' configurations")
                .contains(
                        Repo.ROOT.resolve("local/src/main/resources/log4j2.properties"),
                        Repo.ROOT.resolve("flink-jobs/src/test/resources/log4j2-test.properties"),
                        IMAGE_LOGGING);
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(secretLoggers(Repo.ROOT.relativize(file).toString(), Repo.read(file)));
        }
        assertThat(problems).isEmpty();

        String fetch = SECRET_PRINTING_LOGGERS.get(0);
        assertThat(secretLoggers("x.properties", "rootLogger.level = INFO\n"))
                .containsExactly("x.properties does not raise " + fetch + " above INFO");
        assertThat(
                        secretLoggers(
                                "x.properties",
                                "logger.c.name = " + fetch + "\nlogger.c.level = INFO\n"))
                .hasSize(1);
        assertThat(secretLoggers("x.xml", "<Logger name=\"" + fetch + "\" level=\"WARN\"/>"))
                .isEmpty();
        assertThat(secretLoggers("x.xml", "<Logger name=\"" + fetch + "\" level=\"info\"/>"))
                .hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("kustomizations")
    void everyFlinkDeploymentCarriesTheImageLogging(Path dir) {
        Rendered rendered = Kustomize.render(dir);
        List<FlinkDeployment> deployments = rendered.all(FlinkDeployment.class);
        assertThat(deployments).isNotEmpty();
        for (FlinkDeployment deployment : deployments) {
            assertThat(operatorLogging(deployment)).isEmpty();
        }

        FlinkDeployment first = deployments.get(0);
        first.getSpec().setLogConfiguration(null);
        assertThat(operatorLogging(first)).hasSize(1);
        first.getSpec()
                .setLogConfiguration(
                        Map.of(OPERATOR_KEY, Repo.read(IMAGE_LOGGING).replace("WARN", "INFO")));
        assertThat(operatorLogging(first)).isNotEmpty();
    }

    @Test
    void composeRunsTheFlinkImageWithItsLogging() {
        Map<String, Object> compose = ComposeRules.parse(Repo.read(Repo.COMPOSE_FILE));
        String dockerfile = Repo.read(Repo.ROOT.resolve("flink-jobs/Dockerfile"));
        assertThat(composeLogging(compose, dockerfile)).isEmpty();

        assertThat(
                        composeLogging(
                                compose,
                                dockerfile.replace(
                                        "COPY --chown=flink:flink"
                                                + " flink-jobs/conf/log4j-console.properties",
                                        "# no copy")))
                .hasSize(1);
        Map<String, Object> taskmanager = ComposeRules.services(compose).get("taskmanager");
        taskmanager.remove("build");
        taskmanager.put("image", "flink:1.20.3-scala_2.12-java17");
        assertThat(composeLogging(compose, dockerfile))
                .containsExactly(
                        "taskmanager runs Flink from flink:1.20.3-scala_2.12-java17, not from the"
                                + " image built from flink-jobs/ with its logging");
    }

    /** What is wrong with one FlinkDeployment's {@code spec.logConfiguration}. */
    static List<String> operatorLogging(FlinkDeployment deployment) {
        String name = deployment.getMetadata().getName();
        Map<String, String> logging = deployment.getSpec().getLogConfiguration();
        String console = logging == null ? null : logging.get(OPERATOR_KEY);
        if (console == null) {
            return List.of(
                    name
                            + " has no spec.logConfiguration."
                            + OPERATOR_KEY
                            + ": the operator's default logs Flink CDC's password dump");
        }
        List<String> problems = new ArrayList<>(secretLoggers(name, console));
        if (problems.isEmpty() && !console.equals(Repo.read(IMAGE_LOGGING))) {
            problems.add(
                    name
                            + "'s spec.logConfiguration differs from "
                            + Repo.ROOT.relativize(IMAGE_LOGGING)
                            + "; copy the file into k8s/base/flink-defaults.yaml");
        }
        return problems;
    }

    /**
     * Compose's Flink processes (services whose command is {@code jobmanager} or {@code
     * taskmanager}) must run the image built from {@code flink-jobs/}, whose Dockerfile puts the
     * logging file in place.
     */
    static List<String> composeLogging(Map<String, Object> compose, String dockerfile) {
        List<String> problems = new ArrayList<>();
        if (!dockerfile.contains(
                "conf/log4j-console.properties /opt/flink/conf/log4j-console.properties")) {
            problems.add(
                    "flink-jobs/Dockerfile does not copy conf/log4j-console.properties to"
                            + " /opt/flink/conf/log4j-console.properties");
        }
        ComposeRules.services(compose)
                .forEach(
                        (name, service) -> {
                            String command = String.valueOf(service.get("command"));
                            if (!command.equals("jobmanager") && !command.equals("taskmanager")) {
                                return;
                            }
                            if (!"flink-jobs/Dockerfile"
                                    .equals(ComposeRules.dockerfileOf(service, Repo.ROOT))) {
                                problems.add(
                                        name
                                                + " runs Flink from "
                                                + service.get("image")
                                                + ", not from the image built from flink-jobs/"
                                                + " with its logging");
                            }
                        });
        return problems;
    }

    /**
     * Each logger of {@link #SECRET_PRINTING_LOGGERS} that {@code text} leaves at INFO or below.
     */
    static List<String> secretLoggers(String source, String text) {
        List<String> problems = new ArrayList<>();
        for (String logger : SECRET_PRINTING_LOGGERS) {
            String level = source.endsWith(".xml") ? xmlLevel(text, logger) : level(text, logger);
            if (level == null || !QUIET.contains(level.trim().toUpperCase())) {
                problems.add(source + " does not raise " + logger + " above INFO");
            }
        }
        return problems;
    }

    private static String level(String properties, String logger) {
        Properties p = new Properties();
        try {
            p.load(new StringReader(properties));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith("logger.")
                    && key.endsWith(".name")
                    && logger.equals(p.getProperty(key).trim())) {
                return p.getProperty(key.substring(0, key.length() - ".name".length()) + ".level");
            }
        }
        return null;
    }

    private static String xmlLevel(String xml, String logger) {
        Matcher m =
                Pattern.compile(
                                "<Logger\\s+name=\""
                                        + Pattern.quote(logger)
                                        + "\"\\s+level=\"(\\w+)\"")
                        .matcher(xml);
        return m.find() ? m.group(1) : null;
    }

    /** The log4j 2 files of every module and of the Flink image, build output left out. */
    static List<Path> log4jFiles() {
        try (Stream<Path> files = Files.walk(Repo.ROOT)) {
            return files.filter(Files::isRegularFile)
                    .filter(
                            p -> {
                                String s = Repo.ROOT.relativize(p).toString();
                                return !s.contains("/target/")
                                        && !s.startsWith(".")
                                        && !s.contains("/.");
                            })
                    .filter(
                            p -> {
                                String name = p.getFileName().toString();
                                return name.matches("log4j2(-test)?\\.(properties|xml)")
                                        || name.equals("log4j-console.properties");
                            })
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
