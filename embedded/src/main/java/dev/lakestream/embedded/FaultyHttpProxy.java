package dev.lakestream.embedded;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 proxy that injects the faults an object store shows in production, for tests of
 * everything that talks S3.
 *
 * <pre>
 *   S3 client ──► FaultyHttpProxy ──────────────► S3Proxy (or any HTTP/1.1 server)
 *                 per request, by the first rule matching its method:
 *                   forward                        (no rule)
 *                   503 SlowDown, S3's XML error   (nothing reaches the store)
 *                   reset before forwarding        (nothing reaches the store)
 *                   reset after forwarding         (the store did the work, the client never hears)
 *                   delay, then forward            (a slow PUT or GET)
 * </pre>
 *
 * <p>Rules are counted: {@code inject(Fault.slowDown(), "PUT", 3)} answers the next three PUTs with
 * 503 and forwards the fourth. A test adds and clears rules while traffic flows, and reads back
 * what was injected ({@link #injected(Kind)}), so it can assert the faults really happened.
 *
 * <p>How it relays: each client connection gets one upstream connection of its own. Responses are
 * copied upstream → client as raw bytes; requests are parsed just enough to find where each one
 * ends (request line and headers, then a {@code Content-Length} or {@code Transfer-Encoding:
 * chunked} body, copied as it arrives), so keep-alive connections carry many requests and each is
 * judged by its own rule. Request and response bodies pass unchanged ({@code aws-chunked} bodies
 * are ordinary {@code Content-Length} bodies at this level). {@code Expect: 100-continue} is
 * forwarded: the store's {@code 100 Continue} reaches the client through the response copy, and the
 * client sends the body it was holding back. A client that does not pipeline (the AWS SDK does not)
 * sends a request only after reading the whole previous response, which is what lets "reset after
 * forwarding" know that the next bytes from upstream answer that request.
 *
 * <p>A 503 is sent with {@code Connection: close}: the body the client may still send is read and
 * dropped, then the connection ends, as a server that refuses a request early must do. A reset
 * closes the client socket with {@code SO_LINGER 0}, so the client reads a TCP RST ("Connection
 * reset"), not an orderly end. A delayed request is forwarded when its delay ends even if the
 * client has given up meanwhile (its read time-out), as a slow network would still deliver it. Not
 * handled: pipelined requests, and HTTP/1.0 bodies that end with the connection.
 */
public final class FaultyHttpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultyHttpProxy.class);

    /** Matches a request of any method. */
    public static final String ANY_METHOD = "*";

    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final Duration UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** How long "reset after forwarding" waits for the store's answer before resetting anyway. */
    private static final Duration UPSTREAM_ANSWER_TIMEOUT = Duration.ofSeconds(60);

    /** How long a refused request's body is drained before the connection is dropped. */
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    /** What a rule does to a request. */
    public enum Kind {
        SLOW_DOWN,
        RESET_BEFORE_FORWARDING,
        RESET_AFTER_FORWARDING,
        DELAY
    }

    /**
     * One fault.
     *
     * @param kind what happens to the request
     * @param delay how long the request waits before it is forwarded; zero unless {@link
     *     Kind#DELAY}
     */
    public record Fault(Kind kind, Duration delay) {

        public Fault {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative() || (kind == Kind.DELAY) == delay.isZero()) {
                throw new IllegalArgumentException(
                        "a DELAY fault needs a positive delay, other faults none: " + delay);
            }
        }

        /** Answered {@code 503 Slow Down} with S3's {@code SlowDown} error; never forwarded. */
        public static Fault slowDown() {
            return new Fault(Kind.SLOW_DOWN, Duration.ZERO);
        }

        /** The connection is reset once the request's head has arrived; never forwarded. */
        public static Fault resetBeforeForwarding() {
            return new Fault(Kind.RESET_BEFORE_FORWARDING, Duration.ZERO);
        }

        /** Forwarded whole; the connection is reset when the store answers, before the answer. */
        public static Fault resetAfterForwarding() {
            return new Fault(Kind.RESET_AFTER_FORWARDING, Duration.ZERO);
        }

        /** Forwarded after {@code delay}. */
        public static Fault delay(Duration delay) {
            return new Fault(Kind.DELAY, delay);
        }
    }

    /** A rule with the number of requests it still applies to. Guarded by the proxy. */
    private static final class Rule {
        final Fault fault;
        final String method;
        int remaining;

        Rule(Fault fault, String method, int remaining) {
            this.fault = fault;
            this.method = method;
            this.remaining = remaining;
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final ExecutorService threads;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, AtomicLong> injected = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final AtomicLong connections = new AtomicLong();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private FaultyHttpProxy(ServerSocket server, InetSocketAddress upstream) {
        this.server = server;
        this.upstream = upstream;
        AtomicInteger n = new AtomicInteger();
        this.threads =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t = new Thread(r, "faulty-http-proxy-" + n.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
    }

    /** Starts a proxy on a free port of 127.0.0.1 in front of {@code 127.0.0.1:upstreamPort}. */
    public static FaultyHttpProxy start(int upstreamPort) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            FaultyHttpProxy proxy =
                    new FaultyHttpProxy(
                            server,
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
            proxy.threads.execute(proxy::acceptLoop);
            LOG.info("Faulty HTTP proxy on {} in front of {}", proxy.endpoint(), proxy.upstream);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("the faulty HTTP proxy did not start", e);
        }
    }

    /** Where clients connect, e.g. {@code http://127.0.0.1:40123}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    public int port() {
        return server.getLocalPort();
    }

    /**
     * Applies {@code fault} to the next {@code times} requests of {@code method} ({@code PUT},
     * {@code GET}, {@code POST}, {@code DELETE}, {@code HEAD}, or {@link #ANY_METHOD}). Rules apply
     * in the order they were added; a request takes at most one fault.
     */
    public synchronized void inject(Fault fault, String method, int times) {
        Objects.requireNonNull(fault, "fault");
        if (times < 1) {
            throw new IllegalArgumentException("times must be positive, was " + times);
        }
        rules.add(new Rule(fault, method.toUpperCase(Locale.ROOT), times));
    }

    /** Drops every rule not yet used up; requests are forwarded untouched from now on. */
    public synchronized void clearFaults() {
        rules.clear();
    }

    /** How many requests the current rules will still fault. */
    public synchronized long pendingFaults() {
        return rules.stream().mapToLong(r -> r.remaining).sum();
    }

    /**
     * Faults of this kind injected so far, over all methods. A delay counts when it starts, a reset
     * after forwarding when the store has answered.
     */
    public long injected(Kind kind) {
        String prefix = kind + " ";
        return injected.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> e.getValue().get())
                .sum();
    }

    /** Faults of this kind injected so far into requests of {@code method}. */
    public long injected(Kind kind, String method) {
        AtomicLong n = injected.get(kind + " " + method.toUpperCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /** Requests of {@code method} received so far, faulted or not. */
    public long requests(String method) {
        AtomicLong n = requests.get(method.toUpperCase(Locale.ROOT));
        return n == null ? 0 : n.get();
    }

    /** Client connections accepted so far. */
    public long connections() {
        return connections.get();
    }

    /**
     * What happened so far, e.g. {@code requests {GET=10, PUT=7}, injected {DELAY PUT=2, SLOW_DOWN
     * PUT=3}}.
     */
    public String summary() {
        Map<String, Long> req = new TreeMap<>();
        requests.forEach((k, v) -> req.put(k, v.get()));
        Map<String, Long> inj = new TreeMap<>();
        injected.forEach((k, v) -> inj.put(k, v.get()));
        return "requests " + req + ", injected " + inj + ", connections " + connections.get();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing: nothing left to do with it
        }
        openSockets.forEach(FaultyHttpProxy::closeQuietly);
        threads.shutdownNow();
    }

    private synchronized Fault take(String method) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.method.equals(ANY_METHOD) || rule.method.equals(method)) {
                if (--rule.remaining == 0) {
                    it.remove();
                }
                return rule.fault;
            }
        }
        return null;
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                connections.incrementAndGet();
                threads.execute(() -> serve(client));
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("Faulty HTTP proxy: accept failed", e);
                }
            }
        }
    }

    /** Relays one client connection, request by request, over one upstream connection. */
    private void serve(Socket client) {
        openSockets.add(client);
        Socket up = new Socket();
        openSockets.add(up);
        try {
            up.connect(upstream, (int) UPSTREAM_CONNECT_TIMEOUT.toMillis());
            client.setTcpNoDelay(true);
            up.setTcpNoDelay(true);
            InputStream fromClient = new BufferedInputStream(client.getInputStream());
            OutputStream toUpstream = new BufferedOutputStream(up.getOutputStream());
            ResponseCopy responses = new ResponseCopy(up.getInputStream(), client);
            threads.execute(responses);
            while (!closed) {
                RequestHead head = RequestHead.read(fromClient);
                if (head == null) {
                    return; // the client closed its connection between requests
                }
                requests.computeIfAbsent(head.method(), m -> new AtomicLong()).incrementAndGet();
                Fault fault = take(head.method());
                if (fault == null) {
                    forward(head, fromClient, toUpstream);
                    continue;
                }
                switch (fault.kind()) {
                    case SLOW_DOWN -> {
                        count(fault, head);
                        answerSlowDown(client, fromClient, head);
                        return;
                    }
                    case RESET_BEFORE_FORWARDING -> {
                        count(fault, head);
                        reset(client);
                        return;
                    }
                    case RESET_AFTER_FORWARDING -> {
                        CompletableFuture<Void> answered = responses.withholdNextAnswer();
                        forward(head, fromClient, toUpstream);
                        try {
                            answered.get(UPSTREAM_ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                        } catch (TimeoutException e) {
                            LOG.warn("{} got no answer upstream; resetting anyway", head);
                        }
                        count(fault, head);
                        reset(client);
                        return;
                    }
                    case DELAY -> {
                        count(fault, head);
                        // the fault itself: this request is slow
                        Thread.sleep(fault.delay().toMillis());
                        forward(head, fromClient, toUpstream);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!closed) {
                LOG.debug("Faulty HTTP proxy: connection ended: {}", e.toString());
            }
        } finally {
            closeQuietly(up);
            closeQuietly(client);
            openSockets.remove(up);
            openSockets.remove(client);
        }
    }

    private void count(Fault fault, RequestHead head) {
        injected.computeIfAbsent(fault.kind() + " " + head.method(), k -> new AtomicLong())
                .incrementAndGet();
        LOG.info(
                "Faulty HTTP proxy: {}{} on {}",
                fault.kind(),
                fault.kind() == Kind.DELAY ? " " + fault.delay().toMillis() + "ms" : "",
                head);
    }

    private static void forward(RequestHead head, InputStream fromClient, OutputStream toUpstream)
            throws IOException {
        toUpstream.write(head.bytes());
        // with Expect: 100-continue the client sends its body only after the store's 100
        toUpstream.flush();
        head.copyBody(fromClient, toUpstream);
        toUpstream.flush();
    }

    private static void answerSlowDown(Socket client, InputStream fromClient, RequestHead head)
            throws IOException {
        byte[] body =
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                + "<Error><Code>SlowDown</Code>"
                                + "<Message>Please reduce your request rate.</Message>"
                                + "<Resource>"
                                + xmlEscape(head.path())
                                + "</Resource>"
                                + "<RequestId>faulty-http-proxy</RequestId></Error>")
                        .getBytes(StandardCharsets.UTF_8);
        String response =
                "HTTP/1.1 503 Slow Down\r\n"
                        + "Content-Type: application/xml\r\n"
                        + "Content-Length: "
                        + body.length
                        + "\r\n"
                        + "x-amz-request-id: faulty-http-proxy\r\n"
                        + "Connection: close\r\n\r\n";
        OutputStream out = client.getOutputStream();
        out.write(response.getBytes(StandardCharsets.ISO_8859_1));
        if (!head.method().equals("HEAD")) {
            out.write(body);
        }
        out.flush();
        client.shutdownOutput();
        // read what the client still sends (a body it did not hold back) until it closes, so our
        // close does not turn into a reset that could destroy the 503 before the client reads it
        client.setSoTimeout((int) DRAIN_TIMEOUT.toMillis());
        byte[] sink = new byte[16 * 1024];
        try {
            while (fromClient.read(sink) >= 0) {
                // dropped
            }
        } catch (SocketTimeoutException e) {
            // a client that keeps the connection open after Connection: close is cut off
        }
    }

    private static void reset(Socket client) throws IOException {
        client.setSoLinger(true, 0);
        client.close();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already broken: nothing to release
        }
    }

    private static String xmlEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * Copies upstream → client as raw bytes. When asked to withhold the next answer, it reads that
     * answer's head instead of copying it: interim {@code 1xx} heads (the store's {@code 100
     * Continue}) still go to the client, the final one completes the future and ends the copy.
     */
    private final class ResponseCopy implements Runnable {
        private final InputStream fromUpstream;
        private final Socket client;
        private volatile CompletableFuture<Void> withheld;
        private volatile boolean ended;

        ResponseCopy(InputStream fromUpstream, Socket client) {
            this.fromUpstream = fromUpstream;
            this.client = client;
        }

        CompletableFuture<Void> withholdNextAnswer() {
            CompletableFuture<Void> f = new CompletableFuture<>();
            withheld = f;
            if (ended) {
                f.complete(null); // the store has gone: no answer will come
            }
            return f;
        }

        @Override
        public void run() {
            byte[] buffer = new byte[64 * 1024];
            boolean closeClient = true;
            try {
                OutputStream toClient = client.getOutputStream();
                int n;
                while ((n = fromUpstream.read(buffer)) >= 0) {
                    CompletableFuture<Void> w = withheld;
                    if (w != null) {
                        // the client waits for this answer only: no earlier bytes are in flight
                        closeClient = false;
                        withhold(w, new ByteArrayInputStream(buffer, 0, n), toClient);
                        return;
                    }
                    toClient.write(buffer, 0, n);
                    toClient.flush();
                }
            } catch (IOException e) {
                LOG.debug("Faulty HTTP proxy: response copy ended: {}", e.toString());
            } finally {
                ended = true;
                CompletableFuture<Void> w = withheld;
                if (w != null) {
                    w.complete(null);
                }
                if (closeClient) {
                    // the store closed: the client must see the end, not wait for more
                    closeQuietly(client);
                }
            }
        }

        private void withhold(CompletableFuture<Void> answered, InputStream read, OutputStream to)
                throws IOException {
            InputStream in = new BufferedInputStream(new SequenceInputStream(read, fromUpstream));
            while (true) {
                byte[] head = readHead(in);
                if (head == null) {
                    break;
                }
                String statusLine = new String(head, StandardCharsets.ISO_8859_1).split("\r\n")[0];
                String[] parts = statusLine.split(" ");
                int status = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
                if (status < 100 || status >= 200) {
                    break;
                }
                to.write(head);
                to.flush();
            }
            answered.complete(null);
        }
    }

    /**
     * A request's line and headers as received, with what is needed to find where its body ends.
     */
    private record RequestHead(
            byte[] bytes, String method, String path, long contentLength, boolean chunked) {

        /** The next request's head, or {@code null} when the client closed before one. */
        static RequestHead read(InputStream in) throws IOException {
            byte[] bytes = readHead(in);
            if (bytes == null) {
                return null;
            }
            String[] lines = new String(bytes, StandardCharsets.ISO_8859_1).split("\r\n");
            String[] requestLine = lines[0].split(" ");
            if (requestLine.length != 3) {
                throw new IOException("not an HTTP request line: " + lines[0]);
            }
            long contentLength = 0;
            boolean chunked = false;
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = lines[i].substring(colon + 1).trim();
                if (name.equals("content-length")) {
                    contentLength = Long.parseLong(value);
                } else if (name.equals("transfer-encoding")) {
                    chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                }
            }
            String target = requestLine[1];
            int query = target.indexOf('?');
            return new RequestHead(
                    bytes,
                    requestLine[0].toUpperCase(Locale.ROOT),
                    query < 0 ? target : target.substring(0, query),
                    contentLength,
                    chunked);
        }

        /** Copies this request's body: chunked framing wins over a length (RFC 9112 6.3). */
        void copyBody(InputStream in, OutputStream out) throws IOException {
            if (!chunked) {
                copy(in, out, contentLength);
                return;
            }
            while (true) {
                String sizeLine = readLine(in);
                writeLine(out, sizeLine);
                int extension = sizeLine.indexOf(';');
                long size =
                        Long.parseLong(
                                (extension < 0 ? sizeLine : sizeLine.substring(0, extension))
                                        .trim(),
                                16);
                if (size == 0) {
                    String trailer;
                    do {
                        trailer = readLine(in);
                        writeLine(out, trailer);
                    } while (!trailer.isEmpty());
                    return;
                }
                copy(in, out, size);
                String end = readLine(in);
                if (!end.isEmpty()) {
                    throw new IOException("chunk of " + size + " bytes not followed by CRLF");
                }
                writeLine(out, end);
            }
        }

        /** The method and path, without the query string (which may carry a signature). */
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** Bytes up to and including the empty line; {@code null} at a clean end before any byte. */
    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream(512);
        int matched = 0; // of \r\n\r\n
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("connection ended inside a message head");
            }
            head.write(b);
            if (head.size() > MAX_HEAD_BYTES) {
                throw new IOException("message head longer than " + MAX_HEAD_BYTES + " bytes");
            }
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toByteArray();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(32);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new EOFException("connection ended inside a chunked body");
            }
            line.write(b);
            if (line.size() > MAX_HEAD_BYTES) {
                throw new IOException("chunk line longer than " + MAX_HEAD_BYTES + " bytes");
            }
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static void writeLine(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new EOFException("connection ended " + left + " bytes before the body's end");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }
}
