package dev.lakestream.ops.quarantine;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code quarantine list}: the changes silver refused, each with its status.
 *
 * <pre>
 *  open        waiting for a fix
 *  reinjected  re-injected once (quarantine.reinjections): who, when, the fix, the bronze snapshot
 *  superseded  silver already holds a newer accepted change of the key (its _lsn &gt; the LSN):
 *              re-injecting this one would change nothing there
 * </pre>
 */
final class QuarantineListing {

    /** A reject's status. */
    enum Status {
        OPEN,
        REINJECTED,
        SUPERSEDED;

        static Status parse(String text) {
            try {
                return valueOf(text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "--status " + text + ": expected open, reinjected or superseded");
            }
        }
    }

    private final QuarantineStore store;

    QuarantineListing(QuarantineStore store) {
        this.store = store;
    }

    /** Prints the matching rejects, oldest refusal first; a filter left null matches all. */
    void print(String table, String rule, Status wanted, PrintStream out) {
        List<Reinjection> reinjections = store.reinjections();
        List<SilverReject> rejects =
                store.silverRejects().stream()
                        .filter(r -> table == null || r.sourceTable().equals(table))
                        .filter(r -> rule == null || r.rule().equals(rule))
                        .sorted(Comparator.comparing(SilverReject::rejectedAt))
                        .toList();
        int shown = 0;
        for (SilverReject reject : rejects) {
            Optional<Reinjection> done =
                    reinjections.stream().filter(r -> r.isOf(reject)).findFirst();
            Status status;
            String detail;
            if (done.isPresent()) {
                status = Status.REINJECTED;
                detail = done.get().describe();
            } else {
                OptionalLong silverLsn = store.silverLsn(reject.sourceTable(), reject.key());
                if (silverLsn.isPresent() && silverLsn.getAsLong() > reject.lsn()) {
                    status = Status.SUPERSEDED;
                    detail = "silver holds the change at LSN " + silverLsn.getAsLong();
                } else {
                    status = Status.OPEN;
                    detail = "raw " + reject.raw();
                }
            }
            if (wanted != null && status != wanted) {
                continue;
            }
            out.printf(
                    "%-10s %s %s --lsn %d %s %s rejected_at=%s: %s; %s%n",
                    status.name().toLowerCase(Locale.ROOT),
                    reject.sourceTable(),
                    reject.key(),
                    reject.lsn(),
                    reject.kind(),
                    reject.rule(),
                    reject.rejectedAt(),
                    reject.reason(),
                    detail);
            shown++;
        }
        out.printf("%d of %d rejects%n", shown, rejects.size());
    }
}
