package dev.lakestream.jobs.source.rest;

import com.fasterxml.jackson.core.JsonPointer;
import dev.lakestream.catalog.InvalidSettingException;
import dev.lakestream.jobs.config.JobSettings;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOption;

/**
 * The validated settings of the polling REST source. Construction checks every value, so a bad one
 * stops start-up with a message naming its key rather than surfacing as failed requests.
 *
 * <p>Secrets (token, password, API key) are held here because the reader needs them; {@link
 * #toString()} never prints them and nothing logs this object's fields.
 */
public record RestSourceSettings(
        String name,
        URI url,
        String query,
        String recordsPointer,
        String cursorParam,
        String cursorField,
        CursorKind cursorKind,
        long cursorStart,
        List<String> keyFields,
        Pagination pagination,
        String pageParam,
        int firstPage,
        String sizeParam,
        int pageSize,
        String offsetParam,
        String limitParam,
        String nextTokenPointer,
        String tokenParam,
        Auth auth,
        String token,
        String username,
        String password,
        String authHeader,
        String apiKey,
        Duration pollInterval,
        double maxRequestsPerSecond,
        int retryMaxAttempts,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff,
        Duration connectTimeout,
        Duration readTimeout,
        int maxPagesPerPoll,
        long maxBodyBytes,
        long maxBytesPerPoll)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");
    // RFC 7230 token characters: what a header name may contain
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z0-9_.\\-\\[\\]~]+");

    /** How the endpoint pages through the records of one poll. */
    public enum Pagination {
        NONE,
        PAGE,
        OFFSET,
        CURSOR,
        LINK
    }

    /** How requests authenticate. */
    public enum Auth {
        NONE,
        BEARER,
        BASIC,
        API_KEY
    }

    /** The settings if {@code source.rest.enabled} is true, validated; empty otherwise. */
    public static Optional<RestSourceSettings> fromIfEnabled(JobSettings settings) {
        return settings.get(RestSourceOptions.ENABLED)
                ? Optional.of(from(settings))
                : Optional.empty();
    }

    /** Reads and validates every {@code source.rest.*} key (whether or not enabled). */
    public static RestSourceSettings from(JobSettings settings) {
        String name = settings.get(RestSourceOptions.NAME).trim();
        if (!NAME.matcher(name).matches()) {
            throw new InvalidSettingException(
                    RestSourceOptions.NAME.key(),
                    "'" + name + "' must be 1-64 lower-case letters, digits and _");
        }
        URI url = url(settings.require(RestSourceOptions.URL));
        String query = query(settings.get(RestSourceOptions.QUERY));

        String recordsPointer = pointer(settings, RestSourceOptions.RECORDS_POINTER, true);
        String cursorParam = param(settings, RestSourceOptions.CURSOR_PARAM);
        String cursorField = nonBlank(settings, RestSourceOptions.CURSOR_FIELD);
        CursorKind.Parsed start;
        try {
            start = CursorKind.parseStart(settings.get(RestSourceOptions.CURSOR_START));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    RestSourceOptions.CURSOR_START.key(),
                    "must be an ISO-8601 instant (e.g. 2024-01-01T00:00:00Z) or an integer: "
                            + e.getMessage());
        }
        List<String> keyFields =
                Arrays.stream(settings.get(RestSourceOptions.KEY_FIELDS).split(","))
                        .map(String::trim)
                        .filter(f -> !f.isEmpty())
                        .distinct()
                        .toList();
        if (keyFields.isEmpty()) {
            throw new InvalidSettingException(
                    RestSourceOptions.KEY_FIELDS.key(),
                    "names no field: list the fields that identify a record, comma separated");
        }

        Pagination pagination = choice(settings, RestSourceOptions.PAGINATION, Pagination.class);
        int pageSize = settings.get(RestSourceOptions.PAGE_SIZE);
        if (pageSize < 1) {
            throw new InvalidSettingException(
                    RestSourceOptions.PAGE_SIZE.key(), "must be positive, was " + pageSize);
        }
        int firstPage = settings.get(RestSourceOptions.FIRST_PAGE);
        if (firstPage < 0) {
            throw new InvalidSettingException(
                    RestSourceOptions.FIRST_PAGE.key(), "must be 0 or more, was " + firstPage);
        }
        String sizeParam = settings.get(RestSourceOptions.SIZE_PARAM).trim();
        if (!sizeParam.isEmpty()) {
            sizeParam = param(settings, RestSourceOptions.SIZE_PARAM);
        }
        String pageParam = param(settings, RestSourceOptions.PAGE_PARAM);
        String offsetParam = param(settings, RestSourceOptions.OFFSET_PARAM);
        String limitParam = param(settings, RestSourceOptions.LIMIT_PARAM);
        String tokenParam = param(settings, RestSourceOptions.TOKEN_PARAM);
        String nextTokenPointer =
                pointer(
                        settings,
                        RestSourceOptions.NEXT_TOKEN_POINTER,
                        pagination != Pagination.CURSOR);
        List<String> generated = new ArrayList<>(List.of(cursorParam));
        switch (pagination) {
            case PAGE -> {
                generated.add(pageParam);
                if (!sizeParam.isEmpty()) {
                    generated.add(sizeParam);
                }
            }
            case OFFSET -> {
                generated.add(offsetParam);
                generated.add(limitParam);
            }
            case CURSOR, LINK -> {
                if (pagination == Pagination.CURSOR) {
                    generated.add(tokenParam);
                }
                if (!sizeParam.isEmpty()) {
                    generated.add(sizeParam);
                }
            }
            case NONE -> {}
        }
        if (generated.stream().distinct().count() != generated.size()) {
            throw new InvalidSettingException(
                    RestSourceOptions.PAGINATION.key(),
                    "uses the parameter names " + generated + ", which must all differ");
        }
        for (String part : query.isEmpty() ? new String[0] : query.split("&")) {
            String param = part.split("=", 2)[0];
            if (generated.contains(param)) {
                throw new InvalidSettingException(
                        RestSourceOptions.QUERY.key(),
                        "sets '"
                                + param
                                + "', which the source sets itself (cursor or pagination)");
            }
        }

        Auth auth = choice(settings, RestSourceOptions.AUTH, Auth.class);
        String token = null;
        String username = null;
        String password = null;
        String apiKey = null;
        String authHeader = settings.get(RestSourceOptions.AUTH_HEADER).trim();
        switch (auth) {
            case BEARER -> token = secret(settings, RestSourceOptions.AUTH_TOKEN, "bearer");
            case BASIC -> {
                username = settings.get(RestSourceOptions.AUTH_USERNAME);
                if (username == null || username.isBlank()) {
                    throw new InvalidSettingException(
                            RestSourceOptions.AUTH_USERNAME.key(),
                            "is missing: auth 'basic' needs a user name");
                }
                if (username.contains(":")) {
                    throw new InvalidSettingException(
                            RestSourceOptions.AUTH_USERNAME.key(),
                            "must not contain ':' (basic authentication cannot carry it)");
                }
                password = secret(settings, RestSourceOptions.AUTH_PASSWORD, "basic");
            }
            case API_KEY -> {
                if (!HEADER_NAME.matcher(authHeader).matches()) {
                    throw new InvalidSettingException(
                            RestSourceOptions.AUTH_HEADER.key(),
                            "'" + authHeader + "' is not a valid HTTP header name");
                }
                apiKey = secret(settings, RestSourceOptions.AUTH_API_KEY, "api-key");
            }
            case NONE -> {}
        }
        if (auth != Auth.NONE && "http".equals(url.getScheme()) && !loopback(url.getHost())) {
            throw new InvalidSettingException(
                    RestSourceOptions.URL.key(),
                    "is plain http but auth '"
                            + RestSourceOptions.AUTH.key()
                            + "' would send credentials to "
                            + url.getHost()
                            + " in clear text: use https");
        }

        Duration pollInterval = positive(settings, RestSourceOptions.POLL_INTERVAL);
        double rate = settings.get(RestSourceOptions.MAX_REQUESTS_PER_SECOND);
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new InvalidSettingException(
                    RestSourceOptions.MAX_REQUESTS_PER_SECOND.key(),
                    "must be a positive number, was " + rate);
        }
        int attempts = settings.get(RestSourceOptions.RETRY_MAX_ATTEMPTS);
        if (attempts < 1) {
            throw new InvalidSettingException(
                    RestSourceOptions.RETRY_MAX_ATTEMPTS.key(),
                    "must be 1 or more (1 = no retry), was " + attempts);
        }
        Duration initialBackoff = positive(settings, RestSourceOptions.RETRY_INITIAL_BACKOFF);
        Duration maxBackoff = positive(settings, RestSourceOptions.RETRY_MAX_BACKOFF);
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new InvalidSettingException(
                    RestSourceOptions.RETRY_MAX_BACKOFF.key(),
                    "must not be shorter than "
                            + RestSourceOptions.RETRY_INITIAL_BACKOFF.key()
                            + " ("
                            + initialBackoff
                            + ")");
        }
        Duration connectTimeout = positive(settings, RestSourceOptions.CONNECT_TIMEOUT);
        Duration readTimeout = positive(settings, RestSourceOptions.READ_TIMEOUT);
        int maxPages = settings.get(RestSourceOptions.MAX_PAGES_PER_POLL);
        if (maxPages < 1) {
            throw new InvalidSettingException(
                    RestSourceOptions.MAX_PAGES_PER_POLL.key(),
                    "must be positive, was " + maxPages);
        }
        long maxBody = settings.get(RestSourceOptions.MAX_BODY_SIZE).getBytes();
        if (maxBody < 1024 || maxBody > Integer.MAX_VALUE - 8) {
            throw new InvalidSettingException(
                    RestSourceOptions.MAX_BODY_SIZE.key(),
                    "must be between 1kb and 2gb, was " + maxBody + " bytes");
        }
        long maxPollBytes = settings.get(RestSourceOptions.MAX_BYTES_PER_POLL).getBytes();
        if (maxPollBytes < 1) {
            throw new InvalidSettingException(
                    RestSourceOptions.MAX_BYTES_PER_POLL.key(), "must be positive");
        }

        return new RestSourceSettings(
                name,
                url,
                query,
                recordsPointer,
                cursorParam,
                cursorField,
                start.kind(),
                start.value(),
                keyFields,
                pagination,
                pageParam,
                firstPage,
                sizeParam,
                pageSize,
                offsetParam,
                limitParam,
                nextTokenPointer,
                tokenParam,
                auth,
                token,
                username,
                password,
                authHeader,
                apiKey,
                pollInterval,
                rate,
                attempts,
                initialBackoff,
                maxBackoff,
                connectTimeout,
                readTimeout,
                maxPages,
                maxBody,
                maxPollBytes);
    }

    /** {@code rest:<name>}, the SourceRecord source. */
    public String source() {
        return "rest:" + name;
    }

    private static URI url(String text) {
        String key = RestSourceOptions.URL.key();
        URI url;
        try {
            url = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new InvalidSettingException(key, "is not a URL: " + e.getMessage());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new InvalidSettingException(
                    key, "must be an http:// or https:// URL, was '" + text + "'");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new InvalidSettingException(key, "has no host: '" + text + "'");
        }
        if (url.getRawUserInfo() != null) {
            throw new InvalidSettingException(
                    key,
                    "must not carry credentials (user:password@): set source.rest.auth=basic and"
                            + " the password in LAKESTREAM_SOURCE_REST_AUTH_PASSWORD");
        }
        if (url.getRawFragment() != null) {
            throw new InvalidSettingException(key, "must not have a #fragment");
        }
        return url;
    }

    private static String query(String text) {
        String q = text == null ? "" : text.trim();
        if (q.startsWith("?")) {
            q = q.substring(1);
        }
        if (q.contains(" ") || q.contains("#")) {
            throw new InvalidSettingException(
                    RestSourceOptions.QUERY.key(),
                    "must be an URL-encoded query string (no spaces or #): '" + text + "'");
        }
        for (String part : q.isEmpty() ? new String[0] : q.split("&")) {
            if (part.isEmpty() || part.startsWith("=")) {
                throw new InvalidSettingException(
                        RestSourceOptions.QUERY.key(), "has an empty parameter: '" + text + "'");
            }
        }
        return q;
    }

    private static String nonBlank(JobSettings settings, ConfigOption<String> option) {
        String value = settings.get(option);
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(option.key(), "must not be empty");
        }
        return value.trim();
    }

    private static String param(JobSettings settings, ConfigOption<String> option) {
        String value = nonBlank(settings, option);
        if (!PARAM_NAME.matcher(value).matches()) {
            throw new InvalidSettingException(
                    option.key(),
                    "'"
                            + value
                            + "' is not a plain query parameter name (letters, digits, _.-~[])");
        }
        return value;
    }

    private static String pointer(
            JobSettings settings, ConfigOption<String> option, boolean emptyAllowed) {
        String value = settings.get(option).trim();
        if (value.isEmpty() && !emptyAllowed) {
            throw new InvalidSettingException(option.key(), "must not be empty");
        }
        try {
            JsonPointer.compile(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(
                    option.key(),
                    "'"
                            + value
                            + "' is not a JSON pointer (like /data or /meta/next): "
                            + e.getMessage());
        }
        return value;
    }

    private static <E extends Enum<E>> E choice(
            JobSettings settings, ConfigOption<String> option, Class<E> type) {
        String value = settings.get(option).trim();
        String normalized = value.toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(normalized)) {
                return e;
            }
        }
        List<String> allowed =
                Arrays.stream(type.getEnumConstants())
                        .map(e -> e.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                        .toList();
        throw new InvalidSettingException(
                option.key(), "has an invalid value '" + value + "': use one of " + allowed);
    }

    private static String secret(JobSettings settings, ConfigOption<String> option, String auth) {
        String value = settings.get(option);
        if (value == null || value.isBlank()) {
            String env = JobSettings.envName(option.key());
            throw new InvalidSettingException(
                    option.key(),
                    "is missing: auth '"
                            + auth
                            + "' reads it from the environment variable "
                            + env
                            + " (or "
                            + env
                            + "_FILE naming a mounted file)");
        }
        return value;
    }

    private static Duration positive(JobSettings settings, ConfigOption<Duration> option) {
        Duration value = settings.get(option);
        if (value.isZero() || value.isNegative()) {
            throw new InvalidSettingException(option.key(), "must be positive, was " + value);
        }
        return value;
    }

    private static boolean loopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        // literal addresses only: no name lookup while validating
        if (h.matches("[0-9.]+") || h.contains(":")) {
            try {
                return InetAddress.getByName(h).isLoopbackAddress();
            } catch (java.net.UnknownHostException e) {
                return false;
            }
        }
        return false;
    }

    /** Never prints a secret. */
    @Override
    public String toString() {
        return "rest:"
                + name
                + " "
                + url
                + (query.isEmpty() ? "" : "?" + query)
                + " pagination="
                + pagination.name().toLowerCase(Locale.ROOT)
                + " auth="
                + auth.name().toLowerCase(Locale.ROOT).replace('_', '-')
                + " cursor="
                + cursorField
                + "->"
                + cursorParam
                + " poll-interval="
                + pollInterval
                + " max-requests-per-second="
                + maxRequestsPerSecond;
    }
}
