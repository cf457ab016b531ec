package dev.lakestream.jobs.gold;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lakestream.catalog.GoldTables;
import dev.lakestream.verification.gold.GoldReconciliation;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One list of gold fields, spelled in many places: the Kafka value ({@link GoldRecordSerializer}),
 * the record type ({@link SalesDailyMetrics}), the Iceberg table ({@code GoldTables}), the
 * Snowflake business table (V2 plus later ADD COLUMNs), the MERGE that fills it (the fields it
 * reads from RECORD_CONTENT, its UPDATE and INSERT lists) and the reconciliation ({@link
 * GoldReconciliation#fromKafka}). The serializer's output for a full record is the reference; every
 * other copy must have exactly its fields, apart from the differences named here with their reason.
 * A field added, dropped or misspelt anywhere fails one of these tests.
 *
 * <p>The Snowflake SQL comes from the lakestream-snowflake module's resources (a test dependency
 * without its dependencies), exactly as Flyway applies it; the reconciliation's fields are read
 * from its source, the only place that lists them.
 */
class GoldFieldListTest {

    /** Key fields: the Snowflake MERGE matches on them instead of updating them. */
    static final Set<String> KEY = Set.of("sale_date", "store_id");

    /**
     * Columns of the Snowflake business table that are not gold fields but where a row came from.
     */
    static final Set<String> SNOWFLAKE_BOOKKEEPING =
            Set.of("KAFKA_PARTITION", "KAFKA_OFFSET", "MERGED_AT");

    /** Not an Iceberg column: the upsert table deletes a group's row instead (GoldRows). */
    static final Set<String> NOT_IN_ICEBERG = Set.of("deleted");

    /**
     * Not compared by the reconciliation: the key is the Kafka key, version / updated_at / deleted
     * are bookkeeping (a delete makes the group absent).
     */
    static final Set<String> NOT_RECONCILED =
            Set.of("sale_date", "store_id", "version", "updated_at", "deleted");

    /** The transport of the exact decimal text, not a field of its own. */
    static final String DECIMALS = "decimals";

    /** Decimals exactly as written, so "0.10" stays 0.10. */
    static final ObjectMapper JSON =
            new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

    static List<String> fields; // the serializer's, in order
    static JsonNode full;
    static Map<Integer, String> snowflakeScripts; // version -> SQL without comments

    @BeforeAll
    static void read() throws Exception {
        full = JSON.readTree(GoldRecordSerializer.value(fullRecord()));
        fields = new ArrayList<>();
        full.fieldNames().forEachRemaining(fields::add);
        fields.remove(DECIMALS);
        snowflakeScripts = snowflakeMigrations();
    }

    @Test
    void theSerializerWritesEveryFieldOfTheRecordType() {
        @SuppressWarnings("unchecked")
        CompositeType<SalesDailyMetrics> type =
                (CompositeType<SalesDailyMetrics>) SalesDailyMetrics.TYPE;
        Set<String> pojo = new LinkedHashSet<>();
        for (String name : type.getFieldNames()) {
            pojo.add(name.replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT));
        }
        // the one field kept inside the job: the source commit time, for the latency metric
        assertThat(pojo.remove("source_millis")).isTrue();
        assertThat(fields).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(pojo);
        // a delete marker carries a subset: the key, version, updated_at, deleted
        SalesDailyMetrics deleted = fullRecord();
        deleted.deleted = true;
        List<String> deleteFields = new ArrayList<>();
        readTree(GoldRecordSerializer.value(deleted))
                .fieldNames()
                .forEachRemaining(deleteFields::add);
        assertThat(fields).containsAll(deleteFields);
    }

    @Test
    void theIcebergTableHasEveryFieldButDeleted() {
        List<String> iceberg =
                GoldTables.SALES_DAILY_METRICS.columns().stream()
                        .map(Types.NestedField::name)
                        .toList();
        assertThat(iceberg).containsExactlyInAnyOrderElementsOf(without(fields, NOT_IN_ICEBERG));
    }

    @Test
    void theExactDecimalsAreTheDecimalColumns() {
        List<String> decimalColumns =
                GoldTables.SALES_DAILY_METRICS.columns().stream()
                        .filter(c -> c.type() instanceof Types.DecimalType)
                        .map(Types.NestedField::name)
                        .toList();
        List<String> exact = new ArrayList<>();
        full.get(DECIMALS).fieldNames().forEachRemaining(exact::add);
        assertThat(exact).containsExactlyInAnyOrderElementsOf(decimalColumns);
        for (String field : exact) {
            assertThat(full.get(DECIMALS).get(field).textValue())
                    .as(field)
                    .isEqualTo(full.get(field).decimalValue().toPlainString());
        }
    }

    @Test
    void theSnowflakeBusinessTableHasEveryFieldAndItsBookkeeping() {
        assertThat(businessTableColumns())
                .containsExactlyInAnyOrderElementsOf(union(upper(fields), SNOWFLAKE_BOOKKEEPING));
    }

    @Test
    void theMergeReadsEveryFieldAndWritesEveryColumn() {
        String merge = mergeTask();
        Set<String> read = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\b(RECORD_CONTENT|EXACT):(\\w+)").matcher(merge);
        while (m.find()) {
            read.add(m.group(2));
        }
        read.remove(DECIMALS);
        assertThat(read).containsExactlyInAnyOrderElementsOf(fields);

        Set<String> exact = new LinkedHashSet<>();
        Matcher e = Pattern.compile("\\bEXACT:(\\w+)").matcher(merge);
        while (e.find()) {
            exact.add(e.group(1));
        }
        List<String> serialized = new ArrayList<>();
        full.get(DECIMALS).fieldNames().forEachRemaining(serialized::add);
        assertThat(exact).containsExactlyInAnyOrderElementsOf(serialized);

        Set<String> columns = businessTableColumns();
        assertThat(between(merge, "THEN UPDATE SET", "WHEN NOT MATCHED", "(\\w+)\\s+=\\s"))
                .containsExactlyInAnyOrderElementsOf(without(columns, upper(KEY)));
        assertThat(between(merge, "THEN INSERT (", ")", "(\\w+)"))
                .containsExactlyInAnyOrderElementsOf(columns);
    }

    @Test
    void theReconciliationComparesEveryFieldButTheNamedOnes() throws IOException {
        String source =
                Files.readString(
                        Path.of(
                                "../verification/src/main/java/dev/lakestream/verification/gold/GoldReconciliation.java"));
        String fromKafka =
                source.substring(
                        source.indexOf("Map<String, String> fromKafka("),
                        source.indexOf("private static String canonical("));
        Set<String> read = new LinkedHashSet<>();
        Matcher m =
                Pattern.compile("v\\.(?:get|path)\\(\"(\\w+)\"\\)|decimal\\(v, \"(\\w+)\"\\)")
                        .matcher(fromKafka);
        while (m.find()) {
            read.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(without(fields, NOT_RECONCILED));
    }

    @Test
    void theChecksSeeAMissingField() {
        // the comparisons are exact: one field fewer on either side is a difference
        List<String> fewer = without(fields, Set.of("visitors"));
        assertThat(businessTableColumns())
                .isNotEqualTo(new LinkedHashSet<>(union(upper(fewer), SNOWFLAKE_BOOKKEEPING)));
        String merge = mergeTask().replace("RECORD_CONTENT:visitors::NUMBER(19, 0)", "NULL");
        Set<String> read = new LinkedHashSet<>();
        Matcher m = Pattern.compile("\\b(RECORD_CONTENT|EXACT):(\\w+)").matcher(merge);
        while (m.find()) {
            read.add(m.group(2));
        }
        read.remove(DECIMALS);
        assertThat(read).doesNotContain("visitors").hasSize(fields.size() - 1);
    }

    // --- the Snowflake SQL -------------------------------------------------------------------

    /** SALES_DAILY_METRICS's columns after every migration: V2's CREATE TABLE, then ADD COLUMNs. */
    static Set<String> businessTableColumns() {
        Set<String> columns = new LinkedHashSet<>();
        Pattern create =
                Pattern.compile(
                        "CREATE TABLE IF NOT EXISTS SALES_DAILY_METRICS \\((.*?)CONSTRAINT",
                        Pattern.DOTALL);
        Pattern column =
                Pattern.compile(
                        "(?m)^\\s*(\\w+)\\s+(?:DATE|NUMBER|VARCHAR|BOOLEAN|TIMESTAMP_TZ|TIMESTAMP_LTZ)\\b");
        Pattern add =
                Pattern.compile(
                        "ALTER TABLE SALES_DAILY_METRICS ADD COLUMN (?:IF NOT EXISTS )?(\\w+)");
        Pattern drop = Pattern.compile("ALTER TABLE SALES_DAILY_METRICS DROP COLUMN (\\w+)");
        for (String sql : snowflakeScripts.values()) {
            Matcher c = create.matcher(sql);
            if (c.find()) {
                Matcher col = column.matcher(c.group(1));
                while (col.find()) {
                    columns.add(col.group(1));
                }
            }
            add.matcher(sql).results().forEach(r -> columns.add(r.group(1)));
            drop.matcher(sql).results().forEach(r -> columns.remove(r.group(1)));
        }
        assertThat(columns).as("columns found in the Snowflake SQL").contains("SALE_DATE");
        return columns;
    }

    /** The MERGE task as the last migration that (re-)creates it defines it. */
    static String mergeTask() {
        Pattern task =
                Pattern.compile(
                        "CREATE (?:OR REPLACE )?TASK (?:IF NOT EXISTS )?MERGE_SALES_DAILY_METRICS\\b[^;]*;");
        String latest = null;
        for (String sql : snowflakeScripts.values()) {
            Matcher m = task.matcher(sql);
            while (m.find()) {
                latest = m.group();
            }
        }
        assertThat(latest).as("the MERGE task in the Snowflake SQL").isNotNull();
        return latest;
    }

    /** Versioned migrations from the classpath, in version order, without comments. */
    static Map<Integer, String> snowflakeMigrations() throws Exception {
        URL folder = GoldFieldListTest.class.getResource("/db/snowflake");
        assertThat(folder)
                .as("db/snowflake from lakestream-snowflake on the classpath")
                .isNotNull();
        URI uri = folder.toURI();
        Map<Integer, String> scripts = new TreeMap<>(Comparator.naturalOrder());
        if ("jar".equals(uri.getScheme())) {
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                readMigrations(jar.getPath("/db/snowflake"), scripts);
            }
        } else {
            readMigrations(Path.of(uri), scripts);
        }
        assertThat(scripts).isNotEmpty();
        return scripts;
    }

    private static void readMigrations(Path folder, Map<Integer, String> scripts)
            throws IOException {
        Pattern versioned = Pattern.compile("V(\\d+)__\\w+\\.sql");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Matcher m = versioned.matcher(file.getFileName().toString());
                if (m.matches()) {
                    String sql = Files.readString(file, StandardCharsets.UTF_8);
                    scripts.put(Integer.parseInt(m.group(1)), sql.replaceAll("--[^\\n]*", ""));
                }
            }
        }
    }

    /** Names matched by {@code item} in the text between {@code from} and the next {@code to}. */
    static List<String> between(String sql, String from, String to, String item) {
        int start = sql.indexOf(from);
        assertThat(start).as(from).isNotNegative();
        start += from.length();
        String part = sql.substring(start, sql.indexOf(to, start));
        return Pattern.compile(item).matcher(part).results().map(r -> r.group(1)).toList();
    }

    // --- helpers -------------------------------------------------------------------------------

    static SalesDailyMetrics fullRecord() {
        SalesDailyMetrics m = new SalesDailyMetrics();
        m.saleDate = "2026-11-29";
        m.storeId = 3;
        m.currency = "USD";
        m.orderCount = 12;
        m.cancelledOrderCount = 1;
        m.itemsSold = 30;
        m.grossRevenue = new BigDecimal("9999999999995.37");
        m.discounts = new BigDecimal("0.10");
        m.netRevenue = new BigDecimal("1234567.85");
        m.avgOrderValue = new BigDecimal("102880.65");
        m.distinctCustomers = 9;
        m.reportingCurrency = "EUR";
        m.exchangeRate = new BigDecimal("0.92310000");
        m.netRevenueReporting = new BigDecimal("1139629.48");
        m.visitors = 240L;
        m.conversionRate = new BigDecimal("0.0500");
        m.version = 123456;
        m.updatedAt = "2026-11-29T10:15:30.123Z";
        return m;
    }

    private static JsonNode readTree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> without(
            java.util.Collection<String> all, java.util.Collection<String> excluded) {
        return all.stream().filter(f -> !excluded.contains(f)).toList();
    }

    static List<String> upper(java.util.Collection<String> names) {
        return names.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList();
    }

    static List<String> union(List<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toList());
    }
}
