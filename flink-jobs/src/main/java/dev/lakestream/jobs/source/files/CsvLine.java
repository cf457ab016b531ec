package dev.lakestream.jobs.source.files;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Splits one CSV line into fields, RFC 4180 style: a field in double quotes may hold the delimiter
 * and doubled quotes ({@code ""} is one {@code "}). A quoted field spanning lines is not supported:
 * its first line is refused as an unterminated quote. A quote inside an unquoted field is kept as
 * text.
 */
final class CsvLine {

    private CsvLine() {}

    /** The line could not be split; the message says why. */
    static final class MalformedLineException extends Exception {
        MalformedLineException(String message) {
            super(message, null, false, false);
        }
    }

    static List<String> split(String line, char delimiter) throws MalformedLineException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            field.setLength(0);
            if (i < n && line.charAt(i) == '"') {
                int opened = i;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new MalformedLineException(
                                "quoted field opened at column "
                                        + (opened + 1)
                                        + " is not closed (fields spanning lines are not"
                                        + " supported)");
                    }
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            field.append('"');
                            i += 2;
                        } else {
                            i++;
                            break;
                        }
                    } else {
                        field.append(c);
                        i++;
                    }
                }
                if (i < n && line.charAt(i) != delimiter) {
                    throw new MalformedLineException(
                            "unexpected '"
                                    + line.charAt(i)
                                    + "' after the closing quote at column "
                                    + i);
                }
            } else {
                int end = line.indexOf(delimiter, i);
                if (end < 0) {
                    end = n;
                }
                field.append(line, i, end);
                i = end;
            }
            fields.add(field.toString());
            if (i >= n) {
                return fields;
            }
            i++; // the delimiter
        }
    }

    /** Why a header cannot name JSON fields, or {@code null} if it can. */
    static String headerProblem(List<String> header) {
        if (header.isEmpty() || (header.size() == 1 && header.get(0).isBlank())) {
            return "the header (line 1) is empty or unreadable";
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i).trim();
            if (name.isEmpty()) {
                return "the header (line 1) has no name for column " + (i + 1);
            }
            if (!names.add(name)) {
                return "the header (line 1) names column '" + name + "' twice";
            }
        }
        return null;
    }
}
