package dev.lakestream.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.embedded.FaultyHttpProxy;
import dev.lakestream.embedded.FaultyHttpProxy.Fault;
import dev.lakestream.embedded.FaultyHttpProxy.Kind;
import dev.lakestream.embedded.S3ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The {@code s3.*} time-out and retry settings as Iceberg's S3FileIO uses them, against S3Proxy
 * behind {@link FaultyHttpProxy}: the proxy counts every attempt the SDK makes, so the number of
 * retries and the read time-out are seen at work, not only in a property map.
 */
class S3FileIoFaultsITCase {

    private static final String BUCKET = "warehouse";

    @TempDir static Path dir;

    private static S3ProxyServer s3;
    private FaultyHttpProxy proxy;

    @BeforeAll
    static void startStore() {
        s3 = S3ProxyServer.start(dir.resolve("s3"), 0, BUCKET);
    }

    @AfterAll
    static void stopStore() {
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void startProxy() {
        proxy = FaultyHttpProxy.start(s3.port());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    private Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("catalog.type", "hadoop");
        m.put("catalog.warehouse", "s3://" + BUCKET + "/faults");
        m.put("s3.endpoint", proxy.endpoint());
        m.put("s3.path-style-access", "true");
        m.put("s3.region", S3ProxyServer.REGION);
        m.put("s3.access-key-id", s3.accessKey());
        m.put("s3.secret-access-key", s3.secretKey());
        return m;
    }

    private static FileIO fileIo(Map<String, String> settings) {
        S3FileIO io = new S3FileIO();
        io.initialize(CatalogSettings.fromMap(settings).icebergProperties());
        return io;
    }

    @Test
    void aStalledAnswerIsAbandonedAfterTheReadTimeoutAndRetriedAsConfigured() throws Exception {
        Map<String, String> m = settings();
        m.put("s3.read-timeout", "1s");
        m.put("s3.retry.num-retries", "2");
        proxy.inject(Fault.delay(Duration.ofSeconds(30)), "HEAD", 10);
        try (FileIO io = fileIo(m)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> io.newInputFile("s3://warehouse/faults/stalled").exists())
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf(
                    "three attempts against a 30 s stall gave up after %d ms%n", took.toMillis());
            assertThat(took)
                    .as("far less than one stalled answer")
                    .isLessThan(Duration.ofSeconds(20));
        }
        assertThat(proxy.injected(Kind.DELAY, "HEAD"))
                .as("the first attempt and s3.retry.num-retries=2 more")
                .isEqualTo(3);
    }

    @Test
    void theLandingFileClientHasTheSameBounds() {
        Map<String, String> m = settings();
        m.put("s3.read-timeout", "1s");
        m.put("s3.retry.num-retries", "1");
        m.put("s3.retry.min-wait", "100ms");
        m.put("s3.retry.max-wait", "200ms");
        proxy.inject(Fault.delay(Duration.ofSeconds(30)), "HEAD", 10);
        try (S3Client client = S3Access.fromMap(m).newClient()) {
            assertThatThrownBy(() -> client.headObject(b -> b.bucket(BUCKET).key("stalled")))
                    .hasRootCauseInstanceOf(SocketTimeoutException.class);
            proxy.clearFaults();
            proxy.inject(Fault.slowDown(), "PUT", 1);
            client.putObject(
                    b -> b.bucket(BUCKET).key("faults/landed.csv"),
                    RequestBody.fromString("a,b\n"));
        }
        assertThat(proxy.injected(Kind.DELAY, "HEAD")).as("1 + 1 retry").isEqualTo(2);
        assertThat(proxy.injected(Kind.SLOW_DOWN, "PUT")).isOne();
        assertThat(proxy.requests("PUT")).isEqualTo(2);
    }

    @Test
    void aSlowDownBurstIsRetriedUpToTheConfiguredRetries() throws Exception {
        Map<String, String> m = settings();
        m.put("s3.retry.num-retries", "3");
        m.put("s3.retry.min-wait", "100ms");
        m.put("s3.retry.max-wait", "500ms");
        try (FileIO io = fileIo(m)) {
            proxy.inject(Fault.slowDown(), "PUT", 3);
            write(io, "s3://warehouse/faults/after-three", "written on the fourth attempt");
            assertThat(read(io, "s3://warehouse/faults/after-three"))
                    .isEqualTo("written on the fourth attempt");
            assertThat(proxy.injected(Kind.SLOW_DOWN, "PUT")).isEqualTo(3);
            assertThat(proxy.requests("PUT")).isEqualTo(4);

            proxy.inject(Fault.slowDown(), "PUT", 4);
            assertThatThrownBy(() -> write(io, "s3://warehouse/faults/never", "lost"))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            e -> {
                                assertThat(e.statusCode()).isEqualTo(503);
                                assertThat(e.awsErrorDetails().errorCode()).isEqualTo("SlowDown");
                            });
            assertThat(proxy.injected(Kind.SLOW_DOWN, "PUT")).isEqualTo(3 + 4);
            assertThat(io.newInputFile("s3://warehouse/faults/never").exists()).isFalse();
        }
    }

    @Test
    void connectionResetsBeforeAndAfterTheStoreAnsweredAreRetried() throws Exception {
        try (FileIO io = fileIo(settings())) {
            proxy.inject(Fault.resetBeforeForwarding(), "PUT", 1);
            proxy.inject(Fault.resetAfterForwarding(), "PUT", 1);
            write(io, "s3://warehouse/faults/reset", "written once, acknowledged on the third");
            proxy.inject(Fault.resetBeforeForwarding(), "GET", 1);
            proxy.inject(Fault.resetAfterForwarding(), "GET", 1);
            assertThat(read(io, "s3://warehouse/faults/reset"))
                    .isEqualTo("written once, acknowledged on the third");
        }
        assertThat(proxy.injected(Kind.RESET_BEFORE_FORWARDING)).isEqualTo(2);
        assertThat(proxy.injected(Kind.RESET_AFTER_FORWARDING)).isEqualTo(2);
        assertThat(proxy.pendingFaults()).isZero();
    }

    private static void write(FileIO io, String location, String content) throws IOException {
        try (OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
            out.write(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String read(FileIO io, String location) throws IOException {
        try (InputStream in = io.newInputFile(location).newStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
