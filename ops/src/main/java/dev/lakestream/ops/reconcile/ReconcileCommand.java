package dev.lakestream.ops.reconcile;

import dev.lakestream.catalog.ReconciliationTables;
import dev.lakestream.catalog.TableBootstrap;
import dev.lakestream.jobs.ingestion.IngestionConfig;
import dev.lakestream.jobs.transformation.TransformationConfig;
import dev.lakestream.ops.OpsCommand;
import dev.lakestream.ops.OpsContext;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.catalog.Catalog;

/**
 * {@code ./lakestream reconcile}: source vs silver and silver vs gold, once or every few minutes.
 *
 * <pre>
 *  PostgreSQL (one snapshot) --ranges--> source vs silver <--ranges-- silver (current snapshot)
 *                                             |  differing keys: in flight (bronze since T0 -
 *                                             |  grace)? explained (open silver reject)? drift
 *  silver at checkpoint C --recomputed gold--> silver vs gold <-- gold at checkpoint C
 *                                             v
 *                     ops.reconciliation (one commit per cycle), /metrics, a short report
 * </pre>
 *
 * See {@code docs/reconciliation.md}. {@code --once} exits 1 on drift and 0 when clean; {@code
 * --every} runs until SIGTERM, finishing the cycle under way.
 */
public final class ReconcileCommand implements OpsCommand {

    @Override
    public String summary() {
        return "source vs silver and silver vs gold, once or every few minutes";
    }

    @Override
    public String usage() {
        return ReconcileOptions.USAGE;
    }

    @Override
    public int run(OpsContext context, List<String> args) throws Exception {
        ReconcileOptions options = ReconcileOptions.parse(args);
        IngestionConfig ingestion = context.requireIngestion("reconcile");
        Catalog catalog = context.openCatalog();
        try (ReconcileMetrics metrics = new ReconcileMetrics()) {
            if (options.metricsPort().isPresent()) {
                metrics.serve(options.metricsPort().getAsInt());
                context.out()
                        .printf(
                                "reconcile: metrics on http://0.0.0.0:%d/metrics%n",
                                metrics.port());
            }
            ReconcileCycle cycle =
                    cycle(context.transformation(), ingestion, options, catalog, metrics, context);
            if (options.once()) {
                return cycle.run().drift() ? 1 : 0;
            }
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            Thread hook =
                    new Thread(
                            () -> {
                                stop.countDown();
                                try {
                                    // let the cycle under way finish its commit
                                    stopped.await(5, TimeUnit.MINUTES);
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            },
                            "reconcile-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                do {
                    try {
                        cycle.run();
                    } catch (Exception e) {
                        // one failed cycle (a catalog hiccup, a restarted database) is reported;
                        // the next one tries again
                        context.out().println("reconcile: cycle failed: " + e);
                    }
                } while (!stop.await(options.every().toMillis(), TimeUnit.MILLISECONDS));
                context.out().println("reconcile: stopped");
                return 0;
            } finally {
                stopped.countDown();
            }
        } finally {
            OpsContext.close(catalog);
        }
    }

    /** A cycle against the jobs' configurations; creates the results table when missing. */
    static ReconcileCycle cycle(
            TransformationConfig transformation,
            IngestionConfig ingestion,
            ReconcileOptions options,
            Catalog catalog,
            ReconcileMetrics metrics,
            OpsContext context) {
        var results = ReconciliationTables.reconciliation(options.resultsNamespace());
        TableBootstrap.ensureAll(transformation.catalog(), List.of(results));
        return new ReconcileCycle(
                catalog,
                new SourceSilverCheck.Settings(
                        ingestion.postgres().jdbcUrl(),
                        ingestion.postgres().jdbcProperties("lakestream-reconcile"),
                        transformation.silverNamespace(),
                        transformation.bronzeNamespace(),
                        options.rangeSize(),
                        options.grace()),
                transformation.goldNamespace(),
                new ReconciliationLog(catalog.loadTable(results.identifier())),
                metrics,
                Clock.systemUTC(),
                context.out());
    }
}
