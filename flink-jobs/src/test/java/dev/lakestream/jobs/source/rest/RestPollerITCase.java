package dev.lakestream.jobs.source.rest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.source.SourceRecord;
import dev.lakestream.jobs.source.rest.RatesServer.Rate;
import dev.lakestream.jobs.source.rest.RestSourceSettings.Pagination;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One poll cycle against a real HTTP server: every pagination style, retries (429 with Retry-After,
 * 5xx, time-outs), failures that end a cycle, malformed bodies and records, the inclusive cursor,
 * and the authentication headers sent.
 */
class RestPollerITCase {

    private static final Instant T0 = Instant.parse("2024-05-01T16:00:00Z");

    private RatesServer server;

    @BeforeEach
    void startServer() throws Exception {
        server = new RatesServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private RestPoller poller(RestSourceSettings settings) {
        return new RestPoller(settings, new RestHttp(settings));
    }

    private static RestPoller.PollCycle poll(RestPoller poller, RestSplit from)
            throws InterruptedException {
        return poller.poll(from, 100);
    }

    private static List<String> quotes(RestPoller.PollCycle cycle) {
        return cycle.records().stream()
                .filter(r -> !r.rejected())
                .map(r -> r.payload().replaceAll(".*\"quote\":\"([^\"]+)\".*", "$1"))
                .toList();
    }

    private static List<String> quotes(List<Rate> rates) {
        return rates.stream().map(Rate::quote).toList();
    }

    @ParameterizedTest
    @EnumSource(Pagination.class)
    void readsEveryPageOfEachStyleOnce(Pagination style) throws Exception {
        List<Rate> rates = RatesServer.rates(25, T0);
        server.style(style).publish(rates);
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.pagination", style.name());

        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));

