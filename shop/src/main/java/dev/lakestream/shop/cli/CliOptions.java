package dev.lakestream.shop.cli;

import dev.lakestream.shop.workload.WorkloadConfig;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parsed command line of {@link WorkloadCli}.
 *
 * <p>Parsing is separate from running so that every way a command line can be wrong is checked, and
 * tested, without a database. Numeric settings are validated by {@link WorkloadConfig} itself (one
 * source of truth for the ranges); its message is prefixed with the flag the user typed.
 *
 * <p>There is deliberately no password flag: command lines end up in shell history and process
 * listings, so the password comes from the environment only.
 *
 * @param jdbcUrl JDBC URL of the shop database
 * @param user database user
 * @param init apply the schema and seed reference data before running
 * @param runWorkload whether to run transactions: false for {@code --init} without a limit
 * @param help print usage and exit
 * @param config the workload settings, with {@link WorkloadConfig#maxTransactions()} and {@link
 *     WorkloadConfig#duration()} from {@code --transactions} and {@code --duration}
 */
public record CliOptions(
        String jdbcUrl,
        String user,
        boolean init,
        boolean runWorkload,
        boolean help,
        WorkloadConfig config) {

    /** Environment variable holding the database password. */
    public static final String PASSWORD_ENV = "SHOP_DB_PASSWORD";

    public static final String DEFAULT_USER = "postgres";

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    static String usage() {
        return String.join(
                System.lineSeparator(),
                "Usage: lakestream-workload --jdbc-url URL [options]",
                "",
                "Writes a reproducible retail workload into the PostgreSQL schema 'shop'.",
                "",
                "Options:",
                "  --jdbc-url URL         JDBC URL, e.g. jdbc:postgresql://localhost:5432/shop"
                        + " (required)",
                "  --user NAME            database user (default " + DEFAULT_USER + ")",
                "  --init                 create the schema and seed reference data first; without"
                        + " --transactions",
                "                         or --duration, exit after that",
                "  --seed N               random seed (default "
                        + WorkloadConfig.DEFAULT_SEED
                        + ")",
                "  --rate TPS             transactions per second, 0 = as fast as possible"
                        + " (default "
                        + WorkloadConfig.DEFAULT_RATE
                        + ")",
                "  --transactions N       stop after N transactions (N >= 1)",
                "  --duration D           stop after D, ISO-8601 (PT5M) or like 30s, 5m, 1h30m",
                "  --stores N             stores to seed with --init (default "
                        + WorkloadConfig.DEFAULT_STORES
                        + ")",
                "  --customers N          customers to seed with --init (default "
                        + WorkloadConfig.DEFAULT_CUSTOMERS
                        + ")",
                "  --products N           products to seed with --init (default "
                        + WorkloadConfig.DEFAULT_PRODUCTS
                        + ")",
                "  --initial-orders N     historical orders to seed with --init (default "
                        + WorkloadConfig.DEFAULT_INITIAL_ORDERS
                        + ")",
                "  --clock-start INSTANT  logical time of the first transaction (default "
                        + WorkloadConfig.DEFAULT_CLOCK_START
                        + ")",
                "  -h, --help             print this help",
                "",
                "Without --transactions or --duration it runs until interrupted (Ctrl-C).",
                "The password is read from the environment variable "
                        + PASSWORD_ENV
                        + ", never from a flag.",
                "Exit status: 0 done, 1 database error, 2 bad command line.",
                "");
    }

    /**
     * Parses {@code args}; accepts both {@code --flag value} and {@code --flag=value}.
     *
     * @throws CliUsageException naming the offending flag
     */
    public static CliOptions parse(String... args) throws CliUsageException {
        WorkloadConfig.Builder config = WorkloadConfig.builder();
        String jdbcUrl = null;
        String user = DEFAULT_USER;
        boolean init = false;
        boolean limited = false;
        for (String arg : args) {
            if (arg.equals("-h") || arg.equals("--help")) {
                return new CliOptions(null, user, false, false, true, config.build());
            }
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new CliUsageException("unexpected argument '" + arg + "'");
            }
            String flag = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (eq > 0) {
                flag = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            if (!seen.add(flag)) {
                throw new CliUsageException(flag + " is given more than once");
            }
            if (flag.equals("--init")) {
                if (inlineValue != null) {
                    throw new CliUsageException("--init takes no value");
                }
                init = true;
                continue;
            }
            if (!takesValue(flag)) {
                throw new CliUsageException("unknown flag " + flag);
            }
            String value;
            if (inlineValue != null) {
                value = inlineValue;
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new CliUsageException(flag + " requires a value");
            }
            switch (flag) {
                case "--jdbc-url":
                    if (!value.startsWith("jdbc:postgresql:")) {
                        throw new CliUsageException(
                                "--jdbc-url must start with jdbc:postgresql:, was '" + value + "'");
                    }
                    jdbcUrl = value;
                    break;
                case "--user":
                    if (value.isBlank()) {
                        throw new CliUsageException("--user must not be empty");
                    }
                    user = value;
                    break;
                case "--seed":
                    config.seed(parseLong(flag, value));
                    break;
                case "--rate":
                    config.rate(parseDouble(flag, value));
                    break;
                case "--transactions":
                    long n = parseLong(flag, value);
                    if (n < 1) {
                        throw new CliUsageException("--transactions must be >= 1, was " + n);
                    }
                    config.maxTransactions(n);
                    limited = true;
                    break;
                case "--duration":
                    Duration d = parseDuration(value);
                    if (d == null || d.isNegative() || d.isZero()) {
                        throw new CliUsageException(
                                "--duration expects a positive duration such as 30s, 5m, 1h30m"
                                        + " or PT5M, was '"
                                        + value
                                        + "'");
                    }
                    config.duration(d);
                    limited = true;
                    break;
                case "--stores":
                    config.stores(parseInt(flag, value));
                    break;
                case "--customers":
                    config.customers(parseInt(flag, value));
                    break;
                case "--products":
                    config.products(parseInt(flag, value));
                    break;
                case "--initial-orders":
                    config.initialOrders(parseInt(flag, value));
                    break;
                case "--clock-start":
                    try {
                        config.clockStart(Instant.parse(value));
                    } catch (DateTimeParseException e) {
                        throw new CliUsageException(
                                "--clock-start expects an ISO-8601 instant such as"
                                        + " 2025-03-03T07:00:00Z, was '"
                                        + value
                                        + "'");
                    }
                    break;
                default:
                    throw new AssertionError(flag);
            }
            // range checks live in WorkloadConfig; report them against the flag just given
            try {
                config.build();
            } catch (IllegalArgumentException e) {
                throw new CliUsageException(flag + ": " + e.getMessage());
            }
        }
        if (jdbcUrl == null) {
            throw new CliUsageException("--jdbc-url is required");
        }
        return new CliOptions(jdbcUrl, user, init, !init || limited, false, config.build());
    }

    private static boolean takesValue(String flag) {
        switch (flag) {
            case "--jdbc-url":
            case "--user":
            case "--seed":
            case "--rate":
            case "--transactions":
            case "--duration":
            case "--stores":
            case "--customers":
            case "--products":
            case "--initial-orders":
            case "--clock-start":
                return true;
            default:
                return false;
        }
    }

    private static long parseLong(String flag, String value) throws CliUsageException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new CliUsageException(flag + " expects an integer, was '" + value + "'");
        }
    }

    private static int parseInt(String flag, String value) throws CliUsageException {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new CliUsageException(flag + " expects an integer, was '" + value + "'");
        }
    }

    private static double parseDouble(String flag, String value) throws CliUsageException {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new CliUsageException(flag + " expects a number, was '" + value + "'");
        }
    }

    /**
     * Parses ISO-8601 ({@code PT30S}, {@code P1DT2H}) or a sequence of amounts with units {@code
     * ms}, {@code s}, {@code m}, {@code h}, {@code d} ({@code 30s}, {@code 1h30m}).
     *
     * @return the duration, or null if {@code text} is neither
     */
    static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.startsWith("p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        Matcher m = SIMPLE_DURATION.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long amount;
            try {
                amount = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                return null;
            }
            try {
                switch (m.group(2)) {
                    case "ms":
                        total = total.plusMillis(amount);
                        break;
                    case "s":
                        total = total.plusSeconds(amount);
                        break;
                    case "m":
                        total = total.plusMinutes(amount);
                        break;
                    case "h":
                        total = total.plusHours(amount);
                        break;
                    default:
                        total = total.plusDays(amount);
                        break;
                }
            } catch (ArithmeticException e) {
                return null;
            }
            end = m.end();
        }
        return end == t.length() && end > 0 ? total : null;
    }
}
