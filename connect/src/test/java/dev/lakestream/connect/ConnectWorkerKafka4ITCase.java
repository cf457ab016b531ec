package dev.lakestream.connect;

import dev.lakestream.connect.ConnectWorkerITCase.OnWorker;
import dev.lakestream.embedded.ConnectWorker;

/**
 * Every test of {@link ConnectWorkerITCase} again, with the worker on Kafka Connect 4.x ({@code
 * embedded/connect-runtime-4}), the line Strimzi 0.49 and newer run, against the same embedded
 * 3.9.x broker: the Snowflake sink is discovered on the plugin path, its own validation accepts the
 * committed configuration up to the login and refuses a broken one, and deploy, status and every
 * replay (offsets API, channel checks) behave as on 3.9.
 *
 * <p>The parent's {@code @BeforeAll} reads {@link OnWorker} from the class JUnit runs. The two
 * classes share the parent's static fields, which is safe because Surefire runs the test classes of
 * this module one after the other (no parallel execution is configured).
 */
@OnWorker(ConnectWorker.Runtime.KAFKA_4)
class ConnectWorkerKafka4ITCase extends ConnectWorkerITCase {}