            assertThat(quotes(cycle)).containsExactlyElementsOf(quotes(rates));
            assertThat(cycle.outcome()).isEqualTo(RestPoller.Outcome.END);
            // 10 + 10 + 5: the short third page ends page and offset paging; the token or link
            // is absent after it; without pagination one request gets everything
            assertThat(cycle.requests()).isEqualTo(style == Pagination.NONE ? 1 : 3);
            assertThat(cycle.next().cursor())
                    .isEqualTo(T0.plusSeconds(24).getEpochSecond() * 1_000_000L);
            assertThat(cycle.next().idsAtCursor())
                    .containsExactly("[\"EUR\",\"Q00024\",\"2024-05-01\"]");
        }
        List<RatesServer.Seen> seen = server.requests();
        assertThat(seen.get(0).params()).containsEntry("updated_since", "1970-01-01T00:00:00Z");
        switch (style) {
            case PAGE ->
                    assertThat(seen)
                            .extracting(s -> s.params().get("page"))
                            .containsExactly("1", "2", "3");
            case OFFSET ->
                    assertThat(seen)
                            .extracting(s -> s.params().get("offset"))
                            .containsExactly("0", "10", "20");
            case CURSOR ->
                    assertThat(seen)
                            .extracting(s -> s.params().get("cursor"))
                            .containsExactly(null, "t10", "t20");
            case LINK ->
                    assertThat(seen)
                            .extracting(s -> s.params().get("page"))
                            .containsExactly(null, "2", "3");
            case NONE -> assertThat(seen).hasSize(1);
        }
    }

    @Test
    void aFullLastPageIsFollowedByAnEmptyOneThatEndsThePoll() throws Exception {
        server.style(Pagination.OFFSET).publish(RatesServer.rates(20, T0));
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.pagination", "offset");
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));
            assertThat(cycle.records()).hasSize(20);
            assertThat(cycle.requests()).isEqualTo(3);
            assertThat(cycle.outcome()).isEqualTo(RestPoller.Outcome.END);
        }
    }

    @Test
    void readsATopLevelArrayWhenThePointerIsEmpty() throws Exception {
        server.wrapper(null).style(Pagination.NONE).publish(RatesServer.rates(3, T0));
        RestSourceSettings settings =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.pagination",
                        "none",
                        "source.rest.records-pointer",
                        "");
        try (RestPoller poller = poller(settings)) {
            assertThat(quotes(poll(poller, RestSplit.initial(settings))))
                    .containsExactly("Q00000", "Q00001", "Q00002");
        }
    }

    /** One poll that gets the three published rates in one request after {@code attempts}. */
    private List<RatesServer.Seen> pollThreeRates(RestSourceSettings settings, int attempts)
            throws InterruptedException {
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));
            assertThat(cycle.records()).hasSize(3).noneMatch(SourceRecord::rejected);
            assertThat(cycle.attempts()).isEqualTo(attempts);
            assertThat(cycle.requests()).isEqualTo(1);
        }
        List<RatesServer.Seen> seen = server.requests();
        assertThat(seen).hasSize(attempts);
        return seen;
    }

    @Test
    void waitsAsRetryAfterAsksOn429() throws Exception {
        server.publish(RatesServer.rates(3, T0))
                .fault(RatesServer.status(429, Map.of("Retry-After", "1"), "slow down"));
        List<RatesServer.Seen> seen = pollThreeRates(RestTestSettings.of(server.url()), 2);
        // the back-off alone would have waited at most 40 ms
        assertThat(seen.get(1).arrivalNanos() - seen.get(0).arrivalNanos())
                .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void retries5xxWithBackoffUntilSuccess() throws Exception {
        server.publish(RatesServer.rates(3, T0))
                .fault(RatesServer.status(500, Map.of(), "boom"))
                .fault(RatesServer.status(502, Map.of(), "bad gateway"))
                .fault(RatesServer.status(503, Map.of(), "unavailable"));
        pollThreeRates(RestTestSettings.of(server.url()), 4);
    }

    @Test
    void retriesAResponseThatTakesLongerThanTheReadTimeout() throws Exception {
        server.publish(RatesServer.rates(3, T0)).fault(RatesServer.stall(Duration.ofSeconds(2)));
        List<RatesServer.Seen> seen =
                pollThreeRates(
                        RestTestSettings.of(server.url(), "source.rest.read-timeout", "300ms"), 2);
        // the retry went out long before the stalled answer would have come
        assertThat(seen.get(1).arrivalNanos() - seen.get(0).arrivalNanos())
                .isLessThan(TimeUnit.MILLISECONDS.toNanos(1_500));
    }

    @Test
    void aRequestFailingEveryAttemptBecomesOneRefusedRecordAndKeepsTheCursor() throws Exception {
        for (int i = 0; i < 3; i++) {
            server.fault(RatesServer.status(503, Map.of(), "{\"error\":\"maintenance\"}"));
        }
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.retry.max-attempts", "3");
        try (RestPoller poller = poller(settings)) {
            RestSplit start = RestSplit.initial(settings);
            RestPoller.PollCycle cycle = poll(poller, start);

            assertThat(cycle.outcome()).isEqualTo(RestPoller.Outcome.FAILED);
            assertThat(cycle.next()).isEqualTo(start);
            assertThat(cycle.records()).hasSize(1);
            SourceRecord refused = cycle.records().get(0);
            assertThat(refused.rejectReason())
                    .isEqualTo("request failed: HTTP 503 after 3 attempts");
            assertThat(refused.payload()).isEqualTo("{\"error\":\"maintenance\"}");
            assertThat(refused.origin())
                    .isEqualTo(
                            "GET "
                                    + server.url()
                                    + "?updated_since=1970-01-01T00%3A00%3A00Z&page=1&per_page=10");
            assertThat(refused.source()).isEqualTo("rest:exchange_rates");
            assertThat(refused.dataset()).isEqualTo("exchange_rates");
        }
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        server.fault(RatesServer.status(404, Map.of(), "no such endpoint"));
        RestSourceSettings settings = RestTestSettings.of(server.url());
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));
            assertThat(cycle.records())
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.rejectReason())
                                        .isEqualTo("request failed: HTTP 404 (not retried)");
                                assertThat(r.payload()).isEqualTo("no such endpoint");
                            });
        }
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void aMalformedPageIsRefusedWholeAndTheNextPollResumesAfterTheGoodPages() throws Exception {
        List<Rate> rates = RatesServer.rates(25, T0);
        server.publish(rates);
        RestSourceSettings settings = RestTestSettings.of(server.url());
        String broken = "{\"data\":[{\"base\":\"EUR\",\"quote\":\"Q0001";
        try (RestPoller poller = poller(settings)) {
            // page 1 normal, page 2 truncated
            server.fault(exchange -> false).fault(RatesServer.body(broken));
            RestPoller.PollCycle first = poll(poller, RestSplit.initial(settings));

            assertThat(first.outcome()).isEqualTo(RestPoller.Outcome.MALFORMED);
            assertThat(quotes(first)).containsExactlyElementsOf(quotes(rates.subList(0, 10)));
            SourceRecord refused = first.records().get(first.records().size() - 1);
            assertThat(refused.rejected()).isTrue();
            assertThat(refused.payload()).isEqualTo(broken);
            assertThat(refused.rejectReason())
                    .startsWith("malformed response (HTTP 200): invalid JSON");
            assertThat(refused.origin()).contains("page=2");
            assertThat(first.next().cursor())
                    .isEqualTo(T0.plusSeconds(9).getEpochSecond() * 1_000_000L);

            RestPoller.PollCycle second = poll(poller, first.next());
            assertThat(second.outcome()).isEqualTo(RestPoller.Outcome.END);
            assertThat(quotes(second)).containsExactlyElementsOf(quotes(rates.subList(10, 25)));
            assertThat(second.replays()).isEqualTo(1);
        }
    }

    @Test
    void aNextTokenLoopOfAnyLengthEndsThePollWithTheTokensSeen() throws Exception {
        List<Rate> rates = RatesServer.rates(4, T0);
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.pagination", "cursor");
        // A -> B -> C -> A: no token repeats the one before it
        String[] next = {"A", "B", "C", "A"};
        for (int i = 0; i < 4; i++) {
            server.fault(
                    RatesServer.body(
                            "{\"data\":["
                                    + rates.get(i).json()
                                    + "],\"next_cursor\":\""
                                    + next[i]
                                    + "\"}"));
        }
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));

            assertThat(cycle.outcome()).isEqualTo(RestPoller.Outcome.LOOP);
            assertThat(cycle.requests()).isEqualTo(4);
            assertThat(quotes(cycle)).containsExactlyElementsOf(quotes(rates));
            SourceRecord refused = cycle.records().get(cycle.records().size() - 1);
            assertThat(refused.rejected()).isTrue();
            assertThat(refused.rejectReason())
                    .startsWith(
                            "next-page tokens loop after 4 pages: 'A' was already seen in this"
                                    + " poll ('A' -> 'B' -> 'C')");
            assertThat(refused.origin()).contains("cursor=C");
        }
        assertThat(server.requests())
                .extracting(r -> r.params().get("cursor"))
                .containsExactly(null, "A", "B", "C");
    }

    @Test
    void aPollEndsOnceItHoldsMaxBytesPerPollAndTheNextGoesOnFromItsCursor() throws Exception {
        List<Rate> rates = RatesServer.rates(25, T0);
        server.publish(rates);
        // a page of 10 rates is about 1 KB: the poll stops after its second page
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.max-bytes-per-poll", "1500b");
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle first = poll(poller, RestSplit.initial(settings));
            assertThat(first.outcome()).isEqualTo(RestPoller.Outcome.BYTE_LIMIT);
            assertThat(first.requests()).isEqualTo(2);
            assertThat(quotes(first)).containsExactlyElementsOf(quotes(rates.subList(0, 20)));

            RestPoller.PollCycle second = poll(poller, first.next());
            assertThat(quotes(second)).containsExactlyElementsOf(quotes(rates.subList(20, 25)));
            assertThat(second.outcome()).isEqualTo(RestPoller.Outcome.END);
        }
    }

    @Test
    void aBodyOverMaxBodySizeIsRefusedWithItsStart() throws Exception {
        server.publish(RatesServer.rates(25, T0));
        // a page of 20 rates is about 2 KB
        RestSourceSettings settings =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.pagination.page-size",
                        "20",
                        "source.rest.max-body-size",
                        "1kb",
                        "source.rest.retry.max-attempts",
                        "1");
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));
            assertThat(cycle.outcome()).isEqualTo(RestPoller.Outcome.FAILED);
            assertThat(cycle.records()).hasSize(1);
            SourceRecord refused = cycle.records().get(0);
            assertThat(refused.rejectReason()).contains("response body larger than 1024 bytes");
            assertThat(refused.payload()).startsWith("{\"data\":[{\"base\":");
            assertThat(cycle.next().cursor()).isEqualTo(RestSplit.initial(settings).cursor());
        }
    }

    @Test
    void aMalformedRecordIsRefusedAloneAndTheRestOfThePageGoesOn() throws Exception {
        String body =
                "{\"data\": [\n"
                        + "  {\"base\":\"EUR\",\"quote\":\"USD\",\"date\":\"2024-05-01\",\"rate\":1.0712,"
                        + "\"updated_at\":\"2024-05-01T16:00:00Z\"},\n"
                        + "  \"not a record\",\n"
                        + "  {\"base\":\"EUR\",\"quote\":\"GBP\",\"date\":\"2024-05-01\",\"rate\":0.85},\n"
                        + "  {\"base\":\"EUR\",\"quote\":\"JPY\",\"date\":\"2024-05-01\",\"rate\":166.2,"
                        + "\"updated_at\":\"yesterday\"},\n"
                        + "  {\"base\":\"EUR\",\"date\":\"2024-05-01\",\"rate\":1.6,"
                        + "\"updated_at\":\"2024-05-01T16:00:01Z\"},\n"
                        + "  {\"base\":\"EUR\",\"quote\":\"CHF\",\"date\":\"2024-05-01\",\"rate\":0.9780,"
                        + "\"updated_at\":\"2024-05-01T16:00:02+02:00\"}\n"
                        + "]}";
        server.fault(RatesServer.body(body));
        RestSourceSettings settings =
                RestTestSettings.of(server.url(), "source.rest.pagination", "none");
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(settings));
            assertThat(cycle.records())
                    .extracting(SourceRecord::position, SourceRecord::rejectReason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(0L, null),
                            org.assertj.core.groups.Tuple.tuple(
                                    1L, "record is a string, not a JSON object"),
                            org.assertj.core.groups.Tuple.tuple(
                                    2L, "cursor field 'updated_at' is missing"),
                            org.assertj.core.groups.Tuple.tuple(
                                    3L,
                                    "cursor field 'updated_at' is not an ISO-8601 instant:"
                                            + " 'yesterday'"),
                            org.assertj.core.groups.Tuple.tuple(4L, "key field 'quote' is missing"),
                            org.assertj.core.groups.Tuple.tuple(5L, null));
            assertThat(cycle.records().get(1).payload()).isEqualTo("\"not a record\"");
            assertThat(cycle.records().get(2).payload())
                    .isEqualTo(
                            "{\"base\":\"EUR\",\"quote\":\"GBP\",\"date\":\"2024-05-01\",\"rate\":0.85}");
            // payload is the record's text exactly as received: 0.9780 keeps its digits
            SourceRecord chf = cycle.records().get(5);
            assertThat(chf.payload())
                    .isEqualTo(
                            "{\"base\":\"EUR\",\"quote\":\"CHF\",\"date\":\"2024-05-01\",\"rate\":0.9780,"
                                    + "\"updated_at\":\"2024-05-01T16:00:02+02:00\"}");
            long chfMicros = Instant.parse("2024-05-01T14:00:02Z").getEpochSecond() * 1_000_000L;
            assertThat(chf.sequence()).isEqualTo(chfMicros);
            assertThat(chf.sourceTimeMillis()).isEqualTo(chfMicros / 1_000);
            // the cursor moves to the highest readable one, here the refused record's 16:00:01,
            // so that record is not quarantined again by every later poll
            assertThat(cycle.next().cursor())
                    .isEqualTo(Instant.parse("2024-05-01T16:00:01Z").getEpochSecond() * 1_000_000L);

            // polled again, the same body yields only the records without a readable cursor
            server.fault(RatesServer.body(body));
            RestPoller.PollCycle again = poll(poller, cycle.next());
            assertThat(again.records())
                    .extracting(SourceRecord::position)
                    .containsExactly(1L, 2L, 3L);
        }
    }

    @Test
    void aRecordPublishedLaterAtTheCursorIsEmittedOnceAndEarlierOnesNotAgain() throws Exception {
        server.publish(RatesServer.rates(3, T0));
        RestSourceSettings settings = RestTestSettings.of(server.url());
        try (RestPoller poller = poller(settings)) {
            RestPoller.PollCycle first = poll(poller, RestSplit.initial(settings));
            assertThat(quotes(first)).containsExactly("Q00000", "Q00001", "Q00002");

            // same timestamp as the cursor, published after the first poll, plus a newer one
            String atCursor = T0.plusSeconds(2).toString();
            server.publish(
                    new Rate("EUR", "AAA", "2024-05-01", "2.5", atCursor),
                    new Rate("EUR", "ZZZ", "2024-05-01", "3.5", T0.plusSeconds(3).toString()));
            RestPoller.PollCycle second = poll(poller, first.next());
            assertThat(quotes(second)).containsExactly("AAA", "ZZZ");
            assertThat(second.replays()).isEqualTo(1);

            RestPoller.PollCycle third = poll(poller, second.next());
            assertThat(third.records()).isEmpty();
            assertThat(third.next()).isEqualTo(second.next());
        }
        assertThat(server.requests())
                .extracting(s -> s.params().get("updated_since"))
                .containsExactly(
                        "1970-01-01T00:00:00Z", "2024-05-01T16:00:02Z", "2024-05-01T16:00:03Z");
    }

    @Test
    void sendsBearerBasicAndApiKeyCredentialsAsHeadersOnly() throws Exception {
        RestSourceSettings bearer =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.auth",
                        "bearer",
                        "source.rest.auth.token",
                        "tok-123");
        RestSourceSettings basic =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.auth",
                        "basic",
                        "source.rest.auth.username",
                        "rates",
                        "source.rest.auth.password",
                        "pa:ss");
        RestSourceSettings apiKey =
                RestTestSettings.of(
                        server.url(),
                        "source.rest.auth",
                        "api-key",
                        "source.rest.auth.header",
                        "X-Rates-Key",
                        "source.rest.auth.api-key",
                        "key-456");
        server.publish(RatesServer.rates(1, T0));
        for (RestSourceSettings s : List.of(bearer, basic, apiKey)) {
            try (RestPoller poller = poller(s)) {
                RestPoller.PollCycle cycle = poll(poller, RestSplit.initial(s));
                assertThat(cycle.records())
                        .singleElement()
                        .satisfies(
                                r -> {
                                    assertThat(r.rejected()).isFalse();
                                    assertThat(r.origin())
                                            .doesNotContain("tok-123", "pa:ss", "key-456");
                                });
            }
        }
        List<RatesServer.Seen> seen = server.requests();
        assertThat(seen.get(0).headers().getFirst("Authorization")).isEqualTo("Bearer tok-123");
        assertThat(seen.get(1).headers().getFirst("Authorization"))
                .isEqualTo("Basic " + Base64.getEncoder().encodeToString("rates:pa:ss".getBytes()));
        assertThat(seen.get(2).headers().getFirst("X-Rates-Key")).isEqualTo("key-456");
        assertThat(seen.get(2).headers().containsKey("Authorization")).isFalse();
        assertThat(seen.get(0).headers().getFirst("Accept")).isEqualTo("application/json");
        assertThat(seen)
                .allSatisfy(
                        s ->
                                assertThat(s.params().keySet())
                                        .containsOnly("updated_since", "page", "per_page"));
    }
}
