package dev.lakestream.jobs.source.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.lakestream.jobs.source.SourceRecord;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Turns the lines of one landing file into {@link SourceRecord}s: a CSV row into a JSON object
 * keyed by the header, a JSON Lines line checked to be one JSON object; anything else into a
 * rejected record naming file, line and reason.
 */
final class LineInterpreter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();

    private final String source;
    private final String dataset;
    private final LandingFile file;
    private final String origin;
    private final FileSourceOptions.Format format;
    private final String formatProblem;
    private final char delimiter;
    private final long sequenceBase;
    private List<String> header;
    private String headerProblem;

    LineInterpreter(FileSourceSettings settings, LandingFileSplit split) {
        this.source = settings.sourceName();
        this.dataset = settings.dataset();
        this.file = split.file();
        this.origin = file.uri();
        this.delimiter = settings.csvDelimiter();
        this.sequenceBase = Math.floorDiv(file.lastModifiedMillis(), 1000L) * 1_000_000_000L;
        FileSourceOptions.Format f = settings.format();
        String problem = null;
        if (f == FileSourceOptions.Format.AUTO) {
            f = byExtension(file.key());
            if (f == null) {
                problem =
                        "cannot tell the format of "
                                + origin
                                + " from its extension (.csv, .jsonl, .ndjson or .json);"
                                + " rename it or set "
                                + FileSourceOptions.FORMAT.key();
            }
        }
        this.format = f;
        this.formatProblem = problem;
        setHeader(split.header());
    }

    static FileSourceOptions.Format byExtension(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (k.endsWith(".csv")) {
            return FileSourceOptions.Format.CSV;
        }
        if (k.endsWith(".jsonl") || k.endsWith(".ndjson") || k.endsWith(".json")) {
            return FileSourceOptions.Format.JSONL;
        }
        return null;
    }

    private void setHeader(List<String> header) {
        this.header = header;
        this.headerProblem = header == null ? null : CsvLine.headerProblem(header);
    }

    /** Why the whole file cannot be read (unknown format), or {@code null}. */
    String formatProblem() {
        return formatProblem;
    }

    /** The file as one rejected record, for a file whose format is unknown. */
    SourceRecord rejectFile() {
        return SourceRecord.rejected(
                source, dataset, origin, 0L, file.lastModifiedMillis(), file.key(), formatProblem);
    }

    /** A rejected record for the line at {@code lineNumber}, e.g. when the file went away. */
    SourceRecord reject(long lineNumber, String raw, String reason) {
        return SourceRecord.rejected(
                source, dataset, origin, lineNumber, file.lastModifiedMillis(), raw, reason);
    }

    /** The current line of {@code cursor}, or {@code null} for a blank line (skipped). */
    LandingLine interpret(LineCursor cursor) {
        long line = cursor.lineNumber();
        if (line == 1) {
            cursor.stripByteOrderMark();
        }
        boolean csvHeader = format == FileSourceOptions.Format.CSV && line == 1;
        if (cursor.blank() && !csvHeader) {
            return null;
        }
        if (cursor.tooLong()) {
            return rejected(
                    cursor,
                    "line "
                            + line
                            + " is longer than "
                            + FileSourceOptions.MAX_LINE_LENGTH.key()
                            + " allows (shown truncated)",
                    csvHeader ? List.of() : null);
        }
        String text = cursor.text();
        if (text == null) {
            return rejected(
                    cursor, "line " + line + " is not valid UTF-8", csvHeader ? List.of() : null);
        }
        if (format == FileSourceOptions.Format.JSONL) {
            return jsonLine(cursor, text);
        }
        return csvHeader ? csvHeader(cursor, text) : csvRow(cursor, text);
    }

    private LandingLine csvHeader(LineCursor cursor, String text) {
        List<String> parsed;
        try {
            parsed = CsvLine.split(text, delimiter).stream().map(String::trim).toList();
        } catch (CsvLine.MalformedLineException e) {
            return rejected(cursor, "header (line 1): " + e.getMessage(), List.of());
        }
        setHeader(parsed);
        if (headerProblem != null) {
            return rejected(cursor, headerProblem, parsed);
        }
        return new LandingLine(null, cursor.nextOffset(), cursor.lineNumber() + 1, parsed);
    }

    private LandingLine csvRow(LineCursor cursor, String text) {
        long line = cursor.lineNumber();
        if (header == null) {
            // only when a file is read with format CSV from a position past line 1 without header
            return rejected(cursor, "line " + line + " has no header to name its fields", null);
        }
        if (headerProblem != null) {
            return rejected(cursor, "line " + line + " cannot be named: " + headerProblem, null);
        }
        List<String> fields;
        try {
            fields = CsvLine.split(text, delimiter);
        } catch (CsvLine.MalformedLineException e) {
            return rejected(cursor, "line " + line + ": " + e.getMessage(), null);
        }
        if (fields.size() != header.size()) {
            return rejected(
                    cursor,
                    "line "
                            + line
                            + " has "
                            + fields.size()
                            + " fields, header has "
                            + header.size(),
                    null);
        }
        StringBuilder json = new StringBuilder(text.length() + 16 * header.size());
        json.append('{');
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append('"');
            QUOTE.quoteAsString(header.get(i), json);
            json.append("\":\"");
            QUOTE.quoteAsString(fields.get(i), json);
            json.append('"');
        }
        json.append('}');
        return good(cursor, json.toString());
    }

    private LandingLine jsonLine(LineCursor cursor, String text) {
        String trimmed = text.strip();
        String problem = jsonObjectProblem(trimmed);
        if (problem != null) {
            return rejected(cursor, "line " + cursor.lineNumber() + " " + problem, null);
        }
        return good(cursor, trimmed);
    }

    /** Why {@code text} is not exactly one JSON object, or {@code null}. */
    static String jsonObjectProblem(String text) {
        try (JsonParser parser = JSON.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                return "is not a JSON object";
            }
            parser.skipChildren();
            JsonToken after = parser.nextToken();
            if (after != null) {
                return "has text after its JSON object";
            }
            return null;
        } catch (IOException e) {
            return "is not valid JSON: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    private LandingLine good(LineCursor cursor, String json) {
        long line = cursor.lineNumber();
        return new LandingLine(
                SourceRecord.good(
                        source,
                        dataset,
                        origin,
                        line,
                        sequenceBase + line,
                        file.lastModifiedMillis(),
                        json),
                cursor.nextOffset(),
                line + 1,
                null);
    }

    private LandingLine rejected(LineCursor cursor, String reason, List<String> header) {
        long line = cursor.lineNumber();
        return new LandingLine(
                reject(line, cursor.lenientText(), reason), cursor.nextOffset(), line + 1, header);
    }
}
