package dev.lakestream.jobs.source.rest;

import java.io.Serializable;
import java.util.Set;
import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The endpoint as a split, with its position: the cursor, and the identities of the records already
 * emitted whose cursor equals it.
 *
 * <p>The query is inclusive ({@code updated_since >= cursor}), so the next poll sees those records
 * again: they are dropped as replays, while a record published later with the very same cursor
 * value is still emitted. Immutable; the reader replaces it after each poll.
 *
 * @param name the dataset name, also the split id
 * @param kind how the cursor is read
 * @param cursor the highest cursor emitted so far (or the configured start)
 * @param idsAtCursor identities (key-field values, or a digest for a refused record) of the records
 *     emitted at exactly {@code cursor}
 */
public record RestSplit(String name, CursorKind kind, long cursor, Set<String> idsAtCursor)
        implements SourceSplit, Serializable {

    private static final long serialVersionUID = 1L;

    public RestSplit {
        idsAtCursor = Set.copyOf(idsAtCursor);
    }

    public static RestSplit initial(RestSourceSettings settings) {
        return new RestSplit(
                settings.name(), settings.cursorKind(), settings.cursorStart(), Set.of());
    }

    @Override
    public String splitId() {
        return name;
    }

    @Override
    public String toString() {
        return "RestSplit{"
                + name
                + " cursor="
                + kind.format(cursor)
                + " idsAtCursor="
                + idsAtCursor.size()
                + "}";
    }
}
