package dev.lakestream.jobs.source.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.jobs.source.rest.RatesServer.Rate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reader against a real HTTP server: it waits between polls (no busy loop on an empty
 * endpoint), goes on at once after a poll cut by the page limit, survives a failed poll, and its
 * checkpointed split, restored into a fresh reader, loses and repeats nothing.
 */
class RestSourceReaderITCase {

    private static final Instant T0 = Instant.parse("2024-05-01T16:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(20);

    private RatesServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new RatesServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private static List<String> quotes(List<SourceRecord> records) {
        return records.stream()
                .map(r -> r.payload().replaceAll(".*\"quote\":\"([^\"]+)\".*", "$1"))
                .toList();
    }

    private static void pollUntil(ReaderHarness harness, java.util.function.BooleanSupplier done) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofMillis(10))
                .until(
                        () -> {
                            harness.poll();
                            return done.getAsBoolean();
                        });
    }

    @Test
    void anEmptyEndpointIsAskedOncePerPollInterval() throws Exception {
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.poll-interval", "400ms");
        try (ReaderHarness harness = new ReaderHarness(settings, List.of())) {
            harness.reader.addSplits(List.of(RestSplit.initial(settings)));
            pollUntil(harness, () -> server.requests().size() >= 4);
            assertThat(harness.emitted).isEmpty();
        }
        List<RatesServer.Seen> seen = server.requests();
        for (int i = 1; i < seen.size(); i++) {
            assertThat(seen.get(i).arrivalNanos() - seen.get(i - 1).arrivalNanos())
                    .as("gap before request %d", i)
                    .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(400));
        }
    }

    @Test
    void aPollCutByThePageLimitIsFollowedAtOnce() throws Exception {
        server.publish(RatesServer.rates(45, T0));
        RestSourceSettings settings =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.poll-interval",
                        "1h",
                        "source.rest.max-pages-per-poll",
                        "2");
        try (ReaderHarness harness = new ReaderHarness(settings, List.of())) {
            harness.reader.addSplits(List.of(RestSplit.initial(settings)));
            pollUntil(harness, () -> !harness.emitted.isEmpty());
            // one poll = two pages = 20 records, emitted together
            assertThat(harness.emitted).hasSize(20);
            pollUntil(harness, () -> harness.emitted.size() >= 45);
            assertThat(quotes(harness.emitted))
                    .containsExactlyElementsOf(
                            RatesServer.rates(45, T0).stream().map(Rate::quote).toList());
        }
    }

    @Test
    void aFailedPollIsReportedAndTheNextOneSucceeds() throws Exception {
        server.publish(RatesServer.rates(3, T0))
                .fault(RatesServer.status(503, Map.of(), "down"))
                .fault(RatesServer.status(503, Map.of(), "still down"));
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.retry.max-attempts", "2");
        try (ReaderHarness harness = new ReaderHarness(settings, List.of())) {
            harness.reader.addSplits(List.of(RestSplit.initial(settings)));
            pollUntil(harness, () -> harness.emitted.size() >= 4);
            assertThat(harness.emitted.get(0).rejectReason())
                    .isEqualTo("request failed: HTTP 503 after 2 attempts");
            assertThat(harness.emitted.get(0).payload()).isEqualTo("still down");
            assertThat(quotes(harness.emitted.subList(1, 4)))
                    .containsExactly("Q00000", "Q00001", "Q00002");
        }
    }

    @Test
    void aRestoredSplitLosesAndRepeatsNothing() throws Exception {
        List<Rate> first = RatesServer.rates(25, T0);
        server.publish(first);
        RestSourceSettings settings = RestTestSettings.of(server.url());

        List<SourceRecord> beforeCheckpoint;
        List<RestSplit> checkpoint;
        try (ReaderHarness harness = new ReaderHarness(settings, List.of())) {
            // nothing assigned yet: nothing to checkpoint
            assertThat(harness.snapshot(1)).isEmpty();
            harness.reader.addSplits(List.of(RestSplit.initial(settings)));
            pollUntil(harness, () -> harness.emitted.size() >= 25);
            beforeCheckpoint = new ArrayList<>(harness.emitted);
            checkpoint = harness.snapshot(2);
            assertThat(checkpoint)
                    .singleElement()
                    .satisfies(
                            s -> {
                                assertThat(s.cursor())
                                        .isEqualTo(
                                                T0.plusSeconds(24).getEpochSecond() * 1_000_000L);
                                assertThat(s.idsAtCursor()).hasSize(1);
                            });

            // published after the checkpoint: one at the checkpointed cursor, two newer
            server.publish(
                    new Rate("EUR", "AAA", "2024-05-01", "2.5", T0.plusSeconds(24).toString()),
                    new Rate("EUR", "BBB", "2024-05-01", "2.6", T0.plusSeconds(25).toString()),
                    new Rate("EUR", "CCC", "2024-05-01", "2.7", T0.plusSeconds(26).toString()));
            // emitted after the checkpoint, then the task fails: Flink discards these
            pollUntil(harness, () -> harness.emitted.size() >= 28);
        }

        // the split goes through its checkpoint format, as Flink stores it
        RestSplitSerializer serializer = RestSplitSerializer.INSTANCE;
        RestSplit restored =
                serializer.deserialize(
                        serializer.getVersion(), serializer.serialize(checkpoint.get(0)));
        try (ReaderHarness harness = new ReaderHarness(settings, List.of(restored))) {
            pollUntil(harness, () -> harness.emitted.size() >= 3);
            // another poll or two finds nothing more
            int requests = server.requests().size();
            pollUntil(harness, () -> server.requests().size() >= requests + 2);
            List<String> all = new ArrayList<>(quotes(beforeCheckpoint));
            all.addAll(quotes(harness.emitted));
            List<String> expected = new ArrayList<>(first.stream().map(Rate::quote).toList());
            expected.addAll(List.of("AAA", "BBB", "CCC"));
            assertThat(all).containsExactlyElementsOf(expected);
        }
    }
}
