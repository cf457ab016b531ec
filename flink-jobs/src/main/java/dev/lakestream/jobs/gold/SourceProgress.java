package dev.lakestream.jobs.gold;

/**
 * How far one kind of gold input has come for one key, and the part of the gold {@code version} it
 * adds: the highest source position folded in plus the number of inputs folded in.
 *
 * <p>The gold version of a record is the sum of this value over the three kinds of input that make
 * it (order contributions with their PostgreSQL LSNs, visitor counts with their file sequences,
 * exchange rates with their REST cursor sequences), see the README's record contract. Both parts
 * only grow and the count grows with every input, so:
 *
 * <ul>
 *   <li>every record a stage emits for a key has a strictly higher version than the one before it,
 *       whatever order the inputs arrive in (positions of different orders are not ordered across
 *       the parallel silver paths, and a retraction and its addition share one LSN);
 *   <li>the version is a function of the <em>set</em> of inputs folded in, not of their order or of
 *       where checkpoints fell: the same bronze data replayed ends at the same version with the
 *       same values.
 * </ul>
 *
 * <p>Range: LSNs are byte offsets into PostgreSQL's WAL (below 2^50 for a petabyte of WAL), REST
 * sequences are epoch microseconds (about 1.8 &times; 10^15 today), file sequences are the file's
 * last-modified epoch second &times; 10^9 + line (about 1.8 &times; 10^18 today, and they alone
 * reach {@link Long#MAX_VALUE} in the year 2262). Counts are small beside them. The sum therefore
 * fits a signed long until that year; {@link #plus} fails loudly rather than wrap.
 */
public final class SourceProgress {

    private long highestPosition = 0;
    private long inputs = 0;

    private SourceProgress(long highestPosition, long inputs) {
        this.highestPosition = highestPosition;
        this.inputs = inputs;
    }

    /** Nothing folded in yet. */
    public static SourceProgress none() {
        return new SourceProgress(0, 0);
    }

    /**
     * Restores progress kept in state; {@code inputs} is null for state written before inputs were
     * counted, which then counts from there.
     */
    public static SourceProgress of(Long highestPosition, Long inputs) {
        return new SourceProgress(
                highestPosition == null ? 0 : highestPosition, inputs == null ? 0 : inputs);
    }

    /** Folds one more input at {@code position} in. */
    public void fold(long position) {
        highestPosition = Math.max(highestPosition, position);
        inputs++;
    }

    public long highestPosition() {
        return highestPosition;
    }

    public long inputs() {
        return inputs;
    }

    /** This kind's part of the version. */
    public long versionPart() {
        return plus(highestPosition, inputs);
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
}
