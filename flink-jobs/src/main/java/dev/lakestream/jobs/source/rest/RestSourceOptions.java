package dev.lakestream.jobs.source.rest;

import dev.lakestream.jobs.config.ConfigKeys;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Settings of the polling REST source ({@code source.rest.*}): one endpoint per job for now.
 *
 * <p>Enumerated values ({@code pagination}, {@code auth}) are plain strings checked by {@link
 * RestSourceSettings}, so that {@code api-key} can be spelled as documented and a typo names the
 * key and the values allowed.
 */
public final class RestSourceOptions {

    private RestSourceOptions() {}

    public static final ConfigOption<Boolean> ENABLED =
            ConfigOptions.key("source.rest.enabled")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Whether the job polls a REST endpoint.");

    public static final ConfigOption<String> NAME =
            ConfigOptions.key("source.rest.name")
                    .stringType()
                    .defaultValue("exchange_rates")
                    .withDescription(
                            "Dataset name: records carry source rest:<name> and dataset <name>."
                                    + " Lower-case letters, digits and _.");

    public static final ConfigOption<String> URL =
            ConfigOptions.key("source.rest.url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Base URL of the endpoint (http or https), required when enabled."
                                    + " Credentials never go in it: use source.rest.auth.");

    public static final ConfigOption<String> QUERY =
            ConfigOptions.key("source.rest.query")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Extra fixed query string sent with every first-page request, already"
                                    + " URL-encoded, e.g. base=EUR&sort=updated_at.");

    public static final ConfigOption<String> RECORDS_POINTER =
            ConfigOptions.key("source.rest.records-pointer")
                    .stringType()
                    .defaultValue("/data")
                    .withDescription(
                            "JSON pointer to the array of records in a response; empty when the"
                                    + " response itself is the array.");

    public static final ConfigOption<String> CURSOR_PARAM =
            ConfigOptions.key("source.rest.cursor.param")
                    .stringType()
                    .defaultValue("updated_since")
                    .withDescription(
                            "Query parameter carrying the incremental cursor. The endpoint must"
                                    + " return records whose cursor field is >= it, in ascending"
                                    + " cursor order.");

    public static final ConfigOption<String> CURSOR_FIELD =
            ConfigOptions.key("source.rest.cursor.field")
                    .stringType()
                    .defaultValue("updated_at")
                    .withDescription(
                            "Record field holding the cursor: an ISO-8601 instant, or an integer"
                                    + " when source.rest.cursor.start is an integer.");

    public static final ConfigOption<String> CURSOR_START =
            ConfigOptions.key("source.rest.cursor.start")
                    .stringType()
                    .defaultValue("1970-01-01T00:00:00Z")
                    .withDescription(
                            "Cursor of a job without a checkpoint. Its form (instant or integer)"
                                    + " decides how the cursor field is read.");

    public static final ConfigOption<String> KEY_FIELDS =
            ConfigOptions.key("source.rest.key-fields")
                    .stringType()
                    .defaultValue("base,quote,date")
                    .withDescription(
                            "Comma-separated record fields forming a record's identity, used to"
                                    + " tell records at the same cursor value apart.");

    public static final ConfigOption<String> PAGINATION =
            ConfigOptions.key("source.rest.pagination")
                    .stringType()
                    .defaultValue("page")
                    .withDescription("none, page, offset, cursor or link.");

    public static final ConfigOption<String> PAGE_PARAM =
            ConfigOptions.key("source.rest.pagination.page-param")
                    .stringType()
                    .defaultValue("page")
                    .withDescription("Page-number parameter (pagination page).");

    public static final ConfigOption<Integer> FIRST_PAGE =
            ConfigOptions.key("source.rest.pagination.first-page")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Number of the first page (pagination page): 1 or 0.");

    public static final ConfigOption<String> SIZE_PARAM =
            ConfigOptions.key("source.rest.pagination.size-param")
                    .stringType()
                    .defaultValue("per_page")
                    .withDescription(
                            "Page-size parameter (pagination page, cursor and link; empty to send"
                                    + " none).");

    public static final ConfigOption<Integer> PAGE_SIZE =
            ConfigOptions.key("source.rest.pagination.page-size")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Records asked for per page. With page and offset pagination a"
                                    + " shorter page is the last one.");

    public static final ConfigOption<String> OFFSET_PARAM =
            ConfigOptions.key("source.rest.pagination.offset-param")
                    .stringType()
                    .defaultValue("offset")
                    .withDescription("Offset parameter (pagination offset).");

    public static final ConfigOption<String> LIMIT_PARAM =
            ConfigOptions.key("source.rest.pagination.limit-param")
                    .stringType()
                    .defaultValue("limit")
                    .withDescription("Limit parameter (pagination offset).");

    public static final ConfigOption<String> NEXT_TOKEN_POINTER =
            ConfigOptions.key("source.rest.pagination.next-token-pointer")
                    .stringType()
                    .defaultValue("/next_cursor")
                    .withDescription(
                            "JSON pointer to the next-page token in a response (pagination"
                                    + " cursor); absent, null or empty ends the poll.");

    public static final ConfigOption<String> TOKEN_PARAM =
            ConfigOptions.key("source.rest.pagination.token-param")
                    .stringType()
                    .defaultValue("cursor")
                    .withDescription("Parameter carrying the next-page token (pagination cursor).");

    public static final ConfigOption<String> AUTH =
            ConfigOptions.key("source.rest.auth")
                    .stringType()
                    .defaultValue("none")
                    .withDescription("none, bearer, basic or api-key.");

    public static final ConfigOption<String> AUTH_TOKEN =
            ConfigOptions.key("source.rest.auth.token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Secret: bearer token, only from LAKESTREAM_SOURCE_REST_AUTH_TOKEN (or"
                                    + " _FILE).");

    public static final ConfigOption<String> AUTH_USERNAME =
            ConfigOptions.key("source.rest.auth.username")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("User name for basic authentication.");

    public static final ConfigOption<String> AUTH_PASSWORD =
            ConfigOptions.key("source.rest.auth.password")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Secret: basic-auth password, only from"
                                    + " LAKESTREAM_SOURCE_REST_AUTH_PASSWORD (or _FILE).");

    public static final ConfigOption<String> AUTH_HEADER =
            ConfigOptions.key("source.rest.auth.header")
                    .stringType()
                    .defaultValue("X-API-Key")
                    .withDescription("Header carrying the API key (auth api-key).");

    public static final ConfigOption<String> AUTH_API_KEY =
            ConfigOptions.key("source.rest.auth.api-key")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Secret: API key, only from LAKESTREAM_SOURCE_REST_AUTH_API_KEY (or"
                                    + " _FILE).");

    public static final ConfigOption<Duration> POLL_INTERVAL =
            ConfigOptions.key("source.rest.poll-interval")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Wait after a poll that reached the end (an empty or short page, no"
                                    + " next token or link) or failed, before polling again.");

    public static final ConfigOption<Double> MAX_REQUESTS_PER_SECOND =
            ConfigOptions.key("source.rest.max-requests-per-second")
                    .doubleType()
                    .defaultValue(5.0)
                    .withDescription("Cap on requests per second, retries included.");

    public static final ConfigOption<Integer> RETRY_MAX_ATTEMPTS =
            ConfigOptions.key("source.rest.retry.max-attempts")
                    .intType()
                    .defaultValue(8)
                    .withDescription(
                            "Attempts per request (the first included) on 408, 429, 5xx,"
                                    + " time-outs and connection errors.");

    public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
            ConfigOptions.key("source.rest.retry.initial-backoff")
                    .durationType()
                    .defaultValue(Duration.ofMillis(500))
                    .withDescription(
                            "Back-off ceiling before the second attempt; doubles per attempt,"
                                    + " full jitter. A Retry-After header wins.");

    public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
            ConfigOptions.key("source.rest.retry.max-backoff")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "Largest back-off ceiling (Retry-After is honoured beyond it).");

    public static final ConfigOption<Duration> CONNECT_TIMEOUT =
            ConfigOptions.key("source.rest.connect-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Time-out for opening a connection.");

    public static final ConfigOption<Duration> READ_TIMEOUT =
            ConfigOptions.key("source.rest.read-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(15))
                    .withDescription(
                            "Time allowed for one response, from sending the request to its last"
                                    + " byte.");

    public static final ConfigOption<Integer> MAX_PAGES_PER_POLL =
            ConfigOptions.key("source.rest.max-pages-per-poll")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Pages fetched in one poll before its records are emitted and the"
                                    + " cursor checkpointed; a poll that stops here is followed"
                                    + " at once by the next.");

    public static final ConfigOption<MemorySize> MAX_BODY_SIZE =
            ConfigOptions.key("source.rest.max-body-size")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64mb"))
                    .withDescription(
                            "Largest response body read; a larger one is not read on (the"
                                    + " connection is closed) and goes to quarantine with its"
                                    + " start. Parsing a body takes about ten times its size in"
                                    + " heap.");

    public static final ConfigOption<MemorySize> MAX_BYTES_PER_POLL =
            ConfigOptions.key("source.rest.max-bytes-per-poll")
                    .memoryType()
                    .defaultValue(MemorySize.parse("64mb"))
                    .withDescription(
                            "Record bytes one poll holds before they are emitted: a poll ends"
                                    + " after the page that reaches this, and the next follows"
                                    + " at once, so a poll's memory is bounded by this plus one"
                                    + " body, whatever the API returns.");

    /** Keys that are accepted only from the environment (see JobSettings). */
    public static final Set<String> SECRET_KEYS =
            Set.of(AUTH_TOKEN.key(), AUTH_PASSWORD.key(), AUTH_API_KEY.key());

    /** Every option of this class, found by reflection: a new option cannot be left out. */
    public static List<ConfigOption<?>> all() {
        return ConfigKeys.optionsOf(RestSourceOptions.class);
    }

    /** Every key of this source, for a job's known-key list. */
    public static List<String> keys() {
        return all().stream().map(ConfigOption::key).collect(Collectors.toList());
    }
}
