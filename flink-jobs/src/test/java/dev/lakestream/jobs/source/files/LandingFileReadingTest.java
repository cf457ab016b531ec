package dev.lakestream.jobs.source.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.config.JobSettings;
import dev.lakestream.jobs.source.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lines of landing files into records: CSV and JSON Lines parsing, rejections with line numbers and
 * reasons, and a split snapshotted mid-file then restored into a fresh reader emitting every line
 * exactly once.
 */
class LandingFileReadingTest {

    private static final long MODIFIED = 1_764_410_400_123L; // 2025-11-29T10:00:00.123Z
    private static final String PREFIX = "landing/foot_traffic/";

    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private static FileSourceSettings settings(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        m.put("source.files.enabled", "true");
        m.put("source.files.uri", "s3://warehouse/" + PREFIX);
        return FileSourceSettings.from(
                        JobSettings.fromMap(m, FileSourceOptions.knownKeys(), Set.of()))
                .orElseThrow();
    }

    private List<SourceRecord> read(String name, String text) throws Exception {
        return read(settings(Map.of()), name, text);
    }

    private List<SourceRecord> read(FileSourceSettings settings, String name, String text)
            throws Exception {
        LandingFile file = store.put(PREFIX + name, text, MODIFIED);
        List<SourceRecord> out = new ArrayList<>();
        drain(settings, LandingFileSplit.unread(file), Long.MAX_VALUE, out);
        return out;
    }

    private LandingFileSplit drain(
            FileSourceSettings settings, LandingFileSplit split, long limit, List<SourceRecord> out)
            throws Exception {
        return LandedFiles.drain(settings, store, split, limit, out);
    }

    @Test
    void csvRowsBecomeJsonObjectsKeyedByTheHeader() throws Exception {
        List<SourceRecord> records =
                read(
                        "2026-11-29.csv",
                        "\uFEFFstore_id,hour_start,visitors\r\n"
                                + "3,2026-11-29T10:00:00Z,42\r\n"
                                + "\r\n"
                                + "\"4\",\"2026-11-29T10:00:00Z\",\"1,000\"\n"
                                + "5,\"say \"\"hi\"\"\",7");
        assertThat(records).hasSize(3).allMatch(r -> !r.rejected());
        SourceRecord first = records.get(0);
        assertThat(first.source()).isEqualTo("files:foot_traffic");
        assertThat(first.dataset()).isEqualTo("foot_traffic");
        assertThat(first.origin()).isEqualTo("s3://warehouse/" + PREFIX + "2026-11-29.csv");
        assertThat(first.position()).isEqualTo(2);
        assertThat(first.sequence()).isEqualTo(1_764_410_400L * 1_000_000_000L + 2);
        assertThat(first.sourceTimeMillis()).isEqualTo(MODIFIED);
        assertThat(first.payload())
                .isEqualTo(
                        "{\"store_id\":\"3\",\"hour_start\":\"2026-11-29T10:00:00Z\","
                                + "\"visitors\":\"42\"}");
        assertThat(records.get(1).position()).isEqualTo(4);
        assertThat(records.get(1).payload()).contains("\"visitors\":\"1,000\"");
        assertThat(records.get(2).position()).isEqualTo(5);
        assertThat(records.get(2).payload()).contains("\"hour_start\":\"say \\\"hi\\\"\"");
    }

