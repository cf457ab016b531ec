package dev.lakestream.embedded;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Connect worker in distributed mode ({@code
 * org.apache.kafka.connect.cli.ConnectDistributed}), run in a JVM of its own from the jars Maven
 * resolved, against a real broker such as {@link KafkaBroker}.
 *
 * <p>Why its own process: the worker needs Jetty, Jersey, its own Jackson and a log4j 1 (reload4j)
 * backend, and the plugins on its {@code plugin.path} (the Snowflake sink is a 160 MB jar with
 * shaded copies of half the ecosystem) must be isolated by Connect's own plugin class loaders, not
 * by ours. Its classpath comes from {@code embedded/connect-runtime}, a module outside the parent
 * POM's dependency management, written into the resource {@code
 * lakestream/embedded/connect.classpath}, exactly like the broker's.
 *
 * <p>The caller hands in the worker configuration (normally the committed {@code
 * connect/config/connect-distributed.properties}, so that what is tested is what is deployed) and
 * the environment of the worker process: the configuration may refer to it through Connect's {@code
 * ${env:NAME}} config provider, which is how secrets reach connectors. This class only overrides
 * what must differ per run: the REST listener (a free port on 127.0.0.1).
 *
 * <p>Layout of the state folder:
 *
 * <pre>
 * connect-distributed.properties  written on every start
 * connect-log4j.properties        logging set-up of the worker
 * connect.log                     the worker's own log (log4j, rolled at 10 MB)
 * connect.out                     the worker JVM's stdout and stderr, moved to connect.out.1
 *                                 at start once past 10 MB
 * </pre>
 *
 * <p>Two Kafka lines can run the worker ({@link Runtime}): {@link Runtime#KAFKA_3} from {@code
 * embedded/connect-runtime}, the broker's own release, and {@link Runtime#KAFKA_4} from {@code
 * embedded/connect-runtime-4}, the line Strimzi 0.49 and newer deploy. They differ here only in
 * their logging backend: reload4j for 3.x, log4j 2 for 4.x (KIP-653).
 *
 * <p>A worker keeps no state on disk: connector configurations, offsets and statuses live in the
 * three internal topics named in the configuration.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final String WORKER_MAIN = "org.apache.kafka.connect.cli.ConnectDistributed";
    private static final String HOST = "127.0.0.1";
    // scanning the Snowflake plugin (160 MB) takes 20 to 60 s on a busy 2-core machine
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** Which Kafka release runs the worker: the classpath and the logging it needs. */
    public enum Runtime {
        /** Kafka 3.9.x, as the embedded broker ({@code embedded/connect-runtime}). */
        KAFKA_3("/lakestream/embedded/connect.classpath"),
        /** Kafka 4.x, as Strimzi 0.49+ runs it ({@code embedded/connect-runtime-4}). */
        KAFKA_4("/lakestream/embedded/connect-4.classpath");

        private static final Pattern CONNECT_RUNTIME_JAR =
                Pattern.compile("connect-runtime-([0-9][^/\\\\]*)\\.jar$");

        private final String classpathResource;

        Runtime(String classpathResource) {
            this.classpathResource = classpathResource;
        }

        /**
         * The Kafka release of this runtime, read from the {@code connect-runtime} jar Maven
         * resolved for it, e.g. {@code 4.1.1}: what the worker's REST root reports as its version.
         */
        public String kafkaVersion() {
            try {
                for (String entry :
                        ChildProcesses.classpath(classpathResource).split(File.pathSeparator)) {
                    Matcher m = CONNECT_RUNTIME_JAR.matcher(entry);
                    if (m.find()) {
                        return m.group(1);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException(
                    "No connect-runtime jar on the classpath in " + classpathResource);
        }
    }

    private final Process process;
    private final URI restUri;
    private final Path log;

    private ConnectWorker(Process process, URI restUri, Path log) {
        this.process = process;
        this.restUri = restUri;
        this.log = log;
    }

    /** {@link #start(Runtime, Path, Map, Map)} on {@link Runtime#KAFKA_3}, the broker's release. */
    public static ConnectWorker start(
            Path stateDirectory,
            Map<String, String> workerConfig,
            Map<String, String> environment) {
        return start(Runtime.KAFKA_3, stateDirectory, workerConfig, environment);
    }

    /**
     * Starts a worker and returns once its REST API lists connectors, i.e. the worker has loaded
     * its plugins and joined its group.
     *
     * @param runtime the Kafka release that runs the worker
     * @param workerConfig the worker configuration; {@code listeners} is replaced by a free port
     * @param environment variables added to the worker process's environment
     * @throws IllegalStateException if the worker does not start; the message names its log
     */
    public static ConnectWorker start(
            Runtime runtime,
            Path stateDirectory,
            Map<String, String> workerConfig,
            Map<String, String> environment) {
        try {
            Files.createDirectories(stateDirectory);
            Path state = stateDirectory.toRealPath();
            int port = ChildProcesses.freePort();
            Properties p = new Properties();
            p.putAll(workerConfig);
            p.setProperty("listeners", "http://" + HOST + ":" + port);
            p.setProperty("rest.advertised.host.name", HOST);
            p.setProperty("rest.advertised.port", Integer.toString(port));
            Path properties = state.resolve("connect-distributed.properties");
            try (var out = Files.newOutputStream(properties)) {
                p.store(out, "generated by lakestream on every start; edits are overwritten");
            }
            Path log = state.resolve("connect.log");
            Path logging =
                    state.resolve(
                            runtime == Runtime.KAFKA_3
                                    ? "connect-log4j.properties"
                                    : "connect-log4j2.properties");
            if (runtime == Runtime.KAFKA_3) {
                writeLogging(logging, log);
            } else {
                writeLog4j2Logging(logging, log);
            }

            List<String> command = new ArrayList<>();
            command.add(ChildProcesses.java());
            command.add("-Xmx768m");
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-Djava.awt.headless=true");
            command.add(
                    runtime == Runtime.KAFKA_3
                            ? "-Dlog4j.configuration=" + logging.toUri()
                            : "-Dlog4j2.configurationFile=" + logging);
            command.add(WORKER_MAIN);
            command.add(properties.toString());
            Path out = state.resolve("connect.out");
            ChildProcesses.rotateIfLarger(out, ChildProcesses.OUTPUT_FILE_CAP);
            ProcessBuilder builder =
                    new ProcessBuilder(ChildProcesses.inOwnSession(command))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            // CLASSPATH rather than -cp: the command line stays readable in ps
            builder.environment()
                    .put("CLASSPATH", ChildProcesses.classpath(runtime.classpathResource));
            builder.environment().putAll(environment);
            Process process = builder.start();
            ConnectWorker worker =
                    new ConnectWorker(process, URI.create("http://" + HOST + ":" + port), log);
            worker.awaitReady();
            LOG.info(
                    "Kafka Connect worker ({}) listening on {} (log {})",
                    runtime,
                    worker.restUri,
                    log);
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka Connect worker did not start", e);
        }
    }

    private static void writeLogging(Path file, Path log) throws IOException {
        ChildProcesses.writeRollingFileLogging(
                file,
                log,
                // the connector context, as in Kafka's own connect-log4j.properties
                "[%d] %p %X{connector.context}%m (%c)%n",
                // one line per class found while scanning plugins otherwise
                Map.of("org.reflections", "ERROR"),
                "generated by lakestream: logging of the Kafka Connect worker (reload4j)");
    }

    /** The same file logging for Kafka 4's log4j 2 backend, in its properties format. */
    private static void writeLog4j2Logging(Path file, Path log) throws IOException {
        Properties p = new Properties();
        p.setProperty(
                "rootLogger.level",
                System.getProperty(ChildProcesses.CHILD_LOG_LEVEL_PROPERTY, "INFO"));
        p.setProperty("rootLogger.appenderRef.file.ref", "file");
        p.setProperty("appender.file.type", "RollingFile");
        p.setProperty("appender.file.name", "file");
        p.setProperty("appender.file.fileName", log.toString());
        p.setProperty("appender.file.filePattern", log + ".%i");
        p.setProperty("appender.file.layout.type", "PatternLayout");
        p.setProperty("appender.file.layout.pattern", "[%d] %p %X{connector.context}%m (%c)%n");
        p.setProperty("appender.file.policies.type", "Policies");
        p.setProperty("appender.file.policies.size.type", "SizeBasedTriggeringPolicy");
        p.setProperty("appender.file.policies.size.size", "10MB");
        p.setProperty("appender.file.strategy.type", "DefaultRolloverStrategy");
        p.setProperty("appender.file.strategy.max", "3");
        p.setProperty("logger.reflections.name", "org.reflections");
        p.setProperty("logger.reflections.level", "ERROR");
        try (var out = Files.newOutputStream(file)) {
            p.store(
                    out,
                    "generated by lakestream: logging of the Kafka Connect 4 worker (log4j 2)");
        }
    }

    private void awaitReady() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        Instant nextProgress = Instant.now().plusSeconds(15);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Kafka Connect worker exited with code "
                                + process.exitValue()
                                + " while starting; see "
                                + log);
            }
            try {
                HttpResponse<String> response =
                        http.send(
                                HttpRequest.newBuilder(restUri.resolve("/connectors"))
                                        .timeout(Duration.ofSeconds(5))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST server starts only after the plugins are loaded
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while Kafka Connect was starting", e);
            }
            if (Instant.now().isAfter(nextProgress)) {
                LOG.info(
                        "Still waiting for the Kafka Connect worker (loading plugins); see {}",
                        log);
                nextProgress = Instant.now().plusSeconds(15);
            }
            try {
                // polling a child process's port: there is no event to wait on
                process.waitFor(250, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while Kafka Connect was starting", e);
            }
        }
        close();
        throw new IllegalStateException(
                "Kafka Connect worker did not answer within " + START_TIMEOUT + "; see " + log);
    }

    /** The REST API, e.g. {@code http://127.0.0.1:40123}. */
    public URI restUri() {
        return restUri;
    }

    /** The worker's own log file. */
    public Path logFile() {
        return log;
    }

    /**
     * Stops the worker cleanly (SIGTERM: tasks stopped, offsets committed), forcibly if it hangs.
     */
    @Override
    public void close() {
        if (process.isAlive()) {
            ProcessStopper.stop(process.toHandle(), STOP_GRACE);
        }
    }
}
