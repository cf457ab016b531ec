package dev.lakestream.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Refuses to resume the TransformationJob from a {@code data/} folder whose checkpoints hold state
 * of an older layout, with a message saying what to delete, instead of letting the job restart
 * forever on a state migration error.
 *
 * <p>The layout is a number written next to the checkpoints when the job starts. Layout 2 is the
 * typed gold order state ({@code OrderStateSerializer}), tombstones kept apart with a TTL, and
 * RocksDB; checkpoints and savepoints of layout 1 (no marker) cannot restore into it. Layout 3 is
 * the typed changelog: the silver applier keeps typed column values ({@code ColumnValueSerializer})
 * instead of JSON text, so layout 2 cannot restore into it either. Deleting the TransformationJob's
 * checkpoints and savepoints is safe: the job then re-reads bronze from the start, silver upserts
 * the same rows, and gold publishes the same versions again (they derive from source positions), so
 * nothing is lost or counted twice. The IngestionJob's state is not concerned.
 */
final class TransformationStateLayout {

    static final String CURRENT = "3";
    static final String FILE = "transformation-state-layout";

    private TransformationStateLayout() {}

    /** Fails when {@code restore} was written by another layout; else records the current one. */
    static void check(Path data, Optional<Path> restore) throws IOException {
        Path marker = data.resolve(FILE);
        String found =
                Files.exists(marker)
                        ? Files.readString(marker, StandardCharsets.UTF_8).strip()
                        : "1";
        if (restore.isPresent() && !found.equals(CURRENT)) {
            throw new IllegalStateException(
                    "the TransformationJob's state in "
                            + data
                            + " has layout "
                            + found
                            + ", this version keeps layout "
                            + CURRENT
                            + " (typed changelog and gold state, RocksDB) and cannot resume from it. Delete "
                            + data.resolve("checkpoints-transformation")
                            + " and "
                            + data.resolve("savepoints-transformation")
                            + " to rebuild silver and gold from bronze (nothing is lost), or the"
                            + " whole data folder to start afresh.");
        }
        Files.createDirectories(data);
        Files.writeString(marker, CURRENT, StandardCharsets.UTF_8);
    }
}
