package dev.lakestream.jobs.source.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.config.JobSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestSourceSettingsTest {

    @TempDir Path dir;

    private static RestSourceSettings from(String... keyValues) {
        Map<String, String> map = new HashMap<>();
        map.put("source.rest.enabled", "true");
        map.put("source.rest.url", "https://rates.example/v1/rates");
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return RestSourceSettings.from(
                JobSettings.fromMap(map, RestSourceOptions.keys(), Set.of()));
    }

    private static void assertRejected(String key, String messagePart, String... keyValues) {
        assertThatThrownBy(() -> from(keyValues))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith(key + " ")
                .hasMessageContaining(messagePart)
                .extracting(e -> ((InvalidSettingException) e).key())
                .isEqualTo(key);
    }

    @Test
    void defaultsDescribeTheDailyExchangeRatesEndpoint() {
        RestSourceSettings s = from();
        assertThat(s.name()).isEqualTo("exchange_rates");
        assertThat(s.source()).isEqualTo("rest:exchange_rates");
        assertThat(s.recordsPointer()).isEqualTo("/data");
        assertThat(s.cursorParam()).isEqualTo("updated_since");
        assertThat(s.cursorField()).isEqualTo("updated_at");
        assertThat(s.cursorKind()).isEqualTo(CursorKind.INSTANT);
        assertThat(s.cursorStart()).isZero();
        assertThat(s.keyFields()).containsExactly("base", "quote", "date");
        assertThat(s.pagination()).isEqualTo(RestSourceSettings.Pagination.PAGE);
        assertThat(s.pageSize()).isEqualTo(100);
        assertThat(s.auth()).isEqualTo(RestSourceSettings.Auth.NONE);
        assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxRequestsPerSecond()).isEqualTo(5.0);
        assertThat(s.retryMaxAttempts()).isEqualTo(8);
        assertThat(s.retryInitialBackoff()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.retryMaxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(s.maxPagesPerPoll()).isEqualTo(100);
    }

    @Test
    void disabledByDefault() {
        JobSettings none = JobSettings.fromMap(Map.of(), RestSourceOptions.keys(), Set.of());
        assertThat(RestSourceSettings.fromIfEnabled(none)).isEmpty();
    }

    @Test
    void anIntegerStartMakesAnIntegerCursor() {
        RestSourceSettings s = from("source.rest.cursor.start", "1700000000");
        assertThat(s.cursorKind()).isEqualTo(CursorKind.INTEGER);
        assertThat(s.cursorStart()).isEqualTo(1_700_000_000L);
    }

    @Test
    void eachBadValueNamesItsKey() {
        assertRejected("source.rest.url", "is missing", "source.rest.url", "");
        assertRejected("source.rest.url", "http:// or https://", "source.rest.url", "ftp://x/y");
        assertRejected(
                "source.rest.url",
                "must not carry credentials",
                "source.rest.url",
                "https://u:p@rates.example/");
        assertRejected(
                "source.rest.pagination",
                "use one of [none, page, offset, cursor, link]",
                "source.rest.pagination",
                "pages");
        assertRejected(
                "source.rest.auth",
                "use one of [none, bearer, basic, api-key]",
                "source.rest.auth",
                "oauth");
        assertRejected("source.rest.cursor.start", "ISO-8601", "source.rest.cursor.start", "today");
        assertRejected(
                "source.rest.records-pointer",
                "not a JSON pointer",
                "source.rest.records-pointer",
                "data");
        assertRejected("source.rest.key-fields", "names no field", "source.rest.key-fields", " , ");
        assertRejected(
                "source.rest.pagination.page-size",
                "must be positive",
                "source.rest.pagination.page-size",
                "0");
        assertRejected(
                "source.rest.max-requests-per-second",
                "positive",
                "source.rest.max-requests-per-second",
                "0");
        assertRejected(
                "source.rest.retry.max-attempts",
                "1 or more",
                "source.rest.retry.max-attempts",
                "0");
        assertRejected(
                "source.rest.retry.max-backoff",
                "must not be shorter",
                "source.rest.retry.initial-backoff",
                "10s",
                "source.rest.retry.max-backoff",
                "1s");
        assertRejected(
                "source.rest.poll-interval", "must be positive", "source.rest.poll-interval", "0s");
        assertRejected("source.rest.query", "sets 'page'", "source.rest.query", "page=3");
        assertRejected("source.rest.name", "lower-case", "source.rest.name", "Exchange-Rates");
        assertRejected(
                "source.rest.max-body-size",
                "between 1kb and 2gb",
                "source.rest.max-body-size",
                "100b");
        assertRejected(
                "source.rest.max-bytes-per-poll",
                "must be positive",
                "source.rest.max-bytes-per-poll",
                "0b");
        assertRejected(
                "source.rest.pagination.next-token-pointer",
                "must not be empty",
                "source.rest.pagination",
                "cursor",
                "source.rest.pagination.next-token-pointer",
                "");
    }

    @Test
    void eachAuthNeedsItsSecretFromTheEnvironment() {
        assertRejected(
                "source.rest.auth.token",
                "LAKESTREAM_SOURCE_REST_AUTH_TOKEN",
                "source.rest.auth",
                "bearer");
        assertRejected("source.rest.auth.username", "is missing", "source.rest.auth", "basic");
        assertRejected(
                "source.rest.auth.password",
                "LAKESTREAM_SOURCE_REST_AUTH_PASSWORD",
                "source.rest.auth",
                "basic",
                "source.rest.auth.username",
                "rates");
        assertRejected(
                "source.rest.auth.api-key",
                "LAKESTREAM_SOURCE_REST_AUTH_API_KEY",
                "source.rest.auth",
                "api-key");
        assertRejected(
                "source.rest.auth.header",
                "not a valid HTTP header name",
                "source.rest.auth",
                "api-key",
                "source.rest.auth.header",
                "X Key",
                "source.rest.auth.api-key",
                "k");
    }

    @Test
    void credentialsAreNotSentInClearTextBeyondThisMachine() {
        assertRejected(
                "source.rest.url",
                "use https",
                "source.rest.url",
                "http://rates.example/v1",
                "source.rest.auth",
                "bearer",
                "source.rest.auth.token",
                "t");
        assertThat(
                        from(
                                        "source.rest.url",
                                        "http://127.0.0.1:8080/v1",
                                        "source.rest.auth",
                                        "bearer",
                                        "source.rest.auth.token",
                                        "t")
                                .token())
                .isEqualTo("t");
    }

    @Test
    void secretsComeOnlyFromTheEnvironmentAndAreNeverPrinted() throws IOException {
        Path file = dir.resolve("job.properties");
        Files.write(
                file,
                List.of(
                        "source.rest.enabled=true",
                        "source.rest.url=https://rates.example/v1",
                        "source.rest.auth=bearer",
                        "source.rest.auth.token=in-the-file"));
        assertThatThrownBy(
                        () ->
                                JobSettings.load(
                                        file,
                                        Map.of(),
                                        RestSourceOptions.keys(),
                                        RestSourceOptions.SECRET_KEYS,
                                        Set.of()))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining("LAKESTREAM_SOURCE_REST_AUTH_TOKEN");

        Files.write(
                file,
                List.of(
                        "source.rest.enabled=true",
                        "source.rest.url=https://rates.example/v1",
                        "source.rest.auth=bearer"));
        RestSourceSettings s =
                RestSourceSettings.fromIfEnabled(
                                JobSettings.load(
                                        file,
                                        Map.of("LAKESTREAM_SOURCE_REST_AUTH_TOKEN", "s3cr3t"),
                                        RestSourceOptions.keys(),
                                        RestSourceOptions.SECRET_KEYS,
                                        Set.of()))
                        .orElseThrow();
        assertThat(s.token()).isEqualTo("s3cr3t");
        assertThat(s.toString()).doesNotContain("s3cr3t").contains("auth=bearer");
        assertThat(RestSourceOptions.SECRET_KEYS)
                .containsExactlyInAnyOrder(
                        "source.rest.auth.token",
                        "source.rest.auth.password",
                        "source.rest.auth.api-key");
    }

    @Test
    void aTypoInAKeyIsCaught() {
        assertThatThrownBy(
                        () ->
                                JobSettings.fromMap(
                                        Map.of("source.rest.pol-interval", "5s"),
                                        RestSourceOptions.keys(),
                                        Set.of()))
                .hasMessageContaining("did you mean source.rest.poll-interval");
    }
}
