package dev.lakestream.jobs.gold;

/**
 * How far one kind of gold input has come for one key: that kind's part of the gold {@code
 * version}.
 *
 * <p>The gold version of a record is the sum of three parts, one per kind of input (order
 * contributions with their PostgreSQL LSNs, visitor counts with their file sequences, exchange
 * rates with their REST cursor sequences); see the README's record contract. Each input moves its
 * part to the input's source position, or to one above the part before when the position is not
 * higher ({@link #next}):
 *
 * <ul>
 *   <li>every input raises its part, so every record a stage emits for a key has a strictly higher
 *       version than the one before it: also for a retraction and the addition that follows it (one
 *       source change, one LSN), for snapshot rows (which share their chunk's LSN), and for inputs
 *       that arrive below the highest position seen (positions of different orders are not ordered
 *       across silver's parallel paths);
 *   <li>otherwise the part is the highest source position folded in: the one-steps are absorbed by
 *       the next higher position, so the same bronze data replayed (a restore, or a rebuild from
 *       bronze) reaches the same versions, and a version still says how far the sources behind a
 *       row have come;
 *   <li>state kept before this rule (the highest position alone) continues as it is.
 * </ul>
 *
 * <p>Range: LSNs are byte offsets into PostgreSQL's WAL (below 2^50 for a petabyte of WAL), REST
 * sequences are epoch microseconds (about 1.8 &times; 10^15 today), file sequences are the file's
 * last-modified epoch second &times; 10^9 + line (about 1.8 &times; 10^18 today, and they alone
 * reach {@link Long#MAX_VALUE} in the year 2262). The one-steps are few beside them. The sum
 * therefore fits a signed long until that year; {@link #plus} fails loudly rather than wrap.
 */
public final class SourceProgress {

    private SourceProgress() {}

    /**
     * The part after one more input at {@code position}: the position, or one above {@code
     * previous} (null: no input yet) when the position is not higher.
     */
    public static long next(Long previous, long position) {
        return previous == null ? position : Math.max(position, plus(previous, 1));
    }

    /** {@code a + b}, failing with a message rather than wrapping past {@link Long#MAX_VALUE}. */
    public static long plus(long a, long b) {
        try {
            return Math.addExact(a, b);
        } catch (ArithmeticException e) {
            throw new ArithmeticException(
                    "gold version overflows a long: "
                            + a
                            + " + "
                            + b
                            + "; a source position is out of the documented range (README,"
                            + " record contract)");
        }
    }

    /** A part kept in state; zero before the first input. */
    public static long of(Long part) {
        return part == null ? 0L : part;
    }
}