    @Test
    void badCsvLinesAreRejectedWithLineNumberAndReasonAndReadingGoesOn() throws Exception {
        List<SourceRecord> records =
                read(
                        "counts.csv",
                        "store_id,hour_start,visitors\n"
                                + "1,2026-11-29T10:00:00Z,5\n"
                                + "2,2026-11-29T10:00:00Z\n"
                                + "3,\"2026-11-29T10:00:00Z,9\n"
                                + "4,2026-11-29T10:00:00Z,6\n");
        assertThat(records).extracting(SourceRecord::position).containsExactly(2L, 3L, 4L, 5L);
        assertThat(records.get(1).rejected()).isTrue();
        assertThat(records.get(1).rejectReason()).isEqualTo("line 3 has 2 fields, header has 3");
        assertThat(records.get(1).payload()).isEqualTo("2,2026-11-29T10:00:00Z");
        assertThat(records.get(1).origin()).endsWith("counts.csv");
        assertThat(records.get(2).rejectReason())
                .startsWith("line 4: quoted field opened at column 3 is not closed");
        assertThat(records.get(3).rejected()).isFalse();
    }

    @Test
    void aHeaderOnlyFileYieldsNothing() throws Exception {
        assertThat(read("empty.csv", "store_id,hour_start,visitors\n")).isEmpty();
        assertThat(read("nothing.csv", "")).isEmpty();
    }

    @Test
    void aHeaderNamingAColumnTwiceRejectsEveryRow() throws Exception {
        List<SourceRecord> records = read("twice.csv", "a,b,a\n1,2,3\n");
        assertThat(records).allMatch(SourceRecord::rejected).hasSize(2);
        assertThat(records.get(0).rejectReason()).contains("names column 'a' twice");
        assertThat(records.get(1).rejectReason()).startsWith("line 2 cannot be named");
    }

    @Test
    void jsonLinesMustEachBeOneObject() throws Exception {
        List<SourceRecord> records =
                read(
                        "counts.jsonl",
                        "{\"store_id\":3,\"visitors\":42}\n"
                                + "\n"
                                + "[1,2]\n"
                                + "{\"store_id\":4\n"
                                + "{\"a\":1} {\"b\":2}\n"
                                + "  {\"store_id\":5,\"note\":\"ünïcödé\"}  \n");
        assertThat(records).extracting(SourceRecord::position).containsExactly(1L, 3L, 4L, 5L, 6L);
        assertThat(records.get(0).payload()).isEqualTo("{\"store_id\":3,\"visitors\":42}");
        assertThat(records.get(1).rejectReason()).isEqualTo("line 3 is not a JSON object");
        assertThat(records.get(2).rejectReason()).startsWith("line 4 is not valid JSON");
        assertThat(records.get(3).rejectReason())
                .isEqualTo("line 5 has text after its JSON object");
        assertThat(records.get(4).payload()).isEqualTo("{\"store_id\":5,\"note\":\"ünïcödé\"}");
    }

    @Test
    void aLineLongerThanTheMaximumIsRejectedTruncatedAndTheNextOneRead() throws Exception {
        FileSourceSettings small = settings(Map.of("source.files.max-line-length", "32b"));
        String longLine = "{\"padding\":\"" + "x".repeat(200) + "\"}";
        List<SourceRecord> records =
                read(small, "long.jsonl", "{\"a\":1}\n" + longLine + "\n{\"b\":2}\n");
        assertThat(records).hasSize(3);
        assertThat(records.get(1).rejectReason())
                .isEqualTo(
                        "line 2 is longer than source.files.max-line-length allows (shown"
                                + " truncated)");
        assertThat(records.get(1).payload()).isEqualTo(longLine.substring(0, 32));
        assertThat(records.get(2).payload()).isEqualTo("{\"b\":2}");
        assertThat(records.get(2).position()).isEqualTo(3);
    }

    @Test
    void invalidUtf8IsRejected() throws Exception {
        byte[] latin1 = "{\"a\":\"\u00e9\"}\n{\"b\":1}\n".getBytes(StandardCharsets.ISO_8859_1);
        LandingFile file = store.put(PREFIX + "latin.jsonl", latin1, MODIFIED);
        List<SourceRecord> records = new ArrayList<>();
        drain(settings(Map.of()), LandingFileSplit.unread(file), Long.MAX_VALUE, records);
        assertThat(records).hasSize(2);
        assertThat(records.get(0).rejectReason()).isEqualTo("line 1 is not valid UTF-8");
        assertThat(records.get(1).rejected()).isFalse();
    }

