package dev.lakestream.jobs.gold;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.connector.kafka.sink.TwoPhaseCommittingStatefulSink;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka sink, failing the job when a transaction it pre-committed is gone from the broker,
 * instead of logging the loss and going on as the connector does.
 *
 * <p>A transaction the TransformationJob pre-committed at a checkpoint is committed when the
 * checkpoint completes, or, after a failure, when the job restores it. If the job was down longer
 * than the transaction time-out, the broker has aborted it meanwhile: the commit fails with {@code
 * ProducerFencedException} or {@code InvalidTxnStateException}, and flink-connector-kafka 3.4 logs
 * an error and drops the records ({@code signalFailedWithKnownReason}). Gold on Kafka then misses
 * them, and so does Snowflake, for good. Here that commit fails the job with {@link
 * GoldTransactionLostException}, whose message says how to recover; {@code
 * gold.kafka.accept-lost-transactions=true} restores the connector's behaviour for the restart that
 * accepts the loss.
 *
 * <p>Everything else (writer, state, serializers) is the wrapped sink's, so savepoints stay
 * compatible. Generic over the connector's committable type, which is package-private there.
 */
public final class LostTransactionGuard<IN, S, C>
        implements TwoPhaseCommittingStatefulSink<IN, S, C> {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LostTransactionGuard.class);

    private final TwoPhaseCommittingStatefulSink<IN, S, C> sink;
    private final Duration transactionTimeout;
    private final boolean acceptLost;

    private LostTransactionGuard(
            TwoPhaseCommittingStatefulSink<IN, S, C> sink,
            Duration transactionTimeout,
            boolean acceptLost) {
        this.sink = sink;
        this.transactionTimeout = transactionTimeout;
        this.acceptLost = acceptLost;
    }

    /**
     * @param transactionTimeout the producers' {@code transaction.timeout.ms}, for the message
     * @param acceptLost log a lost transaction and go on (the connector's own behaviour)
     */
    public static <IN, S, C> Sink<IN> around(
            TwoPhaseCommittingStatefulSink<IN, S, C> sink,
            Duration transactionTimeout,
            boolean acceptLost) {
        return new LostTransactionGuard<>(sink, transactionTimeout, acceptLost);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, S, C> createWriter(InitContext context)
            throws IOException {
        return sink.createWriter(context);
    }

    @Override
    public PrecommittingStatefulSinkWriter<IN, S, C> restoreWriter(
            InitContext context, Collection<S> recoveredState) throws IOException {
        return sink.restoreWriter(context, recoveredState);
    }

    @Override
    public SimpleVersionedSerializer<S> getWriterStateSerializer() {
        return sink.getWriterStateSerializer();
    }

    @Override
    public Committer<C> createCommitter() throws IOException {
        return new Guarded<>(sink.createCommitter(), transactionTimeout, acceptLost);
    }

    @Override
    public Committer<C> createCommitter(CommitterInitContext context) throws IOException {
        return new Guarded<>(sink.createCommitter(context), transactionTimeout, acceptLost);
    }

    @Override
    public SimpleVersionedSerializer<C> getCommittableSerializer() {
        return sink.getCommittableSerializer();
    }

    /** The sink's committer, seeing what becomes of each commit request. */
    static final class Guarded<C> implements Committer<C> {

        private final Committer<C> committer;
        private final Duration transactionTimeout;
        private final boolean acceptLost;

        Guarded(Committer<C> committer, Duration transactionTimeout, boolean acceptLost) {
            this.committer = committer;
            this.transactionTimeout = transactionTimeout;
            this.acceptLost = acceptLost;
        }

        @Override
        public void commit(Collection<CommitRequest<C>> requests)
                throws IOException, InterruptedException {
            List<CommitRequest<C>> guarded = new ArrayList<>(requests.size());
            for (CommitRequest<C> request : requests) {
                guarded.add(new Request<>(request, transactionTimeout, acceptLost));
            }
            committer.commit(guarded);
        }

        @Override
        public void close() throws Exception {
            committer.close();
        }
    }

    private record Request<C>(
            Committer.CommitRequest<C> request, Duration transactionTimeout, boolean acceptLost)
            implements Committer.CommitRequest<C> {

        @Override
        public C getCommittable() {
            return request.getCommittable();
        }

        @Override
        public int getNumberOfRetries() {
            return request.getNumberOfRetries();
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            if (acceptLost) {
                LOG.error(
                        "Gold records of {} are lost on Kafka ({}); going on without them, as"
                                + " gold.kafka.accept-lost-transactions=true asks",
                        request.getCommittable(),
                        t.toString());
                request.signalFailedWithKnownReason(t);
            } else {
                request.signalFailedWithUnknownReason(
                        new GoldTransactionLostException(
                                request.getCommittable(), transactionTimeout, t));
            }
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            request.signalFailedWithUnknownReason(t);
        }

        @Override
        public void retryLater() {
            request.retryLater();
        }

        @Override
        public void updateAndRetryLater(C committable) {
            request.updateAndRetryLater(committable);
        }

        @Override
        public void signalAlreadyCommitted() {
            request.signalAlreadyCommitted();
        }
    }

    /** A pre-committed gold transaction the broker no longer has; says how to recover. */
    public static final class GoldTransactionLostException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        GoldTransactionLostException(Object committable, Duration timeout, Throwable cause) {
            super(
                    "Gold records never reached Kafka: the broker no longer has the transaction"
                            + " they were pre-committed in ("
                            + committable
                            + ": "
                            + cause
                            + "), most likely because the TransformationJob was down longer"
                            + " than gold.kafka.transaction-timeout ("
                            + timeout
                            + ") after a checkpoint. The job stops rather than go on without"
                            + " them. Recover in one of two ways: start the TransformationJob"
                            + " afresh, without its checkpoint or savepoint (it re-reads bronze,"
                            + " and publishes every gold key again; consumers keep the highest"
                            + " version), or restart it from its checkpoint with"
                            + " gold.kafka.accept-lost-transactions=true to go on without them"
                            + " (a key is published again at its next change). Avoid it by"
                            + " keeping gold.kafka.transaction-timeout above the longest"
                            + " downtime, up to the broker's transaction.max.timeout.ms.",
                    cause);
        }
    }
}
