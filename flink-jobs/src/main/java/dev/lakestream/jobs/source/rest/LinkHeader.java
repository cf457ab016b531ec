package dev.lakestream.jobs.source.rest;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds the {@code rel="next"} target in {@code Link} headers (RFC 8288), e.g. {@code
 * <https://api.example/rates?page=2>; rel="next", <...>; rel="last"}. A rel may list several
 * space-separated relation types.
 */
final class LinkHeader {

    private LinkHeader() {}

    static Optional<String> next(List<String> headerValues) {
        for (String header : headerValues) {
            int i = 0;
            while (i < header.length()) {
                int open = header.indexOf('<', i);
                if (open < 0) {
                    break;
                }
                int close = header.indexOf('>', open);
                if (close < 0) {
                    break;
                }
                String target = header.substring(open + 1, close).trim();
                int end = paramsEnd(header, close + 1);
                String params = header.substring(close + 1, end);
                if (relIsNext(params)) {
                    return Optional.of(target);
                }
                i = end + 1;
            }
        }
        return Optional.empty();
    }

    /** Index of the comma ending this link's parameters (outside quotes), or the end. */
    private static int paramsEnd(String header, int from) {
        boolean quoted = false;
        for (int i = from; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                return i;
            }
        }
        return header.length();
    }

    private static boolean relIsNext(String params) {
        for (String param : params.split(";")) {
            String[] kv = param.split("=", 2);
            if (kv.length == 2 && kv[0].trim().equalsIgnoreCase("rel")) {
                String value = kv[1].trim();
                if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
                    value = value.substring(1, value.length() - 1);
                }
                for (String rel : value.trim().split("\\s+")) {
                    if (rel.toLowerCase(Locale.ROOT).equals("next")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
