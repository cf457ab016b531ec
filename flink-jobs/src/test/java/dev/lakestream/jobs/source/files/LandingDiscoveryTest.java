package dev.lakestream.jobs.source.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Which listed files are new, across checkpoints: settle time, reading order, restore from a
 * serialised snapshot, and a taken set bounded by the lateness window however long the folder
 * lives.
 */
class LandingDiscoveryTest {

    private static final long SECOND = 1000L;
    private static final long HOUR = 3600 * SECOND;
    private static final long SETTLE = 30 * SECOND;
    private static final Predicate<String> IGNORED = key -> key.endsWith(".tmp");

    private final InMemoryObjectStore store = new InMemoryObjectStore();

    private static LandingDiscovery discovery(LandingEnumeratorState state) {
        return new LandingDiscovery(SETTLE, HOUR, IGNORED, state);
    }

    /** What the enumerator does every interval: filter in the listing, then accept. */
    private List<String> discover(LandingDiscovery discovery, long now) throws IOException {
        LandingDiscovery.View view = discovery.view();
        List<LandingFile> candidates = new ArrayList<>();
        store.list(
                "warehouse",
                "",
                f -> {
                    if (view.looksNew(f, now)) {
                        candidates.add(f);
                    }
                });
        return discovery.accept(candidates, now).stream().map(LandingFile::key).toList();
    }

    private static List<String> drainPending(LandingDiscovery discovery) {
        List<String> keys = new ArrayList<>();
        LandingFileSplit split;
        while ((split = discovery.next()) != null) {
            keys.add(split.file().key());
        }
        return keys;
    }

    private static LandingDiscovery restored(LandingDiscovery discovery) throws IOException {
        var serializer = LandingEnumeratorStateSerializer.INSTANCE;
        LandingEnumeratorState state = discovery.snapshot();
        LandingEnumeratorState copy =
                serializer.deserialize(serializer.getVersion(), serializer.serialize(state));
        assertThat(copy).isEqualTo(state);
        return discovery(copy);
    }

    @Test
    void newSettledFilesAreTakenOnceInLastModifiedOrder() throws IOException {
        long t = 1_000 * HOUR;
        store.put("b.csv", "x\n", t);
        store.put("a.csv", "x\n", t);
        store.put("c.csv", "x\n", t - 10 * SECOND);
        store.put("upload.csv.tmp", "x\n", t - 10 * SECOND);
        store.put("fresh.csv", "x\n", t + 20 * SECOND);
        LandingDiscovery d = discovery(LandingEnumeratorState.empty());

        assertThat(discover(d, t + 40 * SECOND)).containsExactly("c.csv", "a.csv", "b.csv");
        assertThat(discover(d, t + 45 * SECOND)).isEmpty();
        assertThat(discover(d, t + 50 * SECOND)).containsExactly("fresh.csv");
        assertThat(drainPending(d)).containsExactly("c.csv", "a.csv", "b.csv", "fresh.csv");
    }

    @Test
    void aRestoredDiscoveryTakesNothingTwiceAndKeepsItsQueue() throws IOException {
        long t = 1_000 * HOUR;
        store.put("one.csv", "x\n", t);
        store.put("two.csv", "x\n", t + SECOND);
        LandingDiscovery d = discovery(LandingEnumeratorState.empty());
        assertThat(discover(d, t + HOUR)).containsExactly("one.csv", "two.csv");
        assertThat(d.next().file().key()).isEqualTo("one.csv"); // assigned; two.csv still queued

        LandingDiscovery after = restored(d);
        store.put("three.csv", "x\n", t + 2 * SECOND); // added while the job was down
        assertThat(discover(after, t + HOUR + SECOND)).containsExactly("three.csv");
        assertThat(drainPending(after)).containsExactly("two.csv", "three.csv");
    }

    @Test
    void splitsOfAFailedReaderAreReadFirst() throws IOException {
        long t = 1_000 * HOUR;
        store.put("one.csv", "x\n", t);
        store.put("two.csv", "x\n", t + SECOND);
        LandingDiscovery d = discovery(LandingEnumeratorState.empty());
        discover(d, t + HOUR);
        LandingFileSplit one = d.next();
        LandingFileSplit midway = new LandingFileSplit(one.file(), 2, 2, List.of("x"));
        d.returned(List.of(midway));
        assertThat(d.next()).isEqualTo(midway);
        assertThat(d.next().file().key()).isEqualTo("two.csv");
    }

    @Test
    void theTakenSetHoldsOneLatenessWindowHoweverOldTheFolder() throws IOException {
        // ten years of hourly files, four per hour, listed as the folder grows
        long start = 1_000 * HOUR;
        LandingDiscovery d = discovery(LandingEnumeratorState.empty());
        int maxTaken = 0;
        int files = 0;
        for (int hour = 0; hour < 24 * 30; hour++) {
            for (int q = 0; q < 4; q++) {
                store.put(
                        "f-" + hour + "-" + q + ".csv",
                        "x\n",
                        start + hour * HOUR + q * 15 * 60 * SECOND);
                files++;
            }
            long now = start + (hour + 1) * HOUR;
            assertThat(discover(d, now)).hasSize(4);
            maxTaken = Math.max(maxTaken, d.snapshot().taken().size());
            drainPending(d);
        }
        assertThat(files).isEqualTo(2880);
        // a window of 1 h holds at most the 5 files from W - 1h to W
        assertThat(maxTaken).isLessThanOrEqualTo(5);
        assertThat(restored(d).snapshot().taken()).hasSizeLessThanOrEqualTo(5);
        // listing the whole folder again takes nothing
        assertThat(discover(restored(d), start + 1_000 * HOUR)).isEmpty();
    }

    @Test
    void aFileOlderThanTheWindowCountsAsDoneAndAnOverwrittenOneIsReadAgain() throws IOException {
        long t = 1_000 * HOUR;
        store.put("new.csv", "x\n", t);
        LandingDiscovery d = discovery(LandingEnumeratorState.empty());
        assertThat(discover(d, t + HOUR)).containsExactly("new.csv");

        store.put("copied-with-old-date.csv", "x\n", t - HOUR - SECOND);
        store.put("late-but-in-window.csv", "x\n", t - HOUR + SECOND);
        assertThat(discover(d, t + HOUR)).containsExactly("late-but-in-window.csv");

        store.put("new.csv", "y\n", t + 5 * SECOND);
        assertThat(discover(d, t + HOUR)).containsExactly("new.csv");
        assertThat(drainPending(d)).containsExactly("late-but-in-window.csv", "new.csv");
    }
}
