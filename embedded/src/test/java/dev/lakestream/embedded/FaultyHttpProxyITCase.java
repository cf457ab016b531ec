package dev.lakestream.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lakestream.embedded.FaultyHttpProxy.Fault;
import dev.lakestream.embedded.FaultyHttpProxy.Kind;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FaultyHttpProxy} in front of a real S3Proxy, spoken to over sockets written by hand so
 * each test controls the framing the proxy must follow: several requests on one kept-alive
 * connection, {@code Content-Length} and chunked bodies, {@code Expect: 100-continue}. Every fault
 * is checked from both sides: what the client got, and what the store holds afterwards.
 */
class FaultyHttpProxyITCase {

    private static final String BUCKET = "bucket";

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

    @Test
    void relaysEveryFramingOverOneKeptAliveConnection() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024 + 17];
        Arrays.fill(large, (byte) 'x');
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("PUT", "/bucket/plain", bytes("plain body"), Framing.LENGTH))
                    .extracting(Response::status)
                    .isEqualTo(200);
            Response chunked = http.send("PUT", "/bucket/chunked", large, Framing.CHUNKED);
            Response expect = http.send("PUT", "/bucket/expect", bytes("waited"), Framing.EXPECT);
            assertThat(expect.status()).isEqualTo(200);
            assertThat(expect.interim()).as("the store's 100 Continue, relayed").isEqualTo(100);

            assertThat(http.send("GET", "/bucket/plain", null, Framing.LENGTH).body())
                    .isEqualTo("plain body");
            assertThat(http.send("GET", "/bucket/expect", null, Framing.LENGTH).body())
                    .isEqualTo("waited");
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(http.send("GET", "/bucket/chunked", null, Framing.LENGTH).body())
                    .hasSize(large.length);
            assertThat(http.send("HEAD", "/bucket/plain", null, Framing.LENGTH).headers())
                    .containsEntry("content-length", "10");
            assertThat(http.send("DELETE", "/bucket/plain", null, Framing.LENGTH).status())
                    .isEqualTo(204);
            assertThat(http.send("GET", "/bucket/plain", null, Framing.LENGTH).status())
                    .isEqualTo(404);
        }
        assertThat(proxy.connections()).as("one connection carried every request").isOne();
        assertThat(proxy.requests("PUT")).isEqualTo(3);
        assertThat(proxy.requests("GET")).isEqualTo(4);
        assertThat(proxy.requests("HEAD")).isOne();
        assertThat(proxy.requests("DELETE")).isOne();
        assertThat(proxy.summary()).contains("injected {}");
    }

    @Test
    void slowDownAnswersS3sErrorAndTheStoreNeverSeesTheRequest() throws Exception {
        proxy.inject(Fault.slowDown(), "PUT", 2);
        byte[] body = new byte[1024 * 1024];
        Arrays.fill(body, (byte) 'y');

        // held back by Expect: the 503 comes instead of a 100, the body is never sent
        try (Http http = Http.to(proxy.endpoint())) {
            Response refused = http.send("PUT", "/bucket/slow", body, Framing.EXPECT);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.interim()).isZero();
            assertThat(refused.body()).contains("<Code>SlowDown</Code>");
            assertThat(refused.headers()).containsEntry("connection", "close");
            assertThat(http.atEnd()).as("the proxy closed the connection").isTrue();
        }
        // a megabyte already on its way: read and dropped, and the 503 still arrives whole
        try (Http http = Http.to(proxy.endpoint())) {
            Response refused = http.send("PUT", "/bucket/slow", body, Framing.LENGTH);
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.body()).contains("<Code>SlowDown</Code>");
        }
        assertThat(direct("GET", "/bucket/slow").status()).as("nothing stored").isEqualTo(404);
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("PUT", "/bucket/slow", body, Framing.LENGTH).status())
                    .as("the third PUT passes")
                    .isEqualTo(200);
        }
        assertThat(direct("GET", "/bucket/slow").body()).hasSize(body.length);
        assertThat(proxy.injected(Kind.SLOW_DOWN, "PUT")).isEqualTo(2);
        assertThat(proxy.injected(Kind.SLOW_DOWN)).isEqualTo(2);
        assertThat(proxy.pendingFaults()).isZero();
    }

    @Test
    void resetBeforeForwardingCutsTheConnectionAndTheStoreNeverSeesTheRequest() throws Exception {
        proxy.inject(Fault.resetBeforeForwarding(), "PUT", 1);
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("GET", "/bucket/none", null, Framing.LENGTH).status())
                    .as("another method passes")
                    .isEqualTo(404);
            assertThatThrownBy(() -> http.send("PUT", "/bucket/cut", bytes("lost"), Framing.LENGTH))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        assertThat(direct("GET", "/bucket/cut").status()).isEqualTo(404);
        assertThat(proxy.injected(Kind.RESET_BEFORE_FORWARDING, "PUT")).isOne();
        assertThat(proxy.injected(Kind.RESET_BEFORE_FORWARDING, "GET")).isZero();
    }

    @Test
    void resetAfterForwardingCutsTheConnectionOnceTheStoreDidTheWork() throws Exception {
        proxy.inject(Fault.resetAfterForwarding(), "PUT", 1);
        proxy.inject(Fault.resetAfterForwarding(), "GET", 1);
        try (Http http = Http.to(proxy.endpoint())) {
            assertThatThrownBy(
                            () -> http.send("PUT", "/bucket/done", bytes("stored"), Framing.EXPECT))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        assertThat(direct("GET", "/bucket/done").body())
                .as("the store wrote it though the client never heard")
                .isEqualTo("stored");
        try (Http http = Http.to(proxy.endpoint())) {
            assertThatThrownBy(() -> http.send("GET", "/bucket/done", null, Framing.LENGTH))
                    .isInstanceOf(SocketException.class)
                    .hasMessageContaining("reset");
        }
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("GET", "/bucket/done", null, Framing.LENGTH).body())
                    .isEqualTo("stored");
        }
        assertThat(proxy.injected(Kind.RESET_AFTER_FORWARDING)).isEqualTo(2);
    }

    @Test
    void delayHoldsOnlyTheMatchingRequests() throws Exception {
        try (Http http = Http.to(proxy.endpoint())) {
            http.send("PUT", "/bucket/slowly", bytes("eventually"), Framing.LENGTH);
            proxy.inject(Fault.delay(Duration.ofMillis(1500)), "GET", 2);
            for (int i = 0; i < 2; i++) {
                long start = System.nanoTime();
                Response slow = http.send("GET", "/bucket/slowly", null, Framing.LENGTH);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .isGreaterThanOrEqualTo(Duration.ofMillis(1500));
                assertThat(slow.body()).isEqualTo("eventually");
            }
            http.send("HEAD", "/bucket/slowly", null, Framing.LENGTH);
        }
        assertThat(proxy.injected(Kind.DELAY, "GET")).isEqualTo(2);
        assertThat(proxy.injected(Kind.DELAY, "HEAD")).isZero();
        assertThat(proxy.requests("GET")).isEqualTo(2);
    }

    @Test
    void rulesApplyInOrderAndAnyMethodMatchesAll() throws Exception {
        proxy.inject(Fault.slowDown(), FaultyHttpProxy.ANY_METHOD, 1);
        proxy.inject(Fault.resetBeforeForwarding(), "get", 1);
        assertThat(proxy.pendingFaults()).isEqualTo(2);
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("HEAD", "/bucket/x", null, Framing.LENGTH).status())
                    .isEqualTo(503);
        }
        try (Http http = Http.to(proxy.endpoint())) {
            assertThatThrownBy(() -> http.send("GET", "/bucket/x", null, Framing.LENGTH))
                    .isInstanceOf(SocketException.class);
        }
        proxy.inject(Fault.slowDown(), "GET", 5);
        proxy.clearFaults();
        try (Http http = Http.to(proxy.endpoint())) {
            assertThat(http.send("GET", "/bucket/x", null, Framing.LENGTH).status()).isEqualTo(404);
        }
        assertThat(proxy.summary())
                .contains("RESET_BEFORE_FORWARDING GET=1")
                .contains("SLOW_DOWN HEAD=1");
        assertThatThrownBy(() -> new Fault(Kind.DELAY, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Fault(Kind.SLOW_DOWN, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // --- a hand-written HTTP/1.1 client -----------------------------------------------------

    private enum Framing {
        LENGTH,
        CHUNKED,
        EXPECT
    }

    /**
     * @param interim status of an interim answer (100) before the final one, or 0
     */
    private record Response(int status, int interim, Map<String, String> headers, String body) {}

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Response direct(String method, String path) throws IOException {
        try (Http http = Http.to(s3.endpoint())) {
            return http.send(method, path, null, Framing.LENGTH);
        }
    }

    /** One connection; requests are signed with AWS signature V2, which S3Proxy accepts. */
    private static final class Http implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;

        private Http(Socket socket, String host) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = socket.getOutputStream();
            this.host = host;
            socket.setSoTimeout(30_000);
        }

        static Http to(String endpoint) throws IOException {
            URI uri = URI.create(endpoint);
            return new Http(new Socket(uri.getHost(), uri.getPort()), uri.getAuthority());
        }

        Response send(String method, String path, byte[] body, Framing framing) throws IOException {
            String date =
                    DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC));
            String contentType = body == null ? "" : "application/octet-stream";
            String toSign = method + "\n\n" + contentType + "\n" + date + "\n" + path;
            StringBuilder head =
                    new StringBuilder(method + " " + path + " HTTP/1.1\r\n")
                            .append("Host: ")
                            .append(host)
                            .append("\r\nDate: ")
                            .append(date)
                            .append("\r\nAuthorization: AWS ")
                            .append(s3.accessKey())
                            .append(':')
                            .append(sign(toSign))
                            .append("\r\n");
            if (body != null) {
                head.append("Content-Type: ").append(contentType).append("\r\n");
                if (framing == Framing.CHUNKED) {
                    head.append("Transfer-Encoding: chunked\r\n");
                } else {
                    head.append("Content-Length: ").append(body.length).append("\r\n");
                }
                if (framing == Framing.EXPECT) {
                    head.append("Expect: 100-continue\r\n");
                }
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            int interim = 0;
            if (body != null && framing == Framing.EXPECT) {
                Response first = readResponse(method);
                if (first.status() != 100) {
                    return first; // refused before the body: it is never sent
                }
                interim = 100;
            }
            if (body != null) {
                if (framing == Framing.CHUNKED) {
                    // three chunks, one with an extension, and an empty trailer section
                    int third = body.length / 3;
                    writeChunk(Arrays.copyOfRange(body, 0, third), "");
                    writeChunk(Arrays.copyOfRange(body, third, 2 * third), ";note=split");
                    writeChunk(Arrays.copyOfRange(body, 2 * third, body.length), "");
                    out.write(bytes("0\r\n\r\n"));
                } else {
                    out.write(body);
                }
                out.flush();
            }
            Response response = readResponse(method);
            return new Response(response.status(), interim, response.headers(), response.body());
        }

        /** True when the server has closed the connection (no more bytes will come). */
        boolean atEnd() throws IOException {
            return in.read() < 0;
        }

        private void writeChunk(byte[] chunk, String extension) throws IOException {
            out.write(bytes(Integer.toHexString(chunk.length) + extension + "\r\n"));
            out.write(chunk);
            out.write(bytes("\r\n"));
        }

        private Response readResponse(String method) throws IOException {
            String statusLine = readLine();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new TreeMap<>();
            for (String line = readLine(); !line.isEmpty(); line = readLine()) {
                int colon = line.indexOf(':');
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            boolean noBody =
                    method.equals("HEAD") || status < 200 || status == 204 || status == 304;
            if (noBody) {
                // nothing follows the head
            } else if (headers.getOrDefault("transfer-encoding", "").contains("chunked")) {
                for (int size = Integer.parseInt(readLine().split(";")[0].trim(), 16);
                        size > 0;
                        size = Integer.parseInt(readLine().split(";")[0].trim(), 16)) {
                    body.write(in.readNBytes(size));
                    readLine();
                }
                while (!readLine().isEmpty()) {
                    // trailers
                }
            } else if (headers.containsKey("content-length")) {
                body.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
            } else {
                body.write(in.readAllBytes());
            }
            return new Response(status, 0, headers, body.toString(StandardCharsets.UTF_8));
        }

        private String readLine() throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) != '\n') {
                if (b < 0) {
                    throw new EOFException("connection closed");
                }
                line.write(b);
            }
            String s = line.toString(StandardCharsets.ISO_8859_1);
            return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }

        private static String sign(String toSign) {
            try {
                Mac mac = Mac.getInstance("HmacSHA1");
                mac.init(
                        new SecretKeySpec(
                                s3.secretKey().getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
                return Base64.getEncoder().encodeToString(mac.doFinal(bytes(toSign)));
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
