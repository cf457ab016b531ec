package dev.lakestream.local.kpi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The KPI page's row per key: the highest version wins, deletes remove, older versions do not. */
class CurrentGoldTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "2025-03-05|3";

    private final CurrentGold gold = new CurrentGold();

    @Test
    void theHighestVersionWinsAndOlderOnesArriveLateInVain() {
        CurrentGold.Update first = gold.apply(List.of(row(KEY, 10, 5, 1_000)));
        assertThat(first.sequence()).isEqualTo(1);
        assertThat(first.rows()).extracting(r -> r.get("order_count").asLong()).containsExactly(5L);

        gold.apply(List.of(row(KEY, 12, 7, 2_000)));
        CurrentGold.Update late = gold.apply(List.of(row(KEY, 11, 6, 3_000)));

        assertThat(gold.row(KEY).get("order_count").asLong()).isEqualTo(7);
        assertThat(late.rows()).as("version 11 after 12 changes no row").isEmpty();
        assertThat(late.newestPublished())
                .as("but the topic was read further: freshness moves")
                .isEqualTo(3_000L);
    }

    @Test
    void aReplayedVersionIsNoUpdateAtAll() {
        gold.apply(List.of(row(KEY, 10, 5, 1_000)));
        assertThat(gold.apply(List.of(row(KEY, 10, 5, 1_000)))).isNull();
        assertThat(gold.snapshot().sequence()).isEqualTo(1);
    }

    @Test
    void aDeleteMarkerRemovesTheRowAndKeepsOlderVersionsOut() {
        gold.apply(List.of(row(KEY, 10, 5, 1_000), row("2025-03-05|4", 10, 2, 1_000)));

        CurrentGold.Update deleted = gold.apply(List.of(deleteMarker(KEY, 11, 2_000)));
        assertThat(deleted.deletedKeys()).containsExactly(KEY);
        assertThat(gold.row(KEY)).isNull();

        gold.apply(List.of(row(KEY, 10, 5, 3_000)));
        assertThat(gold.row(KEY)).as("version 10 again, after the delete at 11").isNull();

        gold.apply(List.of(row(KEY, 13, 1, 4_000)));
        assertThat(gold.row(KEY).get("order_count").asLong())
                .as("a newer version brings the key back")
                .isEqualTo(1);
        assertThat(gold.snapshot().rows()).hasSize(2);
    }

    @Test
    void aTombstoneRemovesTheRowAndLeavesTheVersionFloor() {
        gold.apply(List.of(row(KEY, 10, 5, 1_000)));
        gold.apply(List.of(new GoldRecord(KEY, null, null, 2_000)));
        assertThat(gold.row(KEY)).isNull();

        gold.apply(List.of(row(KEY, 9, 4, 3_000)));
        assertThat(gold.row(KEY)).isNull();
    }

    @Test
    void oneBatchIsOneUpdateWithTheLastStatePerKey() {
        CurrentGold.Update update =
                gold.apply(
                        List.of(
                                row(KEY, 10, 5, 1_000),
                                row(KEY, 11, 6, 1_500),
                                row("2025-03-05|4", 3, 1, 1_200),
                                deleteMarker("2025-03-05|4", 4, 1_300)));

        assertThat(update.rows())
                .extracting(r -> r.get("order_count").asLong())
                .containsExactly(6L);
        assertThat(update.deletedKeys()).containsExactly("2025-03-05|4");
        assertThat(update.newestPublished()).isEqualTo(1_500L);
        CurrentGold.Snapshot snapshot = gold.snapshot();
        assertThat(snapshot.sequence()).isEqualTo(update.sequence());
        assertThat(snapshot.rows()).hasSize(1);
    }

    private static GoldRecord row(String key, long version, long orders, long publishedAt) {
        String[] parts = key.split("\\|");
        JsonNode value =
                JSON.createObjectNode()
                        .put("sale_date", parts[0])
                        .put("store_id", Long.parseLong(parts[1]))
                        .put("order_count", orders)
                        .put("version", version)
                        .put("deleted", false);
        return new GoldRecord(key, version, value, publishedAt);
    }

    private static GoldRecord deleteMarker(String key, long version, long publishedAt) {
        JsonNode value = JSON.createObjectNode().put("version", version).put("deleted", true);
        return new GoldRecord(key, version, value, publishedAt);
    }
}
