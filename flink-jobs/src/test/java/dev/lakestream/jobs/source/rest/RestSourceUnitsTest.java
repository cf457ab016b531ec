package dev.lakestream.jobs.source.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.jobs.source.SourceRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.types.PojoTestUtils;
import org.junit.jupiter.api.Test;

/** The REST source's small parts: headers, back-off, rate cap, parsing, state formats. */
class RestSourceUnitsTest {

    @Test
    void findsTheNextLinkAmongOthers() {
        assertThat(
                        LinkHeader.next(
                                List.of(
                                        "<https://a/x?page=1>; rel=\"first\", <https://a/x?page=3>; rel=\"next\"")))
                .contains("https://a/x?page=3");
        assertThat(LinkHeader.next(List.of("</x?page=2>; rel=\"prev next\"; title=\"a, b\"")))
                .contains("/x?page=2");
        assertThat(LinkHeader.next(List.of("<https://a/x?page=2>; rel=next")))
                .contains("https://a/x?page=2");
        assertThat(LinkHeader.next(List.of("<https://a/x?page=1>; rel=\"prev\""))).isEmpty();
        assertThat(LinkHeader.next(List.of())).isEmpty();
    }

    @Test
    void readsRetryAfterAsSecondsOrAsADate() {
        Instant now = Instant.parse("2024-05-01T16:00:00Z");
        assertThat(RetryAfter.parse(Optional.of("7"), now)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse(Optional.of("Wed, 01 May 2024 16:00:12 GMT"), now))
                .contains(Duration.ofSeconds(12));
        assertThat(RetryAfter.parse(Optional.of("Wed, 01 May 2024 15:00:00 GMT"), now))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), now)).isEmpty();
    }

    @Test
    void backoffDoublesUpToItsCapWithFullJitter() {
        Backoff top = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.999999);
        assertThat(List.of(1, 2, 3, 4, 7, 8, 50))
                .extracting(top::ceilingMillis)
                .containsExactly(500L, 1_000L, 2_000L, 4_000L, 30_000L, 30_000L, 30_000L);
        assertThat(top.delay(2)).isEqualTo(Duration.ofMillis(1_000));
        Backoff bottom = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), () -> 0.0);
        assertThat(bottom.delay(5)).isZero();
    }

    @Test
    void theRateCapSpacesRequestsWithoutSpinning() throws InterruptedException {
        AtomicLong clock = new AtomicLong(0);
        List<Long> sleeps = new ArrayList<>();
        RateLimiter limiter =
                new RateLimiter(
                        4.0,
                        clock::get,
                        nanos -> {
                            sleeps.add(nanos);
                            clock.addAndGet(nanos);
                        });
        for (int i = 0; i < 5; i++) {
            limiter.acquire();
        }
        // five requests at 4/s: the first at once, then one every 250 ms
        assertThat(sleeps).containsExactly(250_000_000L, 250_000_000L, 250_000_000L, 250_000_000L);
        clock.addAndGet(2_000_000_000L);
        assertThat(limiter.acquire()).isZero();
    }

    @Test
    void keepsEachRecordsExactTextAndTheNextToken() throws Exception {
        PageParser parser = new PageParser("/result/items", "/meta/next");
        String body =
                "{\"meta\":{\"next\":\"abc\",\"count\":2},\"result\":{\"other\":[1,{\"x\":2}],"
                        + "\"items\":[ {\"rate\": 1.10 , \"s\":\"a]\\\"b\"} ,\"x\\\"y\", 3e2, null, [1,2] ]}}";
        PageParser.Page page = parser.parse(body);
        assertThat(page.elements())
                .extracting(PageParser.Element::raw)
                .containsExactly(
                        "{\"rate\": 1.10 , \"s\":\"a]\\\"b\"}",
                        "\"x\\\"y\"",
                        "3e2",
                        "null",
                        "[1,2]");
        assertThat(page.nextToken()).isEqualTo("abc");
        assertThat(new PageParser("/result/items", "/meta/none").parse(body).nextToken()).isNull();
    }

    @Test
    void refusesBodiesItCannotReadWhole() {
        PageParser parser = new PageParser("/data", null);
        assertThatThrownBy(() -> parser.parse("{\"data\":[{\"a\":1}"))
                .isInstanceOf(PageParser.MalformedPageException.class)
                .hasMessageStartingWith("invalid JSON");
        assertThatThrownBy(() -> parser.parse("{\"data\":[]} {}"))
                .hasMessageContaining("content after the JSON value");
        assertThatThrownBy(() -> parser.parse("{\"items\":[]}"))
                .hasMessage("no records array at /data");
        assertThatThrownBy(() -> parser.parse("{\"data\":{}}"))
                .hasMessage("/data is an object, not an array");
        assertThatThrownBy(() -> parser.parse("  ")).hasMessage("empty response body");
        assertThatThrownBy(() -> parser.parse("<html>oops</html>"))
                .hasMessageStartingWith("invalid JSON");
    }

    @Test
    void masksSecretLookingQueryValuesAndCutsLongBodies() {
        RestSourceSettings settings =
                RestTestSettings.of(URI.create("https://rates.example/v1?api_key=abc"));
        assertThat(
                        Redaction.display(
                                URI.create(
                                        "https://rates.example/v1?api_key=abc&base=EUR&token=t&page=2"),
                                settings))
                .isEqualTo("https://rates.example/v1?api_key=***&base=EUR&token=***&page=2");
        String longBody = "x".repeat(Redaction.MAX_RAW_CHARS + 10);
        assertThat(Redaction.truncate(longBody))
                .startsWith("xxx")
                .endsWith("...[truncated: " + longBody.length() + " characters in all]")
                .hasSize(
                        Redaction.MAX_RAW_CHARS
                                + 34
                                + Integer.toString(longBody.length()).length());
    }

    @Test
    void splitAndEnumeratorStateSurviveTheirCheckpointFormat() throws Exception {
        RestSplit split =
                new RestSplit(
                        "exchange_rates",
                        CursorKind.INSTANT,
                        1_714_579_200_123_456L,
                        Set.of("[\"EUR\",\"USD\",\"2024-05-01\"]", "sha256:ab\u00e9"));
        RestSplitSerializer splits = RestSplitSerializer.INSTANCE;
        byte[] bytes = splits.serialize(split);
        assertThat(splits.deserialize(splits.getVersion(), bytes)).isEqualTo(split);
        // the same state writes the same bytes
        assertThat(
                        splits.serialize(
                                new RestSplit(
                                        split.name(),
                                        split.kind(),
                                        split.cursor(),
                                        new java.util.TreeSet<>(split.idsAtCursor())
                                                .descendingSet())))
                .isEqualTo(bytes);
        assertThatThrownBy(() -> splits.deserialize(99, bytes)).hasMessageContaining("version 99");

        RestEnumeratorStateSerializer enumerator = new RestEnumeratorStateSerializer();
        for (RestEnumeratorState state :
                List.of(
                        new RestEnumeratorState(Optional.of(split)),
                        new RestEnumeratorState(Optional.empty()))) {
            assertThat(enumerator.deserialize(enumerator.getVersion(), enumerator.serialize(state)))
                    .isEqualTo(state);
        }
    }

    @Test
    void cursorsReadAndWriteBothKinds() {
        var text = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        assertThat(CursorKind.INSTANT.parse(text.textNode("2024-05-01T16:00:00.1234567Z")))
                .isEqualTo(1_714_579_200_123_456L);
        assertThat(CursorKind.INSTANT.parse(text.textNode("2024-05-01T18:00:00+02:00")))
                .isEqualTo(1_714_579_200_000_000L);
        assertThat(CursorKind.INSTANT.format(1_714_579_200_123_456L))
                .isEqualTo("2024-05-01T16:00:00.123456Z");
        assertThat(CursorKind.INTEGER.parse(text.numberNode(42L))).isEqualTo(42L);
        assertThat(CursorKind.INTEGER.parse(text.textNode("43"))).isEqualTo(43L);
        assertThatThrownBy(() -> CursorKind.INTEGER.parse(text.numberNode(1.5)))
                .hasMessage("is not an integer: 1.5");
        assertThatThrownBy(() -> CursorKind.INSTANT.parse(text.numberNode(17L)))
                .hasMessage("is not an ISO-8601 instant: 17");
        assertThatThrownBy(() -> CursorKind.INSTANT.parse(text.nullNode()))
                .hasMessage("is missing");
    }

    @Test
    void emittedRecordsAreSerializedAsPojosNotByKryo() {
        PojoTestUtils.assertSerializedAsPojoWithoutKryo(SourceRecord.class);
        assertThat(
                        new RestSource(RestTestSettings.of(URI.create("https://rates.example/v1")))
                                .getProducedType()
                                .createSerializer(
                                        new org.apache.flink.api.common.serialization
                                                .SerializerConfigImpl()))
                .isInstanceOf(org.apache.flink.api.java.typeutils.runtime.PojoSerializer.class);
    }
}
