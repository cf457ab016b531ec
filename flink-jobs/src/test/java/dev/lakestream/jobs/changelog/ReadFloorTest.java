package dev.lakestream.jobs.changelog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.changelog.PositionPublishingSource.Position;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The read floor against a model of the Iceberg source: a table that grows, an enumerator that
 * plans splits and hands them out one per request, readers that finish them, checkpoints, restores
 * from the last completed checkpoint and reader failovers, in random order. At every completed
 * checkpoint the floor must lie below every file a restore from it could still read.
 */
class ReadFloorTest {

    private static Position at(long snapshot) {
        return new Position(snapshot, snapshot * 1000);
    }

    @Test
    void noFloorBeforeEveryReaderReportedNorWhileARestoredSplitIsUnread() {
        ReadFloor floor = new ReadFloor(2);
        floor.readerStarted(0, List.of());
        assertThat(floor.checkpoint(at(3), List.of())).as("reader 1 not started").isNull();
        floor.readerStarted(1, List.of("restored"));
        assertThat(floor.checkpoint(at(4), List.of())).as("restored split unread").isNull();
        floor.finished(List.of("restored"));
        assertThat(floor.checkpoint(at(5), List.of())).isEqualTo(at(5));
    }

    @Test
    void theFloorIsTheCheckpointBeforeTheOldestUnreadSplitWasSeen() {
        ReadFloor floor = new ReadFloor(1);
        floor.readerStarted(0, List.of());
        assertThat(floor.checkpoint(at(2), List.of())).isEqualTo(at(2));
        // planned from 2 after that checkpoint: files of snapshots 3..5
        floor.assigned("a");
        assertThat(floor.checkpoint(at(5), List.of("b"))).isEqualTo(at(2));
        floor.finished(List.of("a"));
        assertThat(floor.checkpoint(at(7), List.of("b"))).isEqualTo(at(2));
        floor.finished(List.of("b"));
        assertThat(floor.checkpoint(at(7), List.of())).isEqualTo(at(7));
        floor.readerRegistered(0);
        assertThat(floor.checkpoint(at(8), List.of())).as("reader restarting").isNull();
    }

    /** One split per planned snapshot: its files were added at that snapshot. */
    private record Split(String id, long snapshot) {}

    private static final class Model {
        final int parallelism;
        long latest;
        long position;
        Deque<Split> pending = new ArrayDeque<>();
        Split[] held;
        ReadFloor floor;

        Model(int parallelism) {
            this.parallelism = parallelism;
            this.held = new Split[parallelism];
            this.floor = new ReadFloor(parallelism);
        }

        Model copy() {
            Model copy = new Model(parallelism);
            copy.latest = latest;
            copy.position = position;
            copy.pending = new ArrayDeque<>(pending);
            copy.held = held.clone();
            return copy;
        }

        List<Split> outstanding() {
            List<Split> all = new ArrayList<>(pending);
            for (Split split : held) {
                if (split != null) {
                    all.add(split);
                }
            }
            return all;
        }
    }

    @Test
    void neverAboveAFileARestoreCouldStillRead() {
        for (int seed = 0; seed < 300; seed++) {
            Random random = new Random(seed);
            int parallelism = 1 + random.nextInt(3);
            Model model = new Model(parallelism);
            for (int subtask = 0; subtask < parallelism; subtask++) {
                model.floor.readerStarted(subtask, List.of());
            }
            Model lastCompleted = model.copy();
            long published = 0;
            int splits = 0;
            Map<Long, Long> floors = new HashMap<>();
            for (int step = 0; step < 400; step++) {
                int action = random.nextInt(100);
                if (action < 20) {
                    model.latest++;
                } else if (action < 35) {
                    // discovery plans every snapshot after the position, one split each
                    for (long s = model.position + 1; s <= model.latest; s++) {
                        model.pending.add(new Split("split-" + splits++, s));
                    }
                    model.position = model.latest;
                } else if (action < 55) {
                    int reader = random.nextInt(parallelism);
                    if (model.held[reader] == null && !model.pending.isEmpty()) {
                        model.held[reader] = model.pending.poll();
                        model.floor.assigned(model.held[reader].id());
                    }
                } else if (action < 75) {
                    int reader = random.nextInt(parallelism);
                    if (model.held[reader] != null) {
                        model.floor.finished(List.of(model.held[reader].id()));
                        model.held[reader] = null;
                    }
                } else if (action < 90) {
                    Position floor =
                            model.floor.checkpoint(
                                    model.position == 0 ? null : at(model.position),
                                    model.pending.stream().map(Split::id).toList());
                    long f = floor == null ? published : floor.snapshotId();
                    for (Split split : model.outstanding()) {
                        assertThat(split.snapshot())
                                .as("seed %d step %d: %s read after floor %d", seed, step, split, f)
                                .isGreaterThan(f);
                    }
                    assertThat(f)
                            .as("seed %d: floors only grow", seed)
                            .isGreaterThanOrEqualTo(published);
                    if (random.nextInt(4) > 0) {
                        // completed and published; otherwise it is aborted
                        published = f;
                        lastCompleted = model.copy();
                    }
                    floors.put((long) step, f);
                } else if (action < 95) {
                    // job restart: everything from the last completed checkpoint
                    Model restored = lastCompleted.copy();
                    for (int subtask = 0; subtask < parallelism; subtask++) {
                        Split split = restored.held[subtask];
                        restored.floor.readerStarted(
                                subtask, split == null ? List.of() : List.of(split.id()));
                    }
                    model = restored;
                } else {
                    // one reader fails over: its current split goes back to the enumerator
                    int reader = random.nextInt(parallelism);
                    Split split = model.held[reader];
                    model.floor.addedBack(split == null ? List.of() : List.of(split.id()), reader);
                    if (split != null) {
                        model.pending.addFirst(split);
                        model.held[reader] = null;
                    }
                    model.floor.readerRegistered(reader);
                    model.floor.readerStarted(reader, List.of());
                }
            }
            assertThat(floors).as("seed %d checkpointed", seed).isNotEmpty();
        }
    }
}
