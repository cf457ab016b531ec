package dev.lakestream.jobs.source.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lakestream.jobs.source.SourceRecord;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One poll cycle: every page from the split's cursor on (up to a page budget), turned into records
 * and the split's next state. Runs on the reader's fetch thread; knows nothing of Flink.
 *
 * <h2>Which records a cycle emits</h2>
 *
 * A record whose cursor is below the split's cursor, or equal to it with an identity already in the
 * split's set, is a replay of the inclusive query and is dropped; so is a record seen twice in one
 * cycle (a page boundary that shifted). Every other record is emitted: well-formed ones as good
 * records, others (not an object, cursor or key field missing or unreadable) as refused ones for
 * quarantine. The next state's cursor is the highest cursor emitted (refused records with a
 * readable cursor included, so they are not quarantined again by every later poll), with the
 * identities emitted at exactly that value.
 *
 * <h2>Bounds</h2>
 *
 * A cycle ends after {@code max-pages-per-poll} pages, or after the page whose records take the
 * bytes it holds to {@code max-bytes-per-poll}, and the next cycle goes on at once; one body is at
 * most {@code max-body-size}. A next-page token or link seen before in the same cycle is a loop (A,
 * B, A, ...: the endpoint would page forever): the cycle ends with one refused record naming the
 * tokens or links seen, and the next starts after the poll interval.
 *
 * <h2>A cycle that stops early</h2>
 *
 * A malformed body or a request that failed after its retries ends the cycle with one refused
 * record describing it; records from the earlier, well-formed pages of the cycle are still emitted
 * and the cursor moves past them, never past the failed page. That is exact because the endpoint
 * returns records in ascending cursor order (its contract; see {@code source.rest.cursor.param}):
 * the next cycle asks again from that cursor and gets the failed page's records.
 */
