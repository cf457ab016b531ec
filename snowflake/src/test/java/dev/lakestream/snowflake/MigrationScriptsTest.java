package dev.lakestream.snowflake;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.snowflake.migration.SnowflakeMigrations;
import dev.lakestream.snowflake.migration.SnowflakeObjects;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Snowflake SQL checked offline, without an account: Flyway finds and orders every migration,
 * every stream is consumed by a task, every MERGE is keyed on the gold key and keeps the highest
 * version, tasks are created suspended and resumed only by the last step, nothing secret is in the
 * scripts.
 *
 * <p>Flyway lists the migrations against an in-memory H2 database: {@code info()} only scans and
 * orders the scripts (nothing is executed), with exactly the configuration the CLI uses. Whether
 * Snowflake accepts the SQL is only shown by the live test.
 */
class MigrationScriptsTest {

    static Map<String, String> scripts; // file name -> SQL without comments

    @BeforeAll
    static void readScripts() throws IOException, URISyntaxException {
        Path folder = Path.of(MigrationScriptsTest.class.getResource("/db/snowflake").toURI());
        scripts = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder).sorted()) {
            for (Path file : (Iterable<Path>) files::iterator) {
                scripts.put(file.getFileName().toString(), withoutComments(Files.readString(file)));
            }
        }
    }

    static String withoutComments(String sql) {
        return sql.replaceAll("--[^\\n]*", "").replaceAll("\\s+", " ").strip();
    }

    static List<String> versioned() {
        return scripts.keySet().stream().filter(n -> n.startsWith("V")).toList();
    }

    static List<String> names(String regex) {
        List<String> names = new ArrayList<>();
        for (String name : versioned()) {
            Matcher m = Pattern.compile(regex, Pattern.CASE_INSENSITIVE).matcher(scripts.get(name));
            while (m.find()) {
                names.add(m.group(1).toUpperCase());
            }
        }
        return names;
    }

    @Test
    void flywayFindsEveryMigrationInVersionOrder() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL("jdbc:h2:mem:migrations;DB_CLOSE_DELAY=-1");
        Flyway flyway = SnowflakeMigrations.flyway(h2, "PUBLIC");

        MigrationInfo[] pending = flyway.info().pending();

        assertThat(pending)
                .extracting(i -> i.getVersion().getVersion())
                .containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(pending).allMatch(i -> i.getState() == MigrationState.PENDING);
        assertThat(pending)
                .extracting(MigrationInfo::getScript)
                .containsExactlyElementsOf(versioned());
        assertThat(scripts).containsKey("afterMigrate__resume_tasks.sql");
        assertThat(scripts.keySet())
                .as("every script is a migration or a Flyway callback")
                .allMatch(n -> n.matches("V\\d+__[a-z0-9_]+\\.sql|afterMigrate__[a-z0-9_]+\\.sql"));
    }

    @Test
    void scriptsCreateExactlyTheObjectsVerifyExpects() {
        // a later migration may re-create an object (CREATE OR REPLACE): count each name once
        assertThat(names("CREATE TABLE IF NOT EXISTS (\\w+)").stream().distinct())
                .containsExactlyInAnyOrderElementsOf(SnowflakeObjects.TABLES);
        assertThat(names("CREATE STREAM IF NOT EXISTS (\\w+)").stream().distinct())
                .containsExactlyInAnyOrderElementsOf(SnowflakeObjects.STREAMS);
        assertThat(
                        names("CREATE (?:OR REPLACE )?TASK (?:IF NOT EXISTS )?(\\w+)").stream()
                                .distinct())
                .containsExactlyInAnyOrderElementsOf(SnowflakeObjects.TASKS);
        assertThat(names("CREATE OR REPLACE VIEW (\\w+)").stream().distinct())
                .containsExactlyInAnyOrderElementsOf(SnowflakeObjects.VIEWS);
    }

    @Test
    void everyStreamIsConsumedByATaskThatRunsWhenItHasData() {
        for (String stream : SnowflakeObjects.STREAMS) {
            List<String> consumers =
                    tasks().entrySet().stream()
                            .filter(t -> t.getValue().contains(" FROM " + stream + " "))
                            .filter(
                                    t ->
                                            t.getValue()
                                                    .contains(
                                                            "WHEN SYSTEM$STREAM_HAS_DATA('"
                                                                    + stream
                                                                    + "')"))
                            .map(Map.Entry::getKey)
                            .toList();
            assertThat(consumers).as("tasks consuming " + stream).hasSize(1);
        }
    }

    @Test
    void everyMergeIsKeyedOnTheGoldKeyAndKeepsTheHighestVersion() {
        List<String> merges = new ArrayList<>();
        tasks().values()
                .forEach(
                        body -> {
                            if (body.contains("MERGE INTO")) {
                                merges.add(body);
                            }
                        });
        assertThat(merges).isNotEmpty();
        assertThat(merges).allMatch(MigrationScriptsTest::keyedOnGoldKeyKeepingHighestVersion);
    }

    @Test
    void theMergeCheckCatchesAMergeThatCouldGoBackwards() {
        String merge = tasks().get(SnowflakeObjects.MERGE_TASK);
        assertThat(keyedOnGoldKeyKeepingHighestVersion(merge)).isTrue();
        assertThat(
                        keyedOnGoldKeyKeepingHighestVersion(
                                merge.replace("s.VERSION > t.VERSION", "s.VERSION >= t.VERSION")))
                .isFalse();
        assertThat(
                        keyedOnGoldKeyKeepingHighestVersion(
                                merge.replace("ORDER BY VERSION DESC", "ORDER BY VERSION ASC")))
                .isFalse();
        assertThat(
                        keyedOnGoldKeyKeepingHighestVersion(
                                merge.replace(" AND t.STORE_ID = s.STORE_ID", "")))
                .isFalse();
    }

    static boolean keyedOnGoldKeyKeepingHighestVersion(String merge) {
        return merge.contains("ON t.SALE_DATE = s.SALE_DATE AND t.STORE_ID = s.STORE_ID WHEN")
                // one row per key per batch: the highest version
                && merge.contains(
                        "QUALIFY ROW_NUMBER() OVER ( PARTITION BY SALE_DATE, STORE_ID ORDER BY"
                                + " VERSION DESC")
                // a stored row is only replaced by a strictly higher version
                && merge.contains("WHEN MATCHED AND s.VERSION > t.VERSION THEN UPDATE")
                && Pattern.compile("WHEN MATCHED (?!AND s\\.VERSION > t\\.VERSION)")
                        .matcher(merge)
                        .results()
                        .findAny()
                        .isEmpty()
                // deletes are applied, as a flag that keeps the version
                && merge.contains("DELETED = s.DELETED");
    }

    @Test
    void tasksAreCreatedSuspendedServerlessAndResumedOnlyAsTheLastStep() {
        for (String name : versioned()) {
            assertThat(scripts.get(name))
                    .as(name + " must not resume tasks (the afterMigrate callback does)")
                    .doesNotContainPattern("(?i)ALTER TASK .*RESUME")
                    .doesNotContainPattern("(?i)EXECUTE TASK");
        }
        String last = scripts.get("afterMigrate__resume_tasks.sql");
        for (String task : SnowflakeObjects.TASKS) {
            assertThat(last).contains("ALTER TASK IF EXISTS " + task + " RESUME;");
            assertThat(tasks().get(task))
                    .as(task + " is serverless")
                    .containsAnyOf(
                            "USER_TASK_MANAGED_INITIAL_WAREHOUSE_SIZE",
                            "TARGET_COMPLETION_INTERVAL")
                    .doesNotContainPattern("(?i)\\bWAREHOUSE\\s*=");
        }
        assertThat(last.split(";"))
                .as("the callback only resumes tasks")
                .allMatch(s -> s.isBlank() || s.strip().startsWith("ALTER TASK IF EXISTS"));
    }

    @Test
    void nothingSecretIsInTheScripts() {
        for (var script : scripts.entrySet()) {
            assertThat(script.getValue())
                    .as(script.getKey())
                    .doesNotContainPattern("(?i)PRIVATE KEY")
                    .doesNotContainPattern("(?i)\\bPASSWORD\\s*=")
                    .doesNotContainPattern("(?i)RSA_PUBLIC_KEY(_2)?\\s*=")
                    .doesNotContainPattern("MII[A-Za-z0-9+/]{20}");
        }
    }

    @Test
    void aMigrationThatReCreatesATaskSuspendsItFirst() {
        Pattern create = Pattern.compile("CREATE OR REPLACE TASK (\\w+)");
        int recreated = 0;
        for (String name : versioned()) {
            String sql = scripts.get(name);
            Matcher m = create.matcher(sql);
            while (m.find()) {
                recreated++;
                String suspend = "ALTER TASK IF EXISTS " + m.group(1) + " SUSPEND;";
                assertThat(sql).as(name).contains(suspend);
                assertThat(sql.indexOf(suspend)).as(name).isLessThan(m.start());
            }
        }
        assertThat(recreated).as("V6 re-creates the MERGE task").isPositive();
    }

    @Test
    void theMergeIsTriggeredByItsStreamNotScheduled() {
        String merge = tasks().get(SnowflakeObjects.MERGE_TASK);
        assertThat(merge)
                .doesNotContain("SCHEDULE")
                .contains("WHEN SYSTEM$STREAM_HAS_DATA('" + SnowflakeObjects.LANDING_STREAM + "')")
                // what Snowflake requires of a serverless triggered task
                .containsPattern("TARGET_COMPLETION_INTERVAL = '\\d+ (SECONDS|MINUTES|HOURS)'");
    }

    /** Scale > 0: money, rates. Every such cast must read the exact text, never the number. */
    static final Pattern DECIMAL_CAST =
            Pattern.compile("(\\w+):(\\w+)::NUMBER\\(\\d+, ?[1-9]\\d*\\)");

    static final String EXACT =
            "IFF(IS_OBJECT(RECORD_CONTENT:decimals), RECORD_CONTENT:decimals, RECORD_CONTENT) AS"
                    + " EXACT";

    @Test
    void theMergeAndTheBackfillReadDecimalsOnlyFromTheirExactText() {
        String merge = tasks().get(SnowflakeObjects.MERGE_TASK);
        String backfill = backfill();
        for (String sql : List.of(merge, backfill)) {
            assertThat(sql).contains(EXACT);
            List<String> sources =
                    DECIMAL_CAST.matcher(sql).results().map(r -> r.group(1)).distinct().toList();
            assertThat(sources).containsExactly("EXACT");
        }
        TreeSet<String> decimals =
                DECIMAL_CAST
                        .matcher(merge)
                        .results()
                        .map(r -> r.group(2))
                        .collect(Collectors.toCollection(TreeSet::new));
        assertThat(decimals)
                .containsExactly(
                        "avg_order_value",
                        "conversion_rate",
                        "discounts",
                        "exchange_rate",
                        "gross_revenue",
                        "net_revenue",
                        "net_revenue_reporting");
    }

    @Test
    void theDecimalCheckCatchesAMoneyCastFromTheNumber() {
        String merge = tasks().get(SnowflakeObjects.MERGE_TASK);
        String broken =
                merge.replace(
                        "EXACT:net_revenue::NUMBER(18, 2)",
                        "RECORD_CONTENT:net_revenue::NUMBER(18, 2)");
        assertThat(broken).isNotEqualTo(merge);
        assertThat(DECIMAL_CAST.matcher(broken).results().map(r -> r.group(1)).distinct())
                .contains("RECORD_CONTENT");
    }

    @Test
    void theBackfillTakesEachRowsFieldsFromTheRecordItWasMergedFrom() {
        String backfill = backfill();
        assertThat(backfill)
                .startsWith("UPDATE SALES_DAILY_METRICS AS t SET")
                .contains(" FROM SALES_DAILY_METRICS_LANDING ")
                .doesNotContain("_STREAM")
                .contains(
                        "WHERE t.KAFKA_PARTITION = s.KAFKA_PARTITION"
                                + " AND t.KAFKA_OFFSET = s.KAFKA_OFFSET"
                                + " AND t.SALE_DATE = s.SALE_DATE"
                                + " AND t.STORE_ID = s.STORE_ID"
                                + " AND t.VERSION = s.VERSION")
                // at most one source row per target row
                .contains(
                        "PARTITION BY KAFKA_PARTITION, KAFKA_OFFSET, SALE_DATE, STORE_ID, VERSION"
                                + " ORDER BY KAFKA_OFFSET) = 1");
        for (String column :
                List.of(
                        "REPORTING_CURRENCY",
                        "EXCHANGE_RATE",
                        "NET_REVENUE_REPORTING",
                        "VISITORS",
                        "CONVERSION_RATE")) {
            assertThat(backfill).contains(column + " = s." + column);
        }
        String v6 = scripts.get(v6());
        assertThat(v6.indexOf("ALTER TASK IF EXISTS MERGE_SALES_DAILY_METRICS SUSPEND;"))
                .as("the task is stopped before the backfill")
                .isLessThan(v6.indexOf(backfill));
    }

    @Test
    void viewsUseIsoWeeksWhateverWeekStartSays() {
        // the latest definition of each view: what a migrated schema has
        Map<String, String> views = views();
        assertThat(views.keySet()).containsExactlyInAnyOrderElementsOf(SnowflakeObjects.VIEWS);
        Pattern weekStartDependent =
                Pattern.compile(
                        "(?i)DATE_TRUNC\\(\\s*'?WEEK|DATE_PART\\(\\s*'?WEEK"
                                + "|\\b(WEEK|WEEKOFYEAR|DAYOFWEEK|YEAROFWEEK)\\s*\\("
                                + "|LAST_DAY\\([^)]*WEEK|\\b(NEXT|PREVIOUS)_DAY\\(");
        views.forEach(
                (name, sql) -> assertThat(sql).as(name).doesNotContainPattern(weekStartDependent));
        assertThat(views.get("KPI_STORE_PERIOD_TO_DATE"))
                .contains(
                        "DATEADD('DAY', 1 - DAYOFWEEKISO(m.SALE_DATE), m.SALE_DATE) AS WEEK_START")
                .contains("YEAROFWEEKISO(m.SALE_DATE), WEEKISO(m.SALE_DATE) ORDER BY");
        assertThat("DATE_TRUNC('WEEK', m.SALE_DATE)").containsPattern(weekStartDependent);
    }

    @Test
    void theFreshnessViewIsNowMinusTheNewestUpdatePerStore() {
        assertThat(views().get("STORE_FRESHNESS"))
                .contains("DATEDIFF('SECOND', MAX(m.UPDATED_AT), CURRENT_TIMESTAMP())")
                .contains("GROUP BY m.STORE_ID")
                .doesNotContain("NOT m.DELETED");
    }

    static String v6() {
        return versioned().stream().filter(n -> n.startsWith("V6__")).findFirst().orElseThrow();
    }

    static String backfill() {
        Matcher m = Pattern.compile("UPDATE SALES_DAILY_METRICS [^;]*;").matcher(scripts.get(v6()));
        assertThat(m.find()).as("V6 backfills SALES_DAILY_METRICS").isTrue();
        return m.group();
    }

    /** View name -> its latest CREATE OR REPLACE VIEW statement. */
    static Map<String, String> views() {
        Map<String, String> views = new LinkedHashMap<>();
        Pattern create = Pattern.compile("CREATE OR REPLACE VIEW (\\w+)[^;]*;");
        for (String name : versioned()) {
            Matcher m = create.matcher(scripts.get(name));
            while (m.find()) {
                views.put(m.group(1), m.group());
            }
        }
        return views;
    }

    /** Task name -> its latest CREATE TASK statement (a later migration may re-create it). */
    static Map<String, String> tasks() {
        Map<String, String> tasks = new LinkedHashMap<>();
        Pattern create =
                Pattern.compile("CREATE (?:OR REPLACE )?TASK (?:IF NOT EXISTS )?(\\w+)[^;]*;");
        for (String name : versioned()) {
            Matcher m = create.matcher(scripts.get(name));
            while (m.find()) {
                tasks.put(m.group(1), m.group());
            }
        }
        return tasks;
    }
}
