package dev.lakestream.jobs.state;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/**
 * Keyed state of things that no longer exist: a deleted row's last LSN, a deleted gold group's last
 * version. It is kept apart from the state of live things and expires after a horizon, so the
 * transformation's state is bounded by live data plus the deletions of the last horizon, never by
 * history.
 *
 * <pre>
 *  live key   --> [state without TTL]             kept while the thing exists, however old
 *  deleted key --> [tombstone, TTL = horizon]     read instead while it lasts, then gone
 * </pre>
 *
 * <p>Why a tombstone exists at all: changes of a key can arrive out of LSN order, and a change
 * older than a delete must not bring the key back. The windows in which that can happen:
 *
 * <ul>
 *   <li>bronze is read in splits by parallel readers, so changes of one key from different bronze
 *       commits can cross; the crossing is bounded by the splits in flight, that is, by what the
 *       monitor has planned and not yet read: seconds to minutes;
 *   <li>after a restart from a checkpoint, the splits in flight at that checkpoint are read again,
 *       together with the newer ones: again bounded by one checkpoint's in-flight splits;
 *   <li>the same data replayed (a restore from an older checkpoint or savepoint) is a duplicate,
 *       which the tombstone also drops while it lasts.
 * </ul>
 *
 * A horizon of days (default {@link #DEFAULT_RETENTION}) is orders of magnitude above those
 * windows. The horizon counts wall-clock time (Flink's state TTL knows only processing time), also
 * while the job is stopped: a job stopped for longer than the horizon should be restarted with a
 * larger one (the TTL is read at start-up and applies to the timestamps already stored). A rebuild
 * from a bronze snapshot older than the horizon must start from empty state, not on top of the
 * running job's state (the README's replay section says so).
 *
 * <p>Expiry is exact: an expired tombstone is never returned ({@code NeverReturnExpired}), and the
 * backends drop it in the background (RocksDB's compaction filter; incremental clean-up on the heap
 * backend).
 */
public final class Tombstones {

    /** Seven days: far above every reorder window, small beside a week of deletions. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    /** The shortest horizon accepted: well above a checkpoint interval and a restart. */
    public static final Duration MIN_RETENTION = Duration.ofHours(1);

    private Tombstones() {}

    /** A value state whose entries expire {@code retention} after they were last written. */
    public static <T> ValueStateDescriptor<T> descriptor(
            String name, TypeInformation<T> type, Duration retention) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        descriptor.enableTimeToLive(ttl(retention));
        return descriptor;
    }

    static StateTtlConfig ttl(Duration retention) {
        return StateTtlConfig.newBuilder(retention)
                .updateTtlOnCreateAndWrite()
                .neverReturnExpired()
                // without this, RocksDB files no compaction touches would keep expired entries
                .cleanupInRocksdbCompactFilter(1000, retention)
                .build();
    }
}
