package dev.lakestream.jobs.source.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lakestream.jobs.config.JobSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.Test;

/**
 * The enumerator hands each file to one reader on request; a fresh enumerator restored from its
 * serialised checkpoint hands out only what was not handed out before, plus what a failed reader
 * gives back.
 */
class LandingFileEnumeratorTest {

    private static final long T = 1_764_410_400_000L;
    private static final String PREFIX = "landing/foot_traffic/";

    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private static FileSourceSettings settings() {
        return FileSourceSettings.from(
                        JobSettings.fromMap(
                                Map.of(
                                        "source.files.enabled",
                                        "true",
                                        "source.files.uri",
                                        "s3://warehouse/" + PREFIX),
                                FileSourceOptions.knownKeys(),
                                Set.of()))
                .orElseThrow();
    }

    private LandingFileEnumerator enumerator(
            MockSplitEnumeratorContext<LandingFileSplit> context, LandingEnumeratorState state) {
        context.registerReader(new ReaderInfo(0, "localhost"));
        context.registerReader(new ReaderInfo(1, "localhost"));
        LandingFileEnumerator e =
                new LandingFileEnumerator(
                        context, settings(), () -> store, state, () -> T + 60_000);
        e.start();
        return e;
    }

    private static List<String> assigned(
            MockSplitEnumeratorContext<LandingFileSplit> context, int reader) {
        return context.getSplitsAssignmentSequence().stream()
                .map(SplitsAssignment::assignment)
                .flatMap(a -> a.getOrDefault(reader, List.of()).stream())
                .map(s -> s.file().key().substring(PREFIX.length()) + "@" + s.offset())
                .toList();
    }

    @Test
    void eachFileGoesToOneReaderAndARestoredEnumeratorDoesNotHandItOutAgain() throws Throwable {
        store.put(PREFIX + "a.csv", "x\n1\n", T);
        store.put(PREFIX + "b.jsonl", "{}\n", T + 1000);
        LandingEnumeratorState checkpoint;
        try (var context = new MockSplitEnumeratorContext<LandingFileSplit>(2)) {
            LandingFileEnumerator first = enumerator(context, LandingEnumeratorState.empty());
            first.handleSplitRequest(0, "localhost");
            assertThat(assigned(context, 0)).isEmpty(); // nothing listed yet: the reader waits
            context.runPeriodicCallable(0);
            assertThat(assigned(context, 0)).containsExactly("a.csv@0");
            var serializer = LandingEnumeratorStateSerializer.INSTANCE;
            checkpoint =
                    serializer.deserialize(
                            serializer.getVersion(), serializer.serialize(first.snapshotState(1L)));
            first.close();
        }

        store.put(PREFIX + "c.csv", "x\n2\n", T + 2000); // added while the job was down
        try (var context = new MockSplitEnumeratorContext<LandingFileSplit>(2)) {
            LandingFileEnumerator restored = enumerator(context, checkpoint);
            context.runPeriodicCallable(0);
            restored.handleSplitRequest(1, "localhost");
            restored.handleSplitRequest(0, "localhost");
            assertThat(assigned(context, 1)).containsExactly("b.jsonl@0");
            assertThat(assigned(context, 0)).containsExactly("c.csv@0");

            // reader 1 fails before a checkpoint: its split comes back with its position
            LandingFileSplit b =
                    context.getSplitsAssignmentSequence().get(0).assignment().get(1).get(0);
            restored.addSplitsBack(List.of(new LandingFileSplit(b.file(), 3, 2, null)), 1);
            restored.handleSplitRequest(1, "localhost");
            assertThat(assigned(context, 1)).containsExactly("b.jsonl@0", "b.jsonl@3");

            context.runPeriodicCallable(0);
            restored.handleSplitRequest(0, "localhost");
            assertThat(assigned(context, 0)).containsExactly("c.csv@0");
            assertThat(restored.snapshotState(2L).pending()).isEmpty();
            restored.close();
        }
    }
}