final class RestPoller implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestPoller.class);

    /** How a cycle ended, which decides when the next starts. */
    enum Outcome {
        /** No more pages: wait for the poll interval. */
        END,
        /** The page budget ran out with pages left: go on at once. */
        PAGE_LIMIT,
        /** A request failed after its retries (or was not retryable): wait. */
        FAILED,
        /** A body was not readable JSON with a records array: wait. */
        MALFORMED,
        /** The records held reached {@code max-bytes-per-poll} with pages left: go on at once. */
        BYTE_LIMIT,
        /** A next-page token or link repeated one of this cycle: wait. */
        LOOP
    }

    /** Tokens or links named in a loop's reason, at most. */
    static final int LOOP_SHOWN = 20;

    /**
     * What a cycle produced.
     *
     * @param records to emit, in order (good and refused)
     * @param next the split state once they are emitted
     * @param outcome how the cycle ended
     * @param requests GETs that got an answer or gave up (one per page)
     * @param attempts HTTP attempts, retries included
     * @param replays records dropped as replays of earlier polls or pages
     */
    record PollCycle(
            List<SourceRecord> records,
            RestSplit next,
            Outcome outcome,
            int requests,
            int attempts,
            int replays) {

        long rejected() {
            return records.stream().filter(SourceRecord::rejected).count();
        }
    }

    private final RestSourceSettings settings;
    private final RestHttp http;
    private final PageParser parser;
    private final String source;
    private final String base;
    private final List<String> fixedParams;
    private boolean orderWarned;

    RestPoller(RestSourceSettings settings, RestHttp http) {
        this.settings = settings;
        this.http = http;
        this.source = settings.source();
        this.parser =
                new PageParser(
                        settings.recordsPointer(),
                        settings.pagination() == RestSourceSettings.Pagination.CURSOR
                                ? settings.nextTokenPointer()
                                : null);
        String url = settings.url().toString();
        int q = url.indexOf('?');
        this.base = q < 0 ? url : url.substring(0, q);
        List<String> fixed = new ArrayList<>();
        if (q >= 0 && q < url.length() - 1) {
            fixed.add(url.substring(q + 1));
        }
        if (!settings.query().isEmpty()) {
            fixed.add(settings.query());
        }
        this.fixedParams = List.copyOf(fixed);
    }

    /** Runs one cycle from {@code state}, fetching at most {@code pageBudget} pages. */
    PollCycle poll(RestSplit state, int pageBudget) throws InterruptedException {
        Cycle cycle = new Cycle(state);
        String cursorText = state.kind().format(state.cursor());
        URI uri = firstPage(cursorText);
        int pageNumber = settings.firstPage();
        long offset = 0;
        java.util.LinkedHashSet<String> pagesSeen = new java.util.LinkedHashSet<>();
        Outcome outcome;
        pages:
        while (true) {
            RestHttp.Result result = http.get(uri);
            cycle.requests++;
            cycle.attempts += result.attempts();
            if (result instanceof RestHttp.Failed failed) {
                LOG.warn(
                        "rest:{} request {} failed: {}; next poll in {}",
                        settings.name(),
                        display(uri),
                        failed.reason(),
                        settings.pollInterval());
                cycle.refuse(
                        origin(uri),
                        -1,
                        System.currentTimeMillis(),
                        failed.lastBody(),
                        "request failed: " + failed.reason());
                outcome = Outcome.FAILED;
                break;
            }
            RestHttp.Ok ok = (RestHttp.Ok) result;
            PageParser.Page page;
            try {
                page = parser.parse(ok.body());
            } catch (PageParser.MalformedPageException e) {
                LOG.warn(
                        "rest:{} response to {} is malformed: {}",
                        settings.name(),
                        display(uri),
                        e.getMessage());
                cycle.refuse(
                        origin(uri),
                        -1,
                        ok.receivedMillis(),
                        ok.body(),
                        "malformed response (HTTP " + ok.status() + "): " + e.getMessage());
                outcome = Outcome.MALFORMED;
                break;
            }
            List<PageParser.Element> elements = page.elements();
            String origin = origin(uri);
            for (int i = 0; i < elements.size(); i++) {
                cycle.take(origin, i, elements.get(i), ok.receivedMillis());
            }
            cycle.bytes += ok.body().length();
            if (elements.isEmpty()) {
                outcome = Outcome.END;
                break;
            }
            URI next = null;
            switch (settings.pagination()) {
                case NONE -> {}
                case PAGE -> {
                    if (elements.size() >= settings.pageSize()) {
                        pageNumber++;
                        next = pageUri(cursorText, pageNumber);
                    }
                }
                case OFFSET -> {
                    if (elements.size() >= settings.pageSize()) {
                        offset += elements.size();
                        next = offsetUri(cursorText, offset);
                    }
                }
                case CURSOR -> {
                    String nextToken = page.nextToken();
                    if (nextToken != null) {
                        if (!pagesSeen.add(nextToken)) {
                            loop(cycle, uri, ok, "next-page tokens", pagesSeen, nextToken);
                            outcome = Outcome.LOOP;
                            break pages;
                        }
                        next = tokenUri(cursorText, nextToken);
                    }
                }
                case LINK -> {
                    next = linkNext(uri, ok);
                    pagesSeen.add(display(uri));
                    if (next != null && !pagesSeen.add(display(next))) {
                        loop(cycle, uri, ok, "next links", pagesSeen, display(next));
                        outcome = Outcome.LOOP;
                        break pages;
                    }
                }
            }
            if (next == null) {
                outcome = Outcome.END;
                break;
            }
            if (cycle.requests >= pageBudget) {
                outcome = Outcome.PAGE_LIMIT;
                break;
            }
            if (cycle.bytes >= settings.maxBytesPerPoll()) {
                outcome = Outcome.BYTE_LIMIT;
                break;
            }
            uri = next;
        }
        return cycle.finish(outcome);
    }

    /** A repeated next-page token or link: one refused record naming what the cycle saw. */
    private void loop(
            Cycle cycle,
            URI uri,
            RestHttp.Ok ok,
            String what,
            java.util.LinkedHashSet<String> seen,
            String repeated) {
        List<String> shown = new ArrayList<>();
        for (String s : seen) {
            if (shown.size() == LOOP_SHOWN) {
                shown.add("... (" + seen.size() + " in all)");
                break;
            }
            shown.add("'" + s + "'");
        }
        String reason =
                what
                        + " loop after "
                        + cycle.requests
                        + " pages: '"
                        + repeated
                        + "' was already seen in this poll ("
                        + String.join(" -> ", shown)
                        + "); the poll ends here and the next starts after the poll interval";
        LOG.warn("rest:{} {}", settings.name(), reason);
        cycle.refuse(origin(uri), -1, ok.receivedMillis(), ok.body(), reason);
    }

    private URI linkNext(URI current, RestHttp.Ok ok) {
        Optional<String> target = LinkHeader.next(ok.headers().allValues("Link"));
        if (target.isEmpty()) {
            return null;
        }
        URI next;
        try {
            next = current.resolve(target.get());
        } catch (IllegalArgumentException e) {
            LOG.warn(
                    "rest:{} Link rel=next '{}' is not a URL: poll ends",
                    settings.name(),
                    target.get());
            return null;
        }
        if (settings.auth() != RestSourceSettings.Auth.NONE && !sameOrigin(settings.url(), next)) {
            LOG.warn(
                    "rest:{} Link rel=next leads to another origin ({}://{}); not followed, since"
                            + " the credentials would go there: poll ends",
                    settings.name(),
                    next.getScheme(),
                    next.getAuthority());
            return null;
        }
        if (next.equals(current)) {
            LOG.warn("rest:{} Link rel=next points to the same page: poll ends", settings.name());
            return null;
        }
        return next;
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost().equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URI u) {
        if (u.getPort() >= 0) {
            return u.getPort();
        }
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private URI firstPage(String cursorText) {
        return switch (settings.pagination()) {
            case NONE -> uri(cursorText);
            case PAGE -> pageUri(cursorText, settings.firstPage());
            case OFFSET -> offsetUri(cursorText, 0);
            case CURSOR, LINK -> sized(cursorText);
        };
    }

    private URI pageUri(String cursorText, int page) {
        return sized(cursorText, settings.pageParam(), Integer.toString(page));
    }

    private URI offsetUri(String cursorText, long offset) {
        return uri(
                cursorText,
                settings.offsetParam(),
                Long.toString(offset),
                settings.limitParam(),
                Integer.toString(settings.pageSize()));
    }

    private URI tokenUri(String cursorText, String token) {
        return sized(cursorText, settings.tokenParam(), token);
    }

    /** {@code uri} plus the page-size parameter, when one is configured. */
    private URI sized(String cursorText, String... nameValues) {
        if (settings.sizeParam().isEmpty()) {
            return uri(cursorText, nameValues);
        }
        String[] all = java.util.Arrays.copyOf(nameValues, nameValues.length + 2);
        all[nameValues.length] = settings.sizeParam();
        all[nameValues.length + 1] = Integer.toString(settings.pageSize());
        return uri(cursorText, all);
    }

    /** The base URL with the fixed query, the cursor and {@code nameValues} pairs. */
    private URI uri(String cursorText, String... nameValues) {
        StringBuilder b = new StringBuilder(base).append('?');
        for (String fixed : fixedParams) {
            b.append(fixed).append('&');
        }
        b.append(settings.cursorParam()).append('=').append(encode(cursorText));
        for (int i = 0; i < nameValues.length; i += 2) {
            b.append('&').append(nameValues[i]).append('=').append(encode(nameValues[i + 1]));
        }
        return URI.create(b.toString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private String display(URI uri) {
        return Redaction.display(uri, settings);
    }

    /** A record's provenance: the request that returned it, without secrets. */
    private String origin(URI uri) {
        return "GET " + display(uri);
    }

    @Override
    public void close() {
        http.close();
    }

    /** The running state of one cycle. */
    private final class Cycle {
        final RestSplit start;
        final List<SourceRecord> records = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        long maxCursor;
        Set<String> idsAtMax;
        long lastCursor = Long.MIN_VALUE;
        long bytes;
        int requests;
        int attempts;
        int replays;

        Cycle(RestSplit start) {
            this.start = start;
            this.maxCursor = start.cursor();
            this.idsAtMax = new HashSet<>(start.idsAtCursor());
        }

        /** One element of a page's records array. */
        void take(String origin, int position, PageParser.Element element, long receivedMillis) {
            JsonNode node = element.node();
            if (!node.isObject()) {
                refuse(
                        origin,
                        position,
                        receivedMillis,
                        element.raw(),
                        "record is " + kind(node) + ", not a JSON object");
                return;
            }
            long cursor;
            try {
                cursor = start.kind().parse(node.get(settings.cursorField()));
            } catch (IllegalArgumentException e) {
                refuse(
                        origin,
                        position,
                        receivedMillis,
                        element.raw(),
                        "cursor field '" + settings.cursorField() + "' " + e.getMessage());
                return;
            }
            String problem = null;
            List<String> key = new ArrayList<>(settings.keyFields().size());
            for (String field : settings.keyFields()) {
                JsonNode value = node.get(field);
                if (value == null || value.isNull() || value.isMissingNode()) {
                    problem = "key field '" + field + "' is missing";
                    break;
                }
                if (value.isContainerNode()) {
                    problem = "key field '" + field + "' is " + kind(value) + ", not a scalar";
                    break;
                }
                key.add(value.asText());
            }
            String identity = problem == null ? identity(key) : "sha256:" + sha256(element.raw());
            if (!isNew(cursor, identity)) {
                replays++;
                return;
            }
            long millis = start.kind().toEpochMillis(cursor, receivedMillis);
            if (problem != null) {
                refuse(origin, position, millis, element.raw(), problem);
            } else {
                records.add(
                        SourceRecord.good(
                                source,
                                settings.name(),
                                origin,
                                position,
                                cursor,
                                millis,
                                element.raw()));
            }
        }

        /** Dedup against the split's state and this cycle; advances the cycle's cursor. */
        private boolean isNew(long cursor, String identity) {
            if (cursor < start.cursor()
                    || (cursor == start.cursor() && start.idsAtCursor().contains(identity))) {
                return false;
            }
            if (!seen.add(cursor + "\u0000" + identity)) {
                return false;
            }
            if (cursor < lastCursor && !orderWarned) {
                orderWarned = true;
                LOG.warn(
                        "rest:{} returned records out of ascending '{}' order; a poll cut short"
                                + " (page limit or error) could then skip records. Sort the"
                                + " endpoint by the cursor field.",
                        settings.name(),
                        settings.cursorField());
            }
            lastCursor = Math.max(lastCursor, cursor);
            if (cursor > maxCursor) {
                maxCursor = cursor;
                idsAtMax = new HashSet<>();
                idsAtMax.add(identity);
            } else if (cursor == maxCursor) {
                idsAtMax.add(identity);
            }
            return true;
        }

        /** A refused record; position -1 stands for the whole response. */
        void refuse(String origin, long position, long millis, String raw, String reason) {
            records.add(
                    SourceRecord.rejected(
                            source,
                            settings.name(),
                            origin,
                            position,
                            millis,
                            Redaction.truncate(raw),
                            reason));
        }

        PollCycle finish(Outcome outcome) {
            return new PollCycle(
                    List.copyOf(records),
                    new RestSplit(start.name(), start.kind(), maxCursor, idsAtMax),
                    outcome,
                    requests,
                    attempts,
                    replays);
        }
    }

    private static String identity(List<String> key) {
        // a JSON array of the values: unambiguous whatever the values contain
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < key.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append('"');
            String v = key.get(i);
            for (int c = 0; c < v.length(); c++) {
                char ch = v.charAt(c);
                if (ch == '"' || ch == '\\') {
                    b.append('\\');
                }
                b.append(ch);
            }
            b.append('"');
        }
        return b.append(']').toString();
    }

    private static String sha256(String text) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case NULL -> "null";
            default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
