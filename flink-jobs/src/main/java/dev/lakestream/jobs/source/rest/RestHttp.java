package dev.lakestream.jobs.source.rest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GETs one URL for the REST source: authentication headers, the request rate cap, connect and read
 * time-outs, and retries with exponential back-off and full jitter on 408, 429, 5xx, time-outs and
 * connection errors, honouring {@code Retry-After}. Other statuses fail at once. Redirects are not
 * followed (they could carry the credentials elsewhere).
 *
 * <p>Never throws for what a server does; the caller gets a {@link Result} to turn into records.
 */
final class RestHttp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RestHttp.class);

    private final RestSourceSettings settings;
    private final HttpClient client;
    private final ExecutorService executor;
    private final RateLimiter limiter;
    private final Backoff backoff;
    private final RateLimiter.Sleeper sleeper;
    private final Clock clock;
    private final List<String> authHeaders;

    /** The outcome of a GET, after any retries. */
    sealed interface Result permits Ok, Failed {
        URI uri();

        int attempts();
    }

    /** A 2xx response. */
    record Ok(
            URI uri,
            int status,
            String body,
            HttpHeaders headers,
            int attempts,
            long receivedMillis)
            implements Result {}

    /**
     * No 2xx response: why (status or error, and the attempts made) and the last body received, if
     * any.
     */
    record Failed(URI uri, String reason, String lastBody, int attempts) implements Result {}

    RestHttp(RestSourceSettings settings) {
        this(
                settings,
                new RateLimiter(settings.maxRequestsPerSecond()),
                new Backoff(settings.retryInitialBackoff(), settings.retryMaxBackoff()),
                RateLimiter.THREAD_SLEEP,
                Clock.systemUTC());
    }

    RestHttp(
            RestSourceSettings settings,
            RateLimiter limiter,
            Backoff backoff,
            RateLimiter.Sleeper sleeper,
            Clock clock) {
        this.settings = settings;
        this.limiter = limiter;
        this.backoff = backoff;
        this.sleeper = sleeper;
        this.clock = clock;
        AtomicInteger threads = new AtomicInteger();
        this.executor =
                Executors.newCachedThreadPool(
                        r -> {
                            Thread t =
                                    new Thread(
                                            r,
                                            "rest-source-http-"
                                                    + settings.name()
                                                    + "-"
                                                    + threads.incrementAndGet());
                            t.setDaemon(true);
                            return t;
                        });
        this.client =
                HttpClient.newBuilder()
                        .connectTimeout(settings.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .executor(executor)
                        .build();
        this.authHeaders = authHeaders(settings);
    }

    private static List<String> authHeaders(RestSourceSettings s) {
        return switch (s.auth()) {
            case NONE -> List.of();
            case BEARER -> List.of("Authorization", "Bearer " + s.token());
            case BASIC ->
                    List.of(
                            "Authorization",
                            "Basic "
                                    + Base64.getEncoder()
                                            .encodeToString(
                                                    (s.username() + ":" + s.password())
                                                            .getBytes(StandardCharsets.UTF_8)));
            case API_KEY -> List.of(s.authHeader(), s.apiKey());
        };
    }

    /**
     * GETs {@code uri}, retrying as configured.
     *
     * @throws InterruptedException when the reader is closing
     */
    Result get(URI uri) throws InterruptedException {
        String lastProblem = null;
        String lastBody = "";
        int maxAttempts = settings.retryMaxAttempts();
        for (int attempt = 1; ; attempt++) {
            limiter.acquire();
            Optional<Duration> retryAfter = Optional.empty();
            try {
                HttpResponse<String> response = send(uri);
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    return new Ok(
                            uri,
                            status,
                            response.body(),
                            response.headers(),
                            attempt,
                            clock.millis());
                }
                lastBody = response.body();
                if (!retryable(status)) {
                    String reason = "HTTP " + status + " (not retried)";
                    if (status >= 300 && status < 400) {
                        reason =
                                "HTTP "
                                        + status
                                        + " redirect to "
                                        + response.headers().firstValue("Location").orElse("?")
                                        + " not followed: point "
                                        + RestSourceOptions.URL.key()
                                        + " at the final address";
                    }
                    return new Failed(uri, reason, lastBody, attempt);
                }
                lastProblem = "HTTP " + status;
                retryAfter =
                        RetryAfter.parse(
                                response.headers().firstValue("Retry-After"), clock.instant());
            } catch (ResponseTooLargeException e) {
                return new Failed(uri, e.getMessage() + " (not retried)", e.prefix, attempt);
            } catch (HttpConnectTimeoutException e) {
                lastProblem = "no connection within " + settings.connectTimeout();
            } catch (HttpTimeoutException | TimeoutException e) {
                lastProblem = "no complete response within " + settings.readTimeout();
            } catch (ConnectException e) {
                lastProblem = "connection refused or unreachable: " + describe(e);
            } catch (IOException e) {
                lastProblem = "I/O error: " + describe(e);
            }
            if (attempt >= maxAttempts) {
                return new Failed(
                        uri,
                        lastProblem + " after " + attempt + " attempt" + (attempt == 1 ? "" : "s"),
                        lastBody,
                        attempt);
            }
            Duration wait = retryAfter.isPresent() ? retryAfter.get() : backoff.delay(attempt);
            LOG.warn(
                    "rest:{} attempt {}/{} of {} failed ({}); retrying in {} ms{}",
                    settings.name(),
                    attempt,
                    maxAttempts,
                    Redaction.display(uri, settings),
                    lastProblem,
                    wait.toMillis(),
                    retryAfter.isPresent() ? " as Retry-After asks" : "");
            sleeper.sleepNanos(wait.toNanos());
        }
    }

    static boolean retryable(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    private HttpResponse<String> send(URI uri)
            throws IOException, TimeoutException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .GET()
                        .timeout(settings.readTimeout())
                        .header("Accept", "application/json")
                        .header("User-Agent", "lakestream-rest-source");
        for (int i = 0; i < authHeaders.size(); i += 2) {
            request.header(authHeaders.get(i), authHeaders.get(i + 1));
        }
        CompletableFuture<HttpResponse<String>> future =
                client.sendAsync(request.build(), this::boundedStringBody);
        try {
            // the request time-out covers the wait for headers; this covers the body too
            return future.get(settings.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | InterruptedException e) {
            future.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while (cause instanceof java.util.concurrent.CompletionException
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            if (cause instanceof ResponseTooLargeException tooLarge) {
                throw tooLarge;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IOException(describe(cause), cause);
        }
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private HttpResponse.BodySubscriber<String> boundedStringBody(HttpResponse.ResponseInfo info) {
        return new BoundedStringSubscriber(charset(info.headers()), settings.maxBodyBytes());
    }

    private static Charset charset(HttpHeaders headers) {
        Optional<String> type = headers.firstValue("Content-Type");
        if (type.isPresent()) {
            for (String part : type.get().split(";")) {
                String p = part.trim();
                if (p.toLowerCase(Locale.ROOT).startsWith("charset=")) {
                    String name = p.substring(8).trim().replace("\"", "");
                    try {
                        return Charset.forName(name);
                    } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                        return StandardCharsets.UTF_8;
                    }
                }
            }
        }
        return StandardCharsets.UTF_8;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /**
     * A body over {@code source.rest.max-body-size}: refused, keeping only its start for
     * quarantine.
     */
    static final class ResponseTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        final String prefix;

        ResponseTooLargeException(long limit, String prefix) {
            super("response body larger than " + limit + " bytes");
            this.prefix = prefix;
        }
    }

    /** Collects a body as text, giving up (and closing the stream) past a size limit. */
    private static final class BoundedStringSubscriber
            implements HttpResponse.BodySubscriber<String> {

        private final CompletableFuture<String> result = new CompletableFuture<>();
        private final Charset charset;
        private final long limit;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private Flow.Subscription subscription;

        BoundedStringSubscriber(Charset charset, long limit) {
            this.charset = charset;
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int n = item.remaining();
                if (bytes.size() + (long) n > limit) {
                    subscription.cancel();
                    // the part of this chunk that fits, so a first chunk over the limit still
                    // leaves the body's start for quarantine
                    byte[] fits = new byte[(int) (limit - bytes.size())];
                    item.get(fits);
                    bytes.write(fits, 0, fits.length);
                    byte[] start = bytes.toByteArray();
                    String prefix =
                            new String(
                                    start,
                                    0,
                                    Math.min(start.length, Redaction.MAX_RAW_CHARS),
                                    charset);
                    result.completeExceptionally(new ResponseTooLargeException(limit, prefix));
                    return;
                }
                if (item.hasArray()) {
                    bytes.write(item.array(), item.arrayOffset() + item.position(), n);
                    item.position(item.limit());
                } else {
                    byte[] copy = new byte[n];
                    item.get(copy);
                    bytes.write(copy, 0, n);
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(bytes.toString(charset));
        }
    }
}
