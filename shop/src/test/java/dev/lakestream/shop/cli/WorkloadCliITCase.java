package dev.lakestream.shop.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.shop.TestShop;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class WorkloadCliITCase {

    private static EmbeddedPostgres pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void initThenRunThenResume() throws Exception {
        try (Connection c = TestShop.freshDatabase(pg, "cli")) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/cli";
            Map<String, String> env = Map.of(CliOptions.PASSWORD_ENV, "unused-by-trust-auth");

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status =
                    WorkloadCli.run(
                            new String[] {
                                "--jdbc-url",
                                url,
                                "--init",
                                "--customers",
                                "50",
                                "--products",
                                "30",
                                "--initial-orders",
                                "20",
                                "--rate",
                                "0",
                                "--transactions",
                                "60"
                            },
                            env,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("shop.order_lines", "60 workload + ");
            assertThat(TestShop.queryLong(c, "SELECT count(*) FROM shop.stores")).isEqualTo(8);
            assertThat(TestShop.queryLong(c, "SELECT count(*) FROM shop.customers"))
                    .isGreaterThanOrEqualTo(50);

            // --init again is harmless and a plain run continues on the same data
            out.reset();
            status =
                    WorkloadCli.run(
                            new String[] {
                                "--jdbc-url=" + url, "--init", "--rate=0", "--transactions=40"
                            },
                            env,
                            new PrintStream(out, true, StandardCharsets.UTF_8),
                            new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("40 workload + 0 seeding");
            assertThat(TestShop.queryLong(c, "SELECT count(*) FROM shop.stores")).isEqualTo(8);
        }
    }
}
