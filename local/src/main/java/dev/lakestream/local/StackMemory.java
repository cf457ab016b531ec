package dev.lakestream.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Samples the proportional set size (PSS, {@code /proc/<pid>/smaps_rollup}) of the whole local
 * stack in the background: this JVM, every process it started (the Kafka broker and S3Proxy JVMs)
 * and the PostgreSQL postmaster with its backends, which {@code pg_ctl} leaves outside this JVM's
 * process tree. PSS, not RSS: PostgreSQL's backends share their buffers, and RSS would count them
 * once per backend. Linux only.
 */
final class StackMemory implements AutoCloseable {

    private final Supplier<Optional<Path>> postmasterPidFile;
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong last = new AtomicLong();
    private final AtomicLong processes = new AtomicLong();
    private final Thread sampler;
    private volatile boolean stopped;

    /**
     * @param postmasterPidFile PostgreSQL's {@code postmaster.pid}, once the stack has one
     */
    StackMemory(Supplier<Optional<Path>> postmasterPidFile) {
        this.postmasterPidFile = postmasterPidFile;
        this.sampler = new Thread(this::sample, "stack-memory-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** The largest sum seen, in bytes. */
    long peakBytes() {
        return peak.get();
    }

    /** The latest sum, in bytes. */
    long lastBytes() {
        return last.get();
    }

    /** Processes in the latest sample. */
    long processes() {
        return processes.get();
    }

    /** PSS in bytes of this JVM, its descendants and PostgreSQL's processes, now. */
    long measure() {
        Set<Long> pids = new TreeSet<>();
        ProcessHandle self = ProcessHandle.current();
        pids.add(self.pid());
        self.descendants().forEach(p -> pids.add(p.pid()));
        postmasterPidFile
                .get()
                .flatMap(StackMemory::firstLineAsPid)
                .flatMap(ProcessHandle::of)
                .ifPresent(
                        postmaster -> {
                            pids.add(postmaster.pid());
                            postmaster.descendants().forEach(p -> pids.add(p.pid()));
                        });
        long kilobytes = 0;
        for (long pid : pids) {
            kilobytes += pssKilobytes(pid);
        }
        processes.set(pids.size());
        return kilobytes * 1024;
    }

    private void sample() {
        while (!stopped) {
            long bytes = measure();
            last.set(bytes);
            peak.accumulateAndGet(bytes, Math::max);
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static Optional<Long> firstLineAsPid(Path file) {
        try {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            return Optional.of(Long.parseLong(Files.readAllLines(file).get(0).trim()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** 0 for a process that has gone (a backend that ended between listing and reading). */
    private static long pssKilobytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid + "", "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or not readable
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        sampler.interrupt();
        sampler.join(5000);
    }
}
