package dev.lakestream.ops.quarantine;

import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;

/**
 * {@code ./lakestream quarantine}: list, fix and re-inject quarantined changes.
 *
 * <pre>
 *  quarantine list [--table T] [--rule R] [--status open|reinjected|superseded]
 *  quarantine list --ingestion [--table dataset]
 *  quarantine reinject --table T --key '{"customer_id":7}' --lsn L
 *                      [--set column=value ...] [--override rule ...] [--dry-run]
 * </pre>
 *
 * See {@link QuarantineListing} and {@link Reinjector}; docs/quarantine-reprocessing.md explains
 * the whole cycle.
 */
public final class QuarantineCommand implements OpsCommand {

    @Override
    public String summary() {
        return "list, fix and re-inject quarantined changes";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: ./lakestream quarantine --config <transformation.properties> <action>",
                "  list [--table T] [--rule R] [--status open|reinjected|superseded]",
                "      the changes silver refused (quarantine.silver_rejects), with their status:",
                "      open, reinjected (with who, when, the fix and the bronze snapshot), or",
                "      superseded (silver holds a newer change of the key)",
                "  list --ingestion [--table dataset]",
                "      the REST and file records refused before bronze",
                "                      (quarantine.ingestion_rejects)",
                "  reinject --table T --key '{\"customer_id\":7}' --lsn L [--set column=value ...]",
                "           [--override rule ...] [--dry-run]",
                "      appends the refused change, fixed, to bronze once; --set types the value",
                "      as the silver column (null sets NULL); --override skips a business rule for",
                "      this change only; --dry-run shows what silver would hold, writing nothing");
    }

    @Override
    public int run(OpsContext context, List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("needs an action, list or reinject\n" + usage());
        }
        Catalog catalog = context.openCatalog();
        try {
            return switch (args.get(0)) {
                case "list" -> list(context, catalog, args.subList(1, args.size()));
                case "reinject" -> reinject(context, catalog, args.subList(1, args.size()));
                default ->
                        throw new IllegalArgumentException(
                                "unknown action '" + args.get(0) + "', expected list or reinject");
            };
        } finally {
            OpsContext.close(catalog);
        }
    }

    private static int list(OpsContext context, Catalog catalog, List<String> args) {
        String table = null;
        String rule = null;
        String status = null;
        boolean ingestion = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--table" -> table = value(args, ++i, "--table");
                case "--rule" -> rule = value(args, ++i, "--rule");
                case "--status" -> status = value(args, ++i, "--status");
                case "--ingestion" -> ingestion = true;
                default -> throw unknown(args.get(i));
            }
        }
        QuarantineStore store =
                new QuarantineStore(catalog, context.transformation().silverNamespace());
        if (ingestion) {
            store.ingestionRejects(table).forEach(context.out()::println);
            return 0;
        }
        QuarantineListing.Status wanted =
                status == null ? null : QuarantineListing.Status.parse(status);
        new QuarantineListing(store).print(table, rule, wanted, context.out());
        return 0;
    }

    private static int reinject(OpsContext context, Catalog catalog, List<String> args) {
        String table = null;
        String key = null;
        Long lsn = null;
        List<String> sets = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        boolean dryRun = false;
        for (int i = 0; i < args.size(); i++) {
            switch (args.get(i)) {
                case "--table" -> table = value(args, ++i, "--table");
                case "--key" -> key = value(args, ++i, "--key");
                case "--lsn" -> {
                    String text = value(args, ++i, "--lsn");
                    try {
                        lsn = Long.parseLong(text);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "--lsn " + text + ": not a number (the LSN the list shows)");
                    }
                }
                case "--set" -> sets.add(value(args, ++i, "--set"));
                case "--override" -> overrides.add(value(args, ++i, "--override"));
                case "--dry-run" -> dryRun = true;
                default -> throw unknown(args.get(i));
            }
        }
        require(table, "--table", "the source table, e.g. shop.order_lines");
        require(key, "--key", "the change's key JSON as the list shows it");
        require(lsn, "--lsn", "the refused change's LSN as the list shows it");
        try {
            SilverReject.canonicalKey(table, key);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--key " + key + ": not a JSON object, e.g. '{\"customer_id\":7}'");
        }
        if (sets.isEmpty() && overrides.isEmpty()) {
            throw new IllegalArgumentException(
                    "reinject needs a fix: --set column=value or --override rule (or both)");
        }
        return new Reinjector(
                        catalog,
                        context.transformation().bronzeNamespace(),
                        context.transformation().silverNamespace(),
                        Clock.systemUTC(),
                        System.getProperty("user.name", "unknown"))
                .run(new ReinjectRequest(table, key, lsn, sets, overrides, dryRun), context.out());
    }

    private static void require(Object value, String option, String what) {
        if (value == null) {
            throw new IllegalArgumentException(option + " is required: " + what);
        }
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    private static IllegalArgumentException unknown(String arg) {
        return new IllegalArgumentException("unknown option '" + arg + "' (see --help)");
    }
}
