package dev.lakestream.embedded;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** What the services run in JVMs of their own (S3Proxy, Kafka) have in common. */
final class ChildProcesses {

    /**
     * System property with the root log level of the children that log through {@link
     * #writeRollingFileLogging} (default INFO); benchmarks set WARN.
     */
    static final String CHILD_LOG_LEVEL_PROPERTY = "lakestream.child.log-level";

    /**
     * {@code setsid} from util-linux, if this machine has it. A child in a session of its own is
     * out of the terminal's foreground process group, so a Ctrl-C in the terminal reaches only our
     * JVM, which then stops its children in order (the local stack's shutdown), instead of killing
     * them under a Flink job that is still writing. Started from Java the child is never a process
     * group leader, so setsid calls setsid(2) and execs the command in place: the pid Java reports
     * is the service's own pid, which is what the pid files and {@link ProcessStopper} rely on.
     */
    private static final Path SETSID = findOnPath("setsid");

    private ChildProcesses() {}

    /** The {@code java} launcher of the running JVM: children run on the same JDK as we do. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** {@code command} run in a session of its own where {@code setsid} exists, else as is. */
    static List<String> inOwnSession(List<String> command) {
        if (SETSID == null) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * A classpath written at build time by one of the {@code *-runtime} modules into a resource.
     */
    static String classpath(String resource) throws IOException {
        try (InputStream in = ChildProcesses.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(
                        "Missing "
                                + resource
                                + ": build the lakestream-embedded module with Maven first");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }

    /**
     * A log4j 1 (reload4j) set-up for a child that logs to a rolling file in its state folder,
     * never to the parent's console, as Kafka's own distribution does.
     *
     * @param levels extra logger levels, e.g. {@code kafka.request.logger -> WARN}
     */
    static void writeRollingFileLogging(
            Path file, Path log, String pattern, Map<String, String> levels, String comment)
            throws IOException {
        Properties p = new Properties();
        // benchmarks set WARN: a chatty child costs the processes under test a share of a core
        p.setProperty(
                "log4j.rootLogger",
                System.getProperty(CHILD_LOG_LEVEL_PROPERTY, "INFO") + ", file");
        p.setProperty("log4j.appender.file", "org.apache.log4j.RollingFileAppender");
        p.setProperty("log4j.appender.file.File", log.toString());
        p.setProperty("log4j.appender.file.MaxFileSize", "10MB");
        p.setProperty("log4j.appender.file.MaxBackupIndex", "3");
        p.setProperty("log4j.appender.file.layout", "org.apache.log4j.PatternLayout");
        p.setProperty("log4j.appender.file.layout.ConversionPattern", pattern);
        levels.forEach((logger, level) -> p.setProperty("log4j.logger." + logger, level));
        try (var out = Files.newOutputStream(file)) {
            p.store(out, comment);
        }
    }

    /**
     * Moves {@code file} aside to {@code file.1} (replacing an older one) when it has grown past
     * {@code maxBytes}; called before a child appends to it again. For the files a logging
     * framework does not write: a child's stdout and stderr (only what the JVM prints before or
     * beside its logging, such as a crash) and the tools' output, which grow with each start, not
     * with load. Rotating at start keeps each to at most twice {@code maxBytes} over any number of
     * restarts, with the newest text always in {@code file}.
     */
    static void rotateIfLarger(Path file, long maxBytes) throws IOException {
        if (Files.exists(file) && Files.size(file) > maxBytes) {
            Files.move(
                    file,
                    file.resolveSibling(file.getFileName() + ".1"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Cap of the files {@link #rotateIfLarger} bounds. */
    static final long OUTPUT_FILE_CAP = 10L * 1024 * 1024;

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static Path findOnPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String directory : path.split(File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, executable);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
