package dev.lakestream.jobs.source.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * How the incremental cursor is read and written. Either way it is held as one {@code long}: an
 * instant as epoch microseconds (finer digits are dropped, which keeps the inclusive query
 * inclusive), an integer as itself.
 */
public enum CursorKind {
    /** ISO-8601 instants such as {@code 2024-05-01T16:00:00Z} or with an offset. */
    INSTANT,
    /** Integers (a version, a sequence number, epoch seconds), in JSON as a number or digits. */
    INTEGER;

    /** The kind the configured start value has, and that value. */
    static Parsed parseStart(String text) {
        String t = text.trim();
        if (t.matches("-?\\d{1,18}")) {
            return new Parsed(INTEGER, Long.parseLong(t));
        }
        return new Parsed(INSTANT, INSTANT.parseText(t));
    }

    record Parsed(CursorKind kind, long value) {}

    /**
     * Reads a record's cursor field.
     *
     * @throws IllegalArgumentException saying why the value is not a cursor of this kind
     */
    long parse(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            throw new IllegalArgumentException("is missing");
        }
        if (this == INTEGER) {
            if (value.isIntegralNumber() && value.canConvertToLong()) {
                return value.longValue();
            }
            if (value.isTextual() && value.textValue().trim().matches("-?\\d{1,18}")) {
                return Long.parseLong(value.textValue().trim());
            }
            throw new IllegalArgumentException(
                    "is not an integer: " + abbreviate(value.toString()));
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException(
                    "is not an ISO-8601 instant: " + abbreviate(value.toString()));
        }
        return parseText(value.textValue());
    }

    private long parseText(String text) {
        Instant instant;
        try {
            instant = Instant.parse(text.trim());
        } catch (DateTimeParseException e) {
            try {
                instant = OffsetDateTime.parse(text.trim()).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException(
                        "is not an ISO-8601 instant: '" + abbreviate(text) + "'");
            }
        }
        try {
            return Math.addExact(
                    Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                    instant.getNano() / 1_000L);
        } catch (ArithmeticException | DateTimeException e) {
            throw new IllegalArgumentException("is out of range: '" + abbreviate(text) + "'");
        }
    }

    /** The cursor as sent in the query. */
    String format(long cursor) {
        if (this == INTEGER) {
            return Long.toString(cursor);
        }
        return toInstant(cursor).toString();
    }

    static Instant toInstant(long epochMicros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L),
                Math.floorMod(epochMicros, 1_000_000L) * 1_000L);
    }

    /** The record's time by its cursor, when the cursor is a time. */
    long toEpochMillis(long cursor, long otherwise) {
        return this == INSTANT ? Math.floorDiv(cursor, 1_000L) : otherwise;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
