package dev.lakestream.jobs.source.rest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one response body in a single streaming pass: the elements of the records array (each as
 * its exact text in the body and as a tree) and, for cursor pagination, the next-page token.
 *
 * <p>The whole body must be one well-formed JSON value; anything else makes the page malformed, so
 * a half-written or truncated response is never half-used.
 */
final class PageParser {

    /** One element of the records array. */
    record Element(String raw, JsonNode node) {}

    /**
     * A parsed page.
     *
     * @param elements the records array, in order
     * @param nextToken text at the next-token pointer; null when absent, null or not a scalar
     */
    record Page(List<Element> elements, String nextToken) {}

    /** The body is not what the source can read; the message says why. */
    static final class MalformedPageException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedPageException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final String recordsPointer;
    private final List<String> recordsPath;
    private final List<String> tokenPath;

    /**
     * @param recordsPointer JSON pointer to the records array; empty for the root
     * @param nextTokenPointer JSON pointer to the next-page token, or null when not wanted
     */
    PageParser(String recordsPointer, String nextTokenPointer) {
        this.recordsPointer = recordsPointer.isEmpty() ? "the root" : recordsPointer;
        this.recordsPath = segments(recordsPointer);
        this.tokenPath = nextTokenPointer == null ? null : segments(nextTokenPointer);
    }

    private static List<String> segments(String pointer) {
        List<String> out = new ArrayList<>();
        for (JsonPointer p = JsonPointer.compile(pointer); !p.matches(); p = p.tail()) {
            out.add(p.getMatchingProperty());
        }
        return List.copyOf(out);
    }

    private final class Walk {
        final String body;
        final List<Element> elements = new ArrayList<>();
        boolean recordsFound;
        String recordsProblem;
        String token;

        Walk(String body) {
            this.body = body;
        }

        void value(JsonParser p, int depth, boolean onRecordsPath, boolean onTokenPath)
                throws IOException {
            JsonToken t = p.currentToken();
            if (onRecordsPath && depth == recordsPath.size()) {
                if (t == JsonToken.START_ARRAY) {
                    recordsFound = true;
                    readRecords(p);
                } else {
                    recordsProblem = recordsPointer + " is " + describe(t) + ", not an array";
                    p.skipChildren();
                }
                return;
            }
            if (onTokenPath && depth == tokenPath.size()) {
                token = t.isScalarValue() && t != JsonToken.VALUE_NULL ? p.getText() : null;
                p.skipChildren();
                return;
            }
            boolean descendRecords = onRecordsPath && depth < recordsPath.size();
            boolean descendToken = onTokenPath && depth < tokenPath.size();
            if (!descendRecords && !descendToken) {
                p.skipChildren();
                return;
            }
            if (t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    value(
                            p,
                            depth + 1,
                            descendRecords && recordsPath.get(depth).equals(name),
                            descendToken && tokenPath.get(depth).equals(name));
                }
            } else if (t == JsonToken.START_ARRAY) {
                int index = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String segment = Integer.toString(index++);
                    value(
                            p,
                            depth + 1,
                            descendRecords && recordsPath.get(depth).equals(segment),
                            descendToken && tokenPath.get(depth).equals(segment));
                }
            }
        }

        private void readRecords(JsonParser p) throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t == null) {
                    throw new JsonParseEnd();
                }
                int start = (int) p.currentTokenLocation().getCharOffset();
                JsonNode node = MAPPER.readTree(p);
                int end = (int) p.currentLocation().getCharOffset();
                elements.add(new Element(body.substring(start, end), node));
            }
        }
    }

    /** Parses {@code body}. */
    Page parse(String body) throws MalformedPageException {
        if (body == null || body.isBlank()) {
            throw new MalformedPageException("empty response body");
        }
        Walk walk = new Walk(body);
        try (JsonParser p = MAPPER.getFactory().createParser(body)) {
            if (p.nextToken() == null) {
                throw new MalformedPageException("empty response body");
            }
            walk.value(p, 0, true, tokenPath != null);
            if (p.nextToken() != null) {
                throw new MalformedPageException(
                        "content after the JSON value at "
                                + location(
                                        p.currentTokenLocation().getLineNr(),
                                        p.currentTokenLocation().getColumnNr()));
            }
        } catch (JsonParseEnd e) {
            throw new MalformedPageException(
                    "invalid JSON: the body ends inside " + recordsPointer);
        } catch (JsonProcessingException e) {
            String where =
                    e.getLocation() == null
                            ? ""
                            : " at "
                                    + location(
                                            e.getLocation().getLineNr(),
                                            e.getLocation().getColumnNr());
            throw new MalformedPageException("invalid JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new MalformedPageException("unreadable body: " + e.getMessage());
        }
        if (!walk.recordsFound) {
            throw new MalformedPageException(
                    walk.recordsProblem != null
                            ? walk.recordsProblem
                            : "no records array at " + recordsPointer);
        }
        return new Page(
                walk.elements, walk.token == null || walk.token.isEmpty() ? null : walk.token);
    }

    private static String location(int line, int column) {
        return "line " + line + ", column " + column;
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static final class JsonParseEnd extends IOException {
        private static final long serialVersionUID = 1L;
    }
}
