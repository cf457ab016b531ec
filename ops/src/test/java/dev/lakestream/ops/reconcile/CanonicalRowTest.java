package dev.lakestream.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.catalog.SilverTables;
import dev.lakestream.embedded.EmbeddedPostgresServer;
import dev.lakestream.jobs.changelog.JsonImages;
import dev.lakestream.jobs.changelog.RowChange;
import dev.lakestream.jobs.silver.CleansingResult;
import dev.lakestream.jobs.silver.EntityRules;
import dev.lakestream.shop.ShopSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.types.RowKind;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The canonical text and checksum PostgreSQL computes over a source row equal what Java computes
 * over the silver row silver's own rules ({@link EntityRules}) make of it, for every column type
 * the shop uses (bigint, int, smallint, numeric(12,2), boolean, date, timestamptz before and after
 * 1970 with microseconds, text and char(n)) and every cleansing: white space of every kind trimmed
 * (no-break space, BOM, tab), blank optional text to null, e-mails lower-cased, text with {@code |}
 * and {@code \}, nulls.
 */
class CanonicalRowTest {

    private static EmbeddedPostgresServer postgres;
    private static final String DB = "canonical";

    @BeforeAll
    static void start() throws Exception {
        postgres = EmbeddedPostgresServer.startTemporary();
        postgres.createDatabase(DB);
        try (Connection c = postgres.connect(DB);
                Statement s = c.createStatement()) {
            ShopSchema.apply(c);
            c.setAutoCommit(true);
            s.execute(
                    "INSERT INTO shop.stores VALUES (1, ' S-1 ', E'N\u00e4me | with \\\\ pipe',"
                            + " E'\\u00a0North\\t', 'Paris', 'FR', 'Europe/Paris', 'EUR',"
                            + " '2019-02-28', false),"
                            + " (2, 'S-2', 'Two', 'South', E'\\uFEFFLyon ', 'FR', 'Asia/Tokyo',"
                            + " 'JPY', NULL, true)");
            s.execute(
                    "INSERT INTO shop.customers VALUES"
                            + " (10, '  John.Doe@Example.COM ', E'\\uFEFFJane ', NULL, 2,"
                            + " '2025-03-03 07:00:00.123456+01', '2025-03-04 00:00:00+00'),"
                            + " (11, 'a@b.io', '   ', 'DE', NULL,"
                            + " '1969-12-31 23:59:59.999999+00', '1970-01-01 00:00:00+00')");
            s.execute(
                    "INSERT INTO shop.products VALUES (20, 'SKU|1', 'Thing', 'toys', NULL, 12.50,"
                            + " true, '2025-01-01 12:00:00.5+00'),"
                            + " (21, 'SKU-2', 'Other', 'toys', ' a\\b ', 0.00, false,"
                            + " '2025-01-01 12:00:00+00')");
            s.execute(
                    "INSERT INTO shop.orders VALUES (30, 1, 10, 'WEB', 'CANCELLED',"
                            + " '2025-03-03 23:30:00+00', '2025-03-03 23:31:00+00',"
                            + " ' gift | wrap '), (31, 2, NULL, 'STORE', 'PAID',"
                            + " '2025-03-03 15:00:00+00', '2025-03-03 15:00:00+00', NULL)");
            s.execute(
                    "INSERT INTO shop.order_lines VALUES (30, 1, 20, 3, 0.10, 0.00),"
                            + " (30, 2, 21, 1, 1234567890.99, 0.01), (31, 1, 20, 2, 12.50, 5.00)");
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void sqlAndJavaGiveTheSameTextAndChecksumForEveryShopTable() throws Exception {
        Properties props = new Properties();
        props.setProperty("user", EmbeddedPostgresServer.SUPERUSER);
        try (SourceSnapshot source = SourceSnapshot.open(postgres.jdbcUrl(DB), props);
                Connection c = postgres.connect(DB)) {
            for (CanonicalRow row : SourceSilverCheck.shopTables()) {
                List<Record> silver = silverRows(c, row);
                assertThat(silver).as("rows of %s", row.sourceTable()).hasSizeGreaterThan(1);
                long checksum = 0;
                for (Record r : silver) {
                    String where =
                            String.join(
                                    " AND ",
                                    row.keyColumns().stream()
                                            .map(k -> "t." + k + " = " + r.getField(k))
                                            .toList());
                    assertThat(row.text(r))
                            .as("%s where %s", row.sourceTable(), where)
                            .isEqualTo(source.text(row, where));
                    checksum += RowHash.of(row.text(r));
                }
                assertThat(source.ranges(row, 1_000_000))
                        .as("rows and checksum of %s", row.sourceTable())
                        .isEqualTo(Map.of(0L, new RangeSummary(silver.size(), checksum)));
                assertThat(source.rows(row, new KeyRange(row.sourceTable(), "k", 0, 1000)).values())
                        .as("per-row hashes of %s", row.sourceTable())
                        .containsExactlyInAnyOrderElementsOf(
                                silver.stream().map(r -> RowHash.of(row.text(r))).toList());
            }
        }
    }

    @Test
    void textsShowTheCanonicalForms() throws Exception {
        Properties props = new Properties();
        props.setProperty("user", EmbeddedPostgresServer.SUPERUSER);
        try (SourceSnapshot source = SourceSnapshot.open(postgres.jdbcUrl(DB), props)) {
            assertThat(source.text(CanonicalRow.of(SilverTables.CUSTOMERS), "customer_id = 10"))
                    .isEqualTo(
                            "10|john.doe@example.com|Jane|\\N|2|1740981600123456|1741046400000000");
            assertThat(source.text(CanonicalRow.of(SilverTables.CUSTOMERS), "customer_id = 11"))
                    .isEqualTo("11|a@b.io|\\N|DE|\\N|-1|0");
            assertThat(source.text(CanonicalRow.of(SilverTables.STORES), "store_id = 1"))
                    .isEqualTo(
                            "1|S-1|N\u00e4me \\| with \\\\ pipe|North|Paris|FR|Europe/Paris|EUR"
                                    + "|2019-02-28|f");
            assertThat(source.text(CanonicalRow.of(SilverTables.ORDER_LINES), "line_no = 2"))
                    .isEqualTo("30|2|21|1|1234567890.99|0.01");
        }
    }

    @Test
    void rowHashEqualsPostgresMd5Prefix() throws Exception {
        try (Connection c = postgres.connect(DB);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT "
                                        + RowHash.sql("'a|\\N|N\u00e4me'")
                                        + ", md5('a|\\N|N\u00e4me')")) {
            rs.next();
            assertThat(RowHash.of("a|\\N|N\u00e4me")).isEqualTo(rs.getLong(1));
            assertThat(RowHash.ofMd5Hex(rs.getString(2))).isEqualTo(rs.getLong(1));
        }
        assertThat(RowHash.wrap(new java.math.BigDecimal("18446744073709551617"))).isEqualTo(1L);
        assertThat(RowHash.wrap(new java.math.BigDecimal("-1"))).isEqualTo(-1L);
    }

    /** What silver makes of each source row: its JSON image through silver's own rules. */
    private static List<Record> silverRows(Connection c, CanonicalRow row) throws Exception {
        Schema schema = SilverTables.definitionFor(row.sourceTable()).schema();
        EntityRules rules = new EntityRules();
        List<Record> out = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT to_jsonb(t)::text, jsonb_build_object("
                                        + String.join(
                                                ", ",
                                                row.keyColumns().stream()
                                                        .map(k -> "'" + k + "', t." + k)
                                                        .toList())
                                        + ")::text FROM "
                                        + row.sourceTable()
                                        + " t")) {
            while (rs.next()) {
                String key = rs.getString(2);
                RowChange change =
                        new RowChange(
                                RowKind.INSERT,
                                row.sourceTable(),
                                key,
                                1,
                                JsonImages.parse(rs.getString(1), row.sourceTable(), key));
                CleansingResult result = rules.apply(change);
                assertThat(result)
                        .as("%s %s", row.sourceTable(), key)
                        .isInstanceOf(CleansingResult.Accepted.class);
                Map<String, Object> values = ((CleansingResult.Accepted) result).change().values;
                Record r = GenericRecord.create(schema);
                values.forEach(
                        (column, value) -> {
                            if (schema.findField(column) != null) {
                                r.setField(
                                        column,
                                        value instanceof Instant i
                                                ? i.atOffset(ZoneOffset.UTC)
                                                : value);
                            }
                        });
                out.add(r);
            }
        }
        return out;
    }
}
