package dev.lakestream.shop.cli;

import dev.lakestream.shop.ShopSchema;
import dev.lakestream.shop.workload.WorkloadGenerator;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry point of the workload generator: {@code --init} to create and seed the shop,
 * then run transactions for a count, a duration, or until Ctrl-C.
 *
 * <p>All behaviour sits in {@link #run(String[], Map, PrintStream, PrintStream)}, which returns the
 * exit status instead of calling {@link System#exit}, so tests can drive the CLI in-process with
 * their own environment and streams. Progress goes to the log (slf4j); only the usage, the error
 * messages and the final summary are printed, because those are the CLI's output proper.
 *
 * <p>Ctrl-C does not kill a transaction half-way: a shutdown hook asks the generator to stop and
 * waits for the run to return, so the printed summary covers exactly what was committed.
 */
public final class WorkloadCli {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadCli.class);

    /** Exit status for a command line that cannot be run. */
    public static final int EXIT_USAGE = 2;

    /** Exit status for a database error. */
    public static final int EXIT_FAILURE = 1;

    private static final String NAME = "lakestream-workload";

    private WorkloadCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /**
     * Runs the CLI.
     *
     * @param env the environment; only {@value CliOptions#PASSWORD_ENV} is read
     * @return the exit status: 0 on success, {@value #EXIT_FAILURE} on a database error, {@value
     *     #EXIT_USAGE} on a bad command line
     */
    public static int run(
            String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        CliOptions options;
        try {
            options = CliOptions.parse(args);
        } catch (CliUsageException e) {
            err.println(NAME + ": " + e.getMessage());
            err.println("Try '" + NAME + " --help' for usage.");
            return EXIT_USAGE;
        }
        if (options.help()) {
            out.print(CliOptions.usage());
            return 0;
        }
        String password = env.get(CliOptions.PASSWORD_ENV);
        LOG.info(
                "connecting to {} as {} ({} password from {})",
                withoutParameters(options.jdbcUrl()),
                options.user(),
                password == null ? "no" : "a",
                CliOptions.PASSWORD_ENV);
        CountDownLatch finished = new CountDownLatch(1);
        try (WorkloadGenerator generator =
                WorkloadGenerator.connect(
                        options.jdbcUrl(), options.user(), password, options.config())) {
            Thread hook = new Thread(() -> stopAndWait(generator, finished), NAME + "-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                if (options.init()) {
                    try (Connection connection =
                            DriverManager.getConnection(
                                    options.jdbcUrl(), properties(options.user(), password))) {
                        ShopSchema.apply(connection);
                    }
                    LOG.info("schema {} applied", ShopSchema.SCHEMA);
                    generator.seedReferenceData();
                }
                if (options.runWorkload()) {
                    generator.run();
                }
                out.print(generator.stats().summary());
                out.flush();
            } finally {
                finished.countDown();
                removeHook(hook);
            }
            return 0;
        } catch (SQLException e) {
            err.println(NAME + ": database error: " + e.getMessage());
            return EXIT_FAILURE;
        } catch (IllegalStateException e) {
            err.println(NAME + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
    }

    private static Properties properties(String user, String password) {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    private static void stopAndWait(WorkloadGenerator generator, CountDownLatch finished) {
        generator.stop();
        try {
            if (!finished.await(30, TimeUnit.SECONDS)) {
                LOG.warn("workload did not stop within 30 s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down; the hook is running or has run
        }
    }

    /** The URL up to its parameters, which may hold credentials that must not be logged. */
    static String withoutParameters(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q) + "?...";
    }
}
