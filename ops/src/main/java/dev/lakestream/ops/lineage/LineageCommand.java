package dev.lakestream.ops.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.io.PrintStream;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import org.apache.iceberg.catalog.Catalog;

/**
 * {@code ./lakestream lineage --sale-date 2026-11-29 --store 3 [--json]}: the source changes and
 * positions behind a gold row's current version, and the snapshots and offsets it travelled through
 * ({@link GoldLineage}).
 */
public final class LineageCommand implements OpsCommand {

    @Override
    public String summary() {
        return "the source changes, snapshots and Kafka offsets behind a gold row";
    }

    @Override
    public String usage() {
        return String.join(
                "\n",
                "usage: ./lakestream lineage --config <transformation.properties> --sale-date"
                        + " <yyyy-mm-dd> --store <id> [--json]",
                "  --sale-date  the gold row's sale date (the store's local date)",
                "  --store      the gold row's store id",
                "  --json       print the lineage as one JSON document");
    }

    @Override
    public int run(OpsContext context, List<String> args) throws Exception {
        LocalDate saleDate = null;
        Long store = null;
        boolean json = false;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            switch (flag) {
                case "--sale-date" -> saleDate = date(value(args, ++i, flag));
                case "--store" -> store = number(value(args, ++i, flag));
                case "--json" -> json = true;
                default -> throw new IllegalArgumentException("unknown option " + flag);
            }
        }
        if (saleDate == null || store == null) {
            throw new IllegalArgumentException("--sale-date and --store are required");
        }
        Catalog catalog = context.openCatalog();
        try {
            PrintStream out = context.out();
            boolean quiet = json;
            GoldLineage.Report report =
                    new GoldLineage(
                                    catalog,
                                    context.transformation(),
                                    step -> {
                                        if (!quiet) {
                                            out.println("... " + step);
                                        }
                                    })
                            .trace(saleDate, store);
            if (json) {
                out.println(
                        new ObjectMapper()
                                .registerModule(new JavaTimeModule())
                                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                                .writerWithDefaultPrettyPrinter()
                                .writeValueAsString(report));
            } else {
                LineageText.print(report, out);
            }
            return 0;
        } finally {
            OpsContext.close(catalog);
        }
    }

    private static LocalDate date(String value) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    "--sale-date must be a date like 2026-11-29, was '" + value + "'");
        }
    }

    private static long number(String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--store must be a store id, was '" + value + "'");
        }
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }
}
