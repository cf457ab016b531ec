package dev.lakestream.embedded;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker for the tests and the local stack: a single node that is both broker
 * and KRaft controller, run in a JVM of its own from the jars Maven resolved.
 *
 * <p>Why its own process: the broker needs Scala, its own Jackson, ZooKeeper's client classes and a
 * log4j 1 (reload4j) backend, and it brings kafka-clients 3.9; the Flink jobs use
 * flink-connector-kafka with kafka-clients 3.4 and log4j 2. In one JVM one of the two would run on
 * the other's jars. So the broker's classpath comes from {@code embedded/kafka-runtime}, a module
 * outside the parent POM's dependency management, which writes it into the resource {@code
 * lakestream/embedded/kafka.classpath}; no Kafka jar is a dependency of this module's users. The
 * Kafka command-line tools this class needs (formatting the storage, creating topics) run the same
 * way, as short child processes on that classpath, so this module needs no Kafka client either.
 *
 * <p>Why KRaft: it is how Kafka runs from 3.3 on and the only mode from 4.0 on; a single combined
 * broker+controller node needs no ZooKeeper, i.e. one process instead of two. The price is that a
 * fresh folder must be formatted with a cluster id once ({@code kafka-storage format}) before the
 * first start.
 *
 * <p>Exactly-once publishing needs transactions on a single node: the transaction and offsets
 * topics are created with replication factor 1 and min.insync.replicas 1, and each gets one
 * partition instead of fifty (there is one broker; fifty would only slow their creation). Automatic
 * topic creation is off, so topics exist only with the settings given to {@link #createTopic}.
 *
 * <p>Layout of the state folder, kept between runs (a restart keeps topics and committed records):
 *
 * <pre>
 * server.properties            written on every start (the ports may change)
 * kafka.cluster-id             generated once, before the first format
 * logs/                        log.dirs: meta.properties, the KRaft metadata log
 *                              (__cluster_metadata-0) and one folder per topic partition
 * kafka.log                    the broker's own log (log4j, rolled at 10 MB)
 * kafka.out                    the broker JVM's stdout and stderr (e.g. a crash before logging),
 *                              moved to kafka.out.1 at start once past 10 MB
 * kafka-tools.log              output of the storage format and kafka-topics runs, moved to
 *                              kafka-tools.log.1 at start once past 10 MB
 * kafka-log4j.properties       logging set-up of the broker
 * kafka-tools-log4j.properties logging set-up of the tools
 * kafka.pid                    pid of the running broker, removed by close()
 * </pre>
 *
 * <p>The pid file lets the next start stop a broker whose parent was killed hard (it would hold the
 * log folder's lock); only a live process whose command line is this folder's {@code kafka.Kafka}
 * is stopped, never whatever process got the number since. The child runs in a session of its own
 * where {@code setsid} exists (see {@link ChildProcesses}).
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);
    private static final String CLASSPATH_RESOURCE = "/lakestream/embedded/kafka.classpath";
    private static final String BROKER_MAIN = "kafka.Kafka";
    private static final String STORAGE_TOOL = "kafka.tools.StorageTool";
    // kafka-topics.sh; moved from the core jar (kafka.admin.TopicCommand) to kafka-tools in 3.x
    private static final String TOPIC_COMMAND = "org.apache.kafka.tools.TopicCommand";
    private static final int NODE_ID = 1;
    private static final String HOST = "127.0.0.1";
    // the broker starts in 2 to 5 s; the rest is room for a machine busy with Flink and PostgreSQL
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(60);
    // a clean shutdown flushes and closes every log; it takes about 2 s on an idle broker
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Process process;
    private final int port;
    private final Path stateDirectory;
    private final String clusterId;
    private final String classpath;
    private final Path pidFile;
    private final Path log;
    // the SASL_PLAINTEXT listener's port, or 0 without one
    private int saslPort;

    private KafkaBroker(
            Process process,
            int port,
            Path stateDirectory,
            String clusterId,
            String classpath,
            Path pidFile,
            Path log) {
        this.process = process;
        this.port = port;
        this.stateDirectory = stateDirectory;
        this.clusterId = clusterId;
        this.classpath = classpath;
        this.pidFile = pidFile;
        this.log = log;
    }

    /**
     * Starts the broker on the data in {@code stateDirectory}, formatting it first if it is new,
     * and returns once the broker answers requests.
     *
     * @param port TCP port of the client listener on 127.0.0.1, or 0 for a free one (the KRaft
     *     controller always gets a free one)
     * @throws IllegalStateException if the broker does not start; the message names its log
     */
    public static KafkaBroker start(Path stateDirectory, int port) {
        return start(stateDirectory, port, null);
    }

    /** A user of the SASL listener ({@link #startWithSasl}). */
    public record SaslUser(String name, String password) {}

    /**
     * As {@link #start}, plus a {@code SASL_PLAINTEXT} listener (mechanism {@code PLAIN}) on
     * another free port that accepts {@code user} only ({@link #saslBootstrapServers}): for tests
     * of clients that authenticate. The plain listener stays, for tools and other clients.
     */
    public static KafkaBroker startWithSasl(Path stateDirectory, SaslUser user) {
        return start(stateDirectory, 0, user);
    }

    private static KafkaBroker start(Path stateDirectory, int port, SaslUser sasl) {
        try {
            Files.createDirectories(stateDirectory);
            // one spelling of the folder, so that the stale-broker check below recognises it
            Path state = stateDirectory.toRealPath();
            Path pidFile = state.resolve("kafka.pid");
            Path serverProperties = state.resolve("server.properties");
            stopStaleBroker(pidFile, serverProperties);

            String classpath = ChildProcesses.classpath(CLASSPATH_RESOURCE);
            int actualPort = port > 0 ? port : ChildProcesses.freePort();
            // a requested port is free now (that is why it was asked for), so the OS may hand
            // the same number out again: the two listeners must not share it
            int controllerPort = ChildProcesses.freePort();
            while (controllerPort == actualPort) {
                controllerPort = ChildProcesses.freePort();
            }
            int saslPort = 0;
            if (sasl != null) {
                saslPort = ChildProcesses.freePort();
                while (saslPort == actualPort || saslPort == controllerPort) {
                    saslPort = ChildProcesses.freePort();
                }
            }
            Path logs = state.resolve("logs");
            writeServerProperties(
                    serverProperties, logs, actualPort, controllerPort, saslPort, sasl);
            Path log = state.resolve("kafka.log");
            writeBrokerLogging(state.resolve("kafka-log4j.properties"), log);
            writeToolsLogging(state.resolve("kafka-tools-log4j.properties"));
            ChildProcesses.rotateIfLarger(
                    state.resolve("kafka-tools.log"), ChildProcesses.OUTPUT_FILE_CAP);

            String clusterId = clusterId(state, logs);
            if (!Files.exists(logs.resolve("meta.properties"))) {
                // first start on this folder (or one whose format never finished)
                runTool(
                        state,
                        classpath,
                        STORAGE_TOOL,
                        List.of("format", "-t", clusterId, "-c", serverProperties.toString()));
                LOG.info("Formatted {} for Kafka cluster {}", logs, clusterId);
            }

            List<String> command = new ArrayList<>();
            command.add(ChildProcesses.java());
            command.add("-Xmx512m");
            // a broker that ran out of memory is broken; let it die so that start or the next
            // start notices, rather than linger half-working
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-Djava.awt.headless=true");
            command.add("-Dlog4j.configuration=" + state.resolve("kafka-log4j.properties").toUri());
            command.add(BROKER_MAIN);
            command.add(serverProperties.toString());
            // in a session of its own: a terminal's Ctrl-C must not stop the broker under a job
            // that is still committing transactions to it; whoever started it stops it with close()
            Path out = state.resolve("kafka.out");
            ChildProcesses.rotateIfLarger(out, ChildProcesses.OUTPUT_FILE_CAP);
            ProcessBuilder builder =
                    new ProcessBuilder(ChildProcesses.inOwnSession(command))
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()));
            onClasspath(builder, classpath);
            Process process = builder.start();
            Files.writeString(pidFile, Long.toString(process.pid()));
            KafkaBroker broker =
                    new KafkaBroker(process, actualPort, state, clusterId, classpath, pidFile, log);
            broker.saslPort = saslPort;
            broker.awaitReady();
            LOG.info(
                    "Kafka broker (KRaft, cluster {}) listening on {} (data in {}, log {})",
                    clusterId,
                    broker.bootstrapServers(),
                    logs,
                    log);
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("Kafka broker did not start in " + stateDirectory, e);
        }
    }

    /** Adds a SASL_PLAINTEXT listener (mechanism PLAIN, one user) to the broker's listeners. */
    private static void addSaslListener(Properties p, int saslPort, SaslUser user) {
        String sasl = "SASL_PLAINTEXT://" + HOST + ":" + saslPort;
        p.setProperty("listeners", p.getProperty("listeners") + "," + sasl);
        p.setProperty("advertised.listeners", p.getProperty("advertised.listeners") + "," + sasl);
        p.setProperty(
                "listener.security.protocol.map",
                p.getProperty("listener.security.protocol.map") + ",SASL_PLAINTEXT:SASL_PLAINTEXT");
        p.setProperty("sasl.enabled.mechanisms", "PLAIN");
        p.setProperty(
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                        + user.name()
                        + "=\""
                        + user.password()
                        + "\";");
    }

    /** {@code host:port} of the SASL_PLAINTEXT listener; only after {@link #startWithSasl}. */
    public String saslBootstrapServers() {
        if (saslPort == 0) {
            throw new IllegalStateException("this broker was started without a SASL listener");
        }
        return HOST + ":" + saslPort;
    }

    private static void writeServerProperties(
            Path file, Path logs, int port, int controllerPort, int saslPort, SaslUser sasl)
            throws IOException {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        // a static quorum of this one node; the endpoint may change between starts, the quorum's
        // state on disk does not record it
        p.setProperty("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.setProperty(
                "listeners",
                "PLAINTEXT://"
                        + HOST
                        + ":"
                        + port
                        + ",CONTROLLER://"
                        + HOST
                        + ":"
                        + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", logs.toString());
        // one broker: every internal topic with one replica, or transactions and groups never work
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("offsets.topic.num.partitions", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "1");
        p.setProperty("min.insync.replicas", "1");
        // topics exist only as created, with their settings (a compacted topic stays compacted)
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "1");
        // a single consumer need not wait 3 s for others to join its group
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // the upper bound for a producer's transaction.timeout.ms (Kafka's default, 15 min):
        // Flink's KafkaSink defaults to 1 h and must be configured below this
        p.setProperty("transaction.max.timeout.ms", "900000");
        // the log cleaner's dedupe buffer is 128 MB by default, a quarter of this heap; the topics
        // here are small
        p.setProperty("log.cleaner.dedupe.buffer.size", Integer.toString(32 * 1024 * 1024));
        if (sasl != null) {
            addSaslListener(p, saslPort, sasl);
        }
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "generated by lakestream on every start; edits are overwritten");
        }
    }

    /** The broker logs to a rolling file in the state folder, never to the parent's console. */
    private static void writeBrokerLogging(Path file, Path log) throws IOException {
        ChildProcesses.writeRollingFileLogging(
                file,
                log,
                "[%d] %p %m (%c)%n",
                // one line per request otherwise (as in Kafka's own config/log4j.properties)
                Map.of("kafka.request.logger", "WARN"),
                "generated by lakestream: logging of the Kafka broker (reload4j)");
    }

    /** Tools only say something when it goes wrong; their stderr goes to kafka-tools.log. */
    private static void writeToolsLogging(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("log4j.rootLogger", "WARN, stderr");
        p.setProperty("log4j.appender.stderr", "org.apache.log4j.ConsoleAppender");
        p.setProperty("log4j.appender.stderr.Target", "System.err");
        p.setProperty("log4j.appender.stderr.layout", "org.apache.log4j.PatternLayout");
        p.setProperty("log4j.appender.stderr.layout.ConversionPattern", "[%d] %p %m (%c)%n");
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "generated by lakestream: logging of the Kafka command-line tools");
        }
    }

    /**
     * The cluster id of this folder: the one it was formatted with, else the one kept for its first
     * format, else a new one. Kafka's ids are 16 random bytes in URL-safe base64 without padding.
     */
    private static String clusterId(Path state, Path logs) throws IOException {
        Path idFile = state.resolve("kafka.cluster-id");
        Path meta = logs.resolve("meta.properties");
        if (Files.exists(meta)) {
            Properties formatted = new Properties();
            try (InputStream in = Files.newInputStream(meta)) {
                formatted.load(in);
            }
            String id = formatted.getProperty("cluster.id");
            if (id != null && !id.isBlank()) {
                Files.writeString(idFile, id);
                return id;
            }
        }
        if (Files.exists(idFile)) {
            return Files.readString(idFile).trim();
        }
        String id;
        do {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16);
            bytes.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            // like Kafka's Uuid.randomUuid: an id starting with '-' reads as an option
        } while (id.startsWith("-"));
        Files.writeString(idFile, id);
        return id;
    }

    private static void stopStaleBroker(Path pidFile, Path serverProperties) throws IOException {
        if (!Files.exists(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            Optional<ProcessHandle> stale = ProcessHandle.of(pid);
            if (stale.isPresent() && stale.get().isAlive()) {
                String commandLine = stale.get().info().commandLine().orElse("");
                // the broker of this folder, not a process that got the pid since
                if (commandLine.contains(BROKER_MAIN)
                        && commandLine.contains(serverProperties.toString())) {
                    LOG.warn(
                            "Kafka broker (pid {}) from an earlier run is still running on {};"
                                    + " stopping it",
                            pid,
                            serverProperties.getParent());
                    ProcessStopper.stop(stale.get(), STOP_GRACE);
                }
            }
        } catch (NumberFormatException ignored) {
            // unreadable pid file: nothing we can safely stop
        }
        Files.deleteIfExists(pidFile);
    }

    /**
     * Hands the classpath to the child's {@code java} in {@code CLASSPATH} rather than {@code -cp}:
     * the command line stays short enough to end in {@code kafka.Kafka <server.properties>} where
     * {@link ProcessHandle.Info#commandLine()} can see it (the JDK cuts it at about 4 kB, and the
     * classpath alone is longer), which the stale-broker check needs; {@code ps} reads better too.
     */
    private static void onClasspath(ProcessBuilder builder, String classpath) {
        builder.environment().put("CLASSPATH", classpath);
    }

    /**
     * Runs one of Kafka's command-line tools on the broker's classpath as a short child process,
     * its output appended to {@code kafka-tools.log}.
     */
    private static void runTool(Path state, String classpath, String mainClass, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.java());
        command.add("-Xmx256m");
        // a run of a second or two: the JIT's top tier would cost more than it saves
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:+UseSerialGC");
        command.add(
                "-Dlog4j.configuration=" + state.resolve("kafka-tools-log4j.properties").toUri());
        command.add(mainClass);
        command.addAll(args);
        Path toolsLog = state.resolve("kafka-tools.log");
        Files.writeString(
                toolsLog,
                "--- " + Instant.now() + " " + mainClass + " " + String.join(" ", args) + "\n",
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        long offset = Files.size(toolsLog);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(toolsLog.toFile()));
        onClasspath(builder, classpath);
        Process tool = builder.start();
        try {
            if (!tool.waitFor(TOOL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                ProcessStopper.stop(tool.toHandle(), Duration.ofSeconds(5));
                throw new IllegalStateException(
                        mainClass + " did not finish within " + TOOL_TIMEOUT + "; see " + toolsLog);
            }
        } catch (InterruptedException e) {
            tool.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + mainClass, e);
        }
        if (tool.exitValue() != 0) {
            throw new IllegalStateException(
                    mainClass
                            + " exited with code "
                            + tool.exitValue()
                            + ": "
                            + tail(toolsLog, offset)
                            + " (see "
                            + toolsLog
                            + ")");
        }
    }

    /** What a tool wrote to {@code file} from {@code offset} on, at most 2,000 characters. */
    private static String tail(Path file, long offset) throws IOException {
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            long start = Math.max(offset, channel.size() - 2000);
            channel.position(start);
            ByteBuffer buffer = ByteBuffer.allocate((int) (channel.size() - start));
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // read to the end
            }
            return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * Waits until the broker answers a metadata request with itself as a live broker of this
     * folder's cluster. An open port alone is not enough: the listener binds its port early and
     * serves requests only once the broker has caught up with the metadata log and been unfenced;
     * and the cluster id tells this broker from anything else that might own the port.
     */
    private void awaitReady() {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        int correlationId = 0;
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                close(); // removes the pid file: there is nothing left to stop
                throw new IllegalStateException(
                        "Kafka broker exited with code "
                                + process.exitValue()
                                + " while starting; see "
                                + log
                                + " and "
                                + stateDirectory.resolve("kafka.out"));
            }
            if (answersAsThisBroker(++correlationId)) {
                return;
            }
            try {
                // polling a child process's port: there is no event to wait on
                process.waitFor(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close();
                throw new IllegalStateException("Interrupted while Kafka was starting", e);
            }
        }
        close();
        throw new IllegalStateException(
                "Kafka broker did not answer within " + START_TIMEOUT + "; see " + log);
    }

    /**
     * Sends a Metadata request (version 7, the newest that Kafka 2.1 clients use, so every broker
     * from 2.1 to 4.x answers it; no topics asked for) and checks that the answer lists this node
     * at this port in this cluster. Any failure, including a refused connection, is "not yet".
     */
    private boolean answersAsThisBroker(int correlationId) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(HOST, port), 200);
            socket.setSoTimeout(1000);
            byte[] clientId = "lakestream-embedded".getBytes(StandardCharsets.UTF_8);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            DataOutputStream r = new DataOutputStream(request);
            r.writeShort(3); // api key: Metadata
            r.writeShort(7); // api version
            r.writeInt(correlationId);
            r.writeShort(clientId.length);
            r.write(clientId);
            r.writeInt(0); // topics: an empty array asks for none (null would ask for all)
            r.writeByte(0); // allow_auto_topic_creation: false
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(request.size());
            request.writeTo(out);
            out.flush();

            DataInputStream in = new DataInputStream(socket.getInputStream());
            int size = in.readInt();
            if (size < 4 || size > 1 << 20) {
                return false;
            }
            byte[] body = new byte[size];
            in.readFully(body);
            DataInputStream response = new DataInputStream(new ByteArrayInputStream(body));
            if (response.readInt() != correlationId) {
                return false;
            }
            response.readInt(); // throttle_time_ms
            int brokers = response.readInt();
            boolean listed = false;
            for (int i = 0; i < brokers; i++) {
                int nodeId = response.readInt();
                readString(response); // host
                int brokerPort = response.readInt();
                readString(response); // rack
                listed |= nodeId == NODE_ID && brokerPort == port;
            }
            return listed && clusterId.equals(readString(response));
        } catch (IOException notYet) {
            return false;
        }
    }

    /** A Kafka protocol (nullable) string: int16 length, -1 for null, then UTF-8 bytes. */
    private static String readString(DataInputStream in) throws IOException {
        short length = in.readShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * Creates a topic with one replica unless a topic of that name exists; an existing topic is
     * left exactly as it is, even if its partitions or settings differ. Runs {@code kafka-topics
     * --create --if-not-exists} as a child process on the broker's classpath.
     *
     * @param configs topic-level settings, e.g. {@code cleanup.policy=compact}
     * @throws IllegalStateException if kafka-topics fails; the message carries its output
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
        List<String> args = new ArrayList<>();
        args.add("--bootstrap-server");
        args.add(bootstrapServers());
        args.add("--create");
        args.add("--if-not-exists");
        args.add("--topic");
        args.add(name);
        args.add("--partitions");
        args.add(Integer.toString(partitions));
        args.add("--replication-factor");
        args.add("1");
        configs.forEach(
                (key, value) -> {
                    args.add("--config");
                    args.add(key + "=" + value);
                });
        try {
            runTool(stateDirectory, classpath, TOPIC_COMMAND, args);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create topic " + name, e);
        }
    }

    /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The KRaft cluster id this folder was formatted with; the same on every start. */
    public String clusterId() {
        return clusterId;
    }

    /** The state folder, as resolved when the broker started. */
    public Path stateDirectory() {
        return stateDirectory;
    }

    /** The broker's {@code log.dirs}: one folder per topic partition, with its log segments. */
    public Path logDirectory() {
        return stateDirectory.resolve("logs");
    }

    /**
     * Kills the broker process with SIGKILL, as a crash of its machine would (without losing the
     * page cache): no log is flushed or closed. {@link #start} on the same folder and port brings
     * it back, recovering its logs.
     */
    public void crash() {
        process.destroyForcibly();
        try {
            process.onExit().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the Kafka broker did not die within 30 s", e);
        }
    }

    /** The broker's own log file. */
    public Path logFile() {
        return log;
    }

    /** Stops the broker cleanly (SIGTERM: logs flushed and closed), forcibly if it hangs. */
    @Override
    public void close() {
        if (process.isAlive()) {
            ProcessStopper.stop(process.toHandle(), STOP_GRACE);
        }
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException ignored) {
            // a stale pid file is checked against the live process on the next start
        }
    }
}