    @Test
    void anUnknownExtensionIsOneRejectedRecordNotACrash() throws Exception {
        List<SourceRecord> records = read("counts.xlsx", "whatever");
        assertThat(records)
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.rejected()).isTrue();
                            assertThat(r.rejectReason())
                                    .contains("source.files.format")
                                    .contains("counts.xlsx");
                        });
        FileSourceSettings forced = settings(Map.of("source.files.format", "jsonl"));
        assertThat(read(forced, "counts.txt", "{\"a\":1}\n"))
                .singleElement()
                .satisfies(r -> assertThat(r.rejected()).isFalse());
    }

    @Test
    void aFileGoneBeforeItIsReadIsOneRejectedRecord() throws Exception {
        LandingFile first = store.put(PREFIX + "a.csv", "x\n1\n", MODIFIED);
        store.put(PREFIX + "a.csv", "x\n2\n", MODIFIED + 1000); // overwritten: new etag
        List<SourceRecord> out = new ArrayList<>();
        drain(settings(Map.of()), LandingFileSplit.unread(first), Long.MAX_VALUE, out);
        assertThat(out)
                .singleElement()
                .satisfies(r -> assertThat(r.rejectReason()).contains("gone"));
    }

    /**
     * A checkpoint after any number of records (the header, mid-batch, across batch boundaries,
     * after blank and rejected lines) restores into a fresh reader that emits the rest: together
     * every line exactly once.
     */
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 4095, 4096, 4097, 7000, 9988})
    void aSplitRestoredMidFileEmitsEveryLineExactlyOnce(long before) throws Exception {
        StringBuilder csv = new StringBuilder("store_id,hour_start,visitors\n");
        for (int i = 0; i < 10_000; i++) {
            if (i % 997 == 0) {
                csv.append("\n");
            } else if (i % 1_009 == 0) {
                csv.append("bad,row\n");
            } else {
                csv.append(i % 50).append(",2026-11-29T10:00:00Z,").append(i).append('\n');
            }
        }
        LandingFile file = store.put(PREFIX + "big.csv", csv.toString(), MODIFIED);
        FileSourceSettings settings = settings(Map.of());

        List<SourceRecord> whole = new ArrayList<>();
        drain(settings, LandingFileSplit.unread(file), Long.MAX_VALUE, whole);

        List<SourceRecord> resumed = new ArrayList<>();
        LandingFileSplit checkpoint =
                drain(settings, LandingFileSplit.unread(file), before, resumed);
        assertThat(checkpoint).isNotNull();
        assertThat(checkpoint.header()).containsExactly("store_id", "hour_start", "visitors");
        LandingFileSplitSerializer serializer = LandingFileSplitSerializer.INSTANCE;
        LandingFileSplit restored =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(checkpoint));
        assertThat(restored).isEqualTo(checkpoint);
        assertThat(drain(settings, restored, Long.MAX_VALUE, resumed)).isNull();

        assertThat(resumed).hasSize(whole.size()).containsExactlyElementsOf(whole);
        assertThat(whole).filteredOn(SourceRecord::rejected).hasSize(9);
        assertThat(whole).hasSize(10_000 - 11);
    }

    @Test
    void aTooLongHeaderSurvivesSerialisation() throws Exception {
        LandingFileSplit split =
                new LandingFileSplit(
                        new LandingFile("b", "k", 10, null, 5L),
                        3,
                        2,
                        List.of("x".repeat(70_000), "y"));
        LandingFileSplitSerializer s = LandingFileSplitSerializer.INSTANCE;
        assertThat(s.deserialize(1, s.serialize(split))).isEqualTo(split);
        assertThatThrownBy(() -> s.deserialize(2, s.serialize(split)))
                .hasMessageContaining("version 2");
    }
}
