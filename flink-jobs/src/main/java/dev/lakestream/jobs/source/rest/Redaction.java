package dev.lakestream.jobs.source.rest;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * What the source writes about a request or a response into records and logs: the URL with any
 * credential-looking query value masked, and raw bodies cut to a size quarantine can hold.
 *
 * <p>The source itself authenticates only with headers, which are never recorded; masking covers a
 * key someone put into {@code source.rest.url} or {@code source.rest.query} anyway.
 */
final class Redaction {

    private Redaction() {}

    /** Raw text kept in a refused record: 64 KiB of characters. */
    static final int MAX_RAW_CHARS = 64 * 1024;

    private static final Pattern SECRET_PARAM =
            Pattern.compile(
                    "(?i)(api[_-]?key|apikey|key|access[_-]?token|token|secret|client[_-]?secret"
                            + "|password|passwd|pwd|signature|sig|auth|authorization|credentials?)");

    /** {@code uri} as it may be shown: secret-looking query values become {@code ***}. */
    static String display(URI uri, RestSourceSettings settings) {
        String raw = uri.toString();
        int q = raw.indexOf('?');
        if (q < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length()).append(raw, 0, q + 1);
        String[] parts = raw.substring(q + 1).split("&", -1);
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('&');
            }
            String part = parts[i];
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            boolean own =
                    name.equals(settings.cursorParam())
                            || name.equals(settings.tokenParam())
                            || name.equals(settings.pageParam())
                            || name.equals(settings.offsetParam());
            if (eq >= 0 && !own && SECRET_PARAM.matcher(name).matches()) {
                out.append(name).append("=***");
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }

    /** {@code text} cut to {@link #MAX_RAW_CHARS}, saying so. */
    static String truncate(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() <= MAX_RAW_CHARS) {
            return text;
        }
        return text.substring(0, MAX_RAW_CHARS)
                + "...[truncated: "
                + text.length()
                + " characters in all]";
    }
}
