package io.qimencallback.server.target.http;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.AsyncQimenHandler;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.call.ErrorIds;
import io.qimencallback.server.call.LogSafe;
import io.qimencallback.server.cli.BuildVersion;
import io.qimencallback.server.concurrent.BlockingThreadFactory;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import io.qimencallback.server.target.TargetUnavailableException;
import io.qimencallback.server.target.WebhookSignature;
import io.qimencallback.server.target.http.HttpTargetSettings.AnswerMode;
import io.qimencallback.server.target.http.TargetMeters.Kind;
import io.qimencallback.server.target.http.TargetMeters.Outcome;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code type: http} target: an internal HTTP endpoint (an ERP's API, a small service beside it) that answers calls
 * forwarded synchronously ({@code forward <name>}) and receives inbox entries ({@code inbox <name>}).
 *
 * <p>Section keys ({@code targets.<name>.<key>}, or {@code QIMEN_TARGETS_<NAME>_<KEY>}):
 * <ul>
 *   <li>{@code url} (required): {@code http://} or {@code https://}; no credentials in it (calls are authenticated by
 *       their signature).</li>
 *   <li>{@code secret} or {@code secret_file} (required): the forwarding secret, at least 16 characters, or a
 *       Standard Webhooks {@code whsec_<base64>} secret (at least 16 bytes). Several, comma-separated or one per line
 *       of the file, during a rotation: every request carries one signature per secret, the first listed being the
 *       current one, so that the target may check either.</li>
 *   <li>{@code timeout}: how long one request may take ({@code 5s}, {@code 500ms}); default the server's handler
 *       timeout. A forward never waits past the call's own deadline, whichever is shorter.</li>
 *   <li>{@code ca_file}: PEM certificates trusted for an {@code https} url (a private CA or the endpoint's own
 *       self-signed certificate) instead of the JDK's; the host name is still checked.</li>
 *   <li>{@code answer}: {@code fields} (default), the target answers JSON {@code {"flag": "success"|"failure",
 *       "code": ..., "message": ..., ...fields}} and the server renders it in the caller's format (XML or JSON);
 *       or {@code passthrough}, the target answers a Qimen answer itself — XML {@code <response>...</response>} or
 *       JSON {@code {"response": {...}}}, in the charset of its {@code Content-Type} — which is parsed like a
 *       call's body and rendered anew in the caller's format: flag, code, message and the fields with their values
 *       and nesting are kept, not the bytes (declaration, attributes, comments, whitespace, the order of the first
 *       three). A target also chooses passthrough for one answer with the response header
 *       {@code Qimen-Answer: passthrough}. Either way an answer without a {@code flag} of success or failure, or a
 *       failure without a {@code code}, is a {@code system-error}.</li>
 *   <li>{@code max_connections} (default 64): forwards in flight at once; beyond it a call is answered
 *       {@code overloaded} at once (deliveries are bounded by the inbox's delivery threads).</li>
 *   <li>{@code max_answer_bytes} (default 1 MiB): a larger answer is a {@code system-error}. Up to
 *       {@code max_connections} answers may be in memory at once.</li>
 *   <li>{@code http2}: {@code auto} (default: HTTP/2 over https where the endpoint offers it by ALPN, HTTP/1.1
 *       otherwise), {@code on} (also the h2c upgrade over plain http) or {@code off}.</li>
 * </ul>
 *
 * <p>Every request is a {@code POST} of the {@link Envelope} with {@code Content-Type: application/json},
 * {@code User-Agent: qimen-callback-server/<version>} and the Standard Webhooks headers: {@code webhook-id} (the call
 * id for a forward, the inbox entry id for a delivery — the same on every attempt, for the target to deduplicate),
 * {@code webhook-timestamp}, {@code webhook-signature}. Keep-alive connections are pooled; no proxy is used; redirects
 * are not followed.
 *
 * <p>Forward outcomes: the answer → the Qimen answer; no answer in time → {@code handler-timeout}; a connection error,
 * any status but 2xx (a target refusing a call answers 200 with {@code flag: failure}: a 4xx is taken for a wrong URL
 * or a refused signature, not an answer), a body that is not a usable answer or is too large → {@code system-error}
 * with an error id, logged with the reason (the status, the exception's class, where the JSON broke) and never the
 * body or a secret; a target that could not be connected to at all is the same system-error, counted
 * {@code unreachable}. Delivery: a 2xx marks the entry done (a target that did not store the entry answers anything
 * else, e.g. 422); no connection at all throws {@link TargetUnavailableException}, for the entry to wait without
 * using an attempt; anything else throws, for the inbox to retry.
 */
public final class HttpTarget implements Target {
    static final String TYPE = "http";
    private static final Logger log = LoggerFactory.getLogger(HttpTarget.class);
    /** A delivery's wait beyond the request timeout, for a body that trickles in after the headers. */
    private static final Duration BODY_GRACE = Duration.ofSeconds(1);
    /** A response header by which a target in {@code answer: fields} passes one answer through. */
    static final String ANSWER_HEADER = "qimen-answer";

    private final HttpTargetSettings settings;
    private final ExecutorService executor;
    private final HttpClient client;
    private final TargetMeters meters;
    private final String userAgent;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Forwarder forwarder = new Forwarder();

    private HttpTarget(HttpTargetSettings settings, TargetEnvironment environment) {
        this.settings = settings;
        this.meters = new TargetMeters(environment.meters(), settings.name());
        this.userAgent = "qimen-callback-server/" + BuildVersion.version();
        // the client's own threads: its callbacks (reading answers, completing calls) never run on an event loop
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                new BlockingThreadFactory("qimen-target-" + settings.name(), true));
        pool.allowCoreThreadTimeOut(true);
        this.executor = pool;
        HttpClient.Builder b = HttpClient.newBuilder()
                .executor(executor)
                .version(settings.http2() ? HttpClient.Version.HTTP_2 : HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(settings.timeout());
        if (settings.tls() != null) {
            b.sslContext(settings.tls());
        }
        this.client = b.build();
    }

    /**
     * @throws io.qimencallback.server.config.ConfigException naming the section's key
     */
    static HttpTarget create(Section section, TargetEnvironment environment) {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(environment, "environment");
        HttpTarget t = new HttpTarget(HttpTargetSettings.of(section, environment.callTimeout()), environment);
        t.warmUp();
        return t;
    }

    @Override
    public String name() {
        return settings.name();
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public AsyncQimenHandler forwarder() {
        return forwarder;
    }

    /** Blocks this (delivery) thread until the target answers; 2xx = done. */
    @Override
    public String deliver(InboxDelivery delivery) throws Exception {
        Objects.requireNonNull(delivery, "delivery");
        long start = System.nanoTime();
        byte[] payload = Envelope.ofEntry(delivery.request(), delivery.entryId(), delivery.attempt(),
                delivery.businessKey());
        HttpRequest request = post(Long.toString(delivery.entryId()), payload, settings.timeout());
        CompletableFuture<HttpResponse<Void>> sent = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        HttpResponse<Void> response;
        try {
            response = sent.get(settings.timeout().plus(BODY_GRACE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            sent.cancel(true);
            meters.record(Kind.DELIVER, Outcome.TIMEOUT, start);
            throw new DeliveryFailed("target " + name() + ": no answer within " + settings.timeout().toMillis() + " ms");
        } catch (InterruptedException e) {
            // the inbox gave up on the delivery (past its timeout) or the server is stopping
            sent.cancel(true);
            meters.record(Kind.DELIVER, Outcome.TIMEOUT, start);
            Thread.currentThread().interrupt();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (unreachable(cause)) {
                meters.record(Kind.DELIVER, Outcome.UNREACHABLE, start);
                throw new TargetUnavailableException("target " + name() + ": cannot connect ("
                        + cause.getClass().getSimpleName() + ")", cause);
            }
            boolean timeout = cause instanceof HttpTimeoutException;
            meters.record(Kind.DELIVER, timeout ? Outcome.TIMEOUT : Outcome.ERROR, start);
            throw new DeliveryFailed("target " + name() + ": " + (timeout ? "no answer within "
                    + settings.timeout().toMillis() + " ms" : "no HTTP answer (" + cause.getClass().getSimpleName()
                    + ")"));
        }
        Outcome outcome = Outcome.ofStatus(response.statusCode());
        meters.record(Kind.DELIVER, outcome, start);
        if (outcome != Outcome.OK) {
            throw new DeliveryFailed("target " + name() + " answered HTTP " + response.statusCode());
        }
        return "HTTP " + response.statusCode();
    }

    /** A delivery bounds itself: the request timeout, then the grace for its body. */
    @Override
    public Optional<Duration> deliveryTimeout() {
        return Optional.of(settings.timeout().plus(BODY_GRACE));
    }

    /**
     * No connection could be made, so nothing was sent: refused, no such host, no connection within the timeout. A
     * reset or close after the request went out is not this: the target may have acted on it.
     */
    static boolean unreachable(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.net.ConnectException || t instanceof java.net.http.HttpConnectTimeoutException
                    || t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** A delivery that did not reach the target; the message is short and carries no body. */
    static final class DeliveryFailed extends IOException {
        DeliveryFailed(String message) {
            super(message);
        }
    }

    @Override
    public void close() {
        // the JDK 17 client has no close(): its selector thread ends once it is unreachable; ours end here
        executor.shutdown();
    }

    @Override
    public String toString() {
        return "HttpTarget[" + name() + ", " + describe() + "]";
    }

    private HttpRequest post(String id, byte[] payload, Duration timeout) {
        long now = Instant.now().getEpochSecond();
        return HttpRequest.newBuilder(settings.url())
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", userAgent)
                .header(WebhookSignature.ID, id)
                .header(WebhookSignature.TIMESTAMP, Long.toString(now))
                .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(id, now, payload, settings.keys()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                .build();
    }

    /** Answers calls from the target's answers; runs on an event loop and never blocks. */
    private final class Forwarder implements AsyncQimenHandler {
        @Override
        public Set<String> methods() {
            return Set.of(); // routed by the routes table, not claimed
        }

        @Override
        public String name() {
            return "target " + HttpTarget.this.name();
        }

        @Override
        public CompletionStage<QimenResponse> handleAsync(QimenRequest call) {
            long start = System.nanoTime();
            Duration left = call.remaining();
            if (left.compareTo(settings.timeout()) > 0) {
                left = settings.timeout();
            }
            if (left.toMillis() <= 0) {
                meters.record(Kind.FORWARD, Outcome.TIMEOUT, start);
                return CompletableFuture.completedFuture(QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT));
            }
            if (inFlight.incrementAndGet() > settings.maxConnections()) {
                inFlight.decrementAndGet();
                meters.record(Kind.FORWARD, Outcome.OVERLOADED, start);
                return CompletableFuture.completedFuture(QimenResponse.failure(ErrorCode.OVERLOADED));
            }
            CompletableFuture<QimenResponse> answer = new CompletableFuture<>();
            CompletableFuture<HttpResponse<byte[]>> sent;
            try {
                sent = client.sendAsync(post(call.callId(), Envelope.ofCall(call), left),
                        BoundedBody.handler(settings.maxAnswerBytes()));
            } catch (RuntimeException e) {
                inFlight.decrementAndGet();
                return CompletableFuture.completedFuture(failed(call, Outcome.ERROR, start, "cannot send ("
                        + e.getClass().getSimpleName() + ")"));
            }
            long budget = left.toMillis();
            sent.whenComplete((response, error) -> {
                inFlight.decrementAndGet();
                if (answer.isCancelled()) {
                    // the call's deadline passed first: the caller was answered handler-timeout
                    meters.record(Kind.FORWARD, Outcome.TIMEOUT, start);
                    log.warn("target {}: forward of {} call {} cancelled at the call's deadline", settings.name(),
                            LogSafe.value(call.method()), call.callId());
                    return;
                }
                answer.complete(interpret(call, response, error, start, budget));
            });
            // cancelled past the deadline by the server: the exchange is aborted, its connection released
            answer.whenComplete((r, e) -> {
                if (answer.isCancelled()) {
                    sent.cancel(true);
                }
            });
            return answer;
        }
    }

    private QimenResponse interpret(QimenRequest call, HttpResponse<byte[]> response, Throwable error, long start,
                                    long budgetMillis) {
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            if (unreachable(cause)) {
                return failed(call, Outcome.UNREACHABLE, start, "cannot connect (" + cause.getClass().getSimpleName()
                        + ")");
            }
            if (cause instanceof HttpTimeoutException) {
                meters.record(Kind.FORWARD, Outcome.TIMEOUT, start);
                log.warn("target {}: forward of {} call {}: no answer within {} ms: handler-timeout", name(),
                        LogSafe.value(call.method()), call.callId(), budgetMillis);
                return QimenResponse.failure(ErrorCode.HANDLER_TIMEOUT);
            }
            if (cause instanceof BoundedBody.TooLarge) {
                return failed(call, Outcome.BAD_ANSWER, start, cause.getMessage() + " (max_answer_bytes)");
            }
            if (cause instanceof CancellationException) {
                return failed(call, Outcome.TIMEOUT, start, "cancelled");
            }
            // JDK client messages name the failure (connection refused, closed, header parser...), never the body
            return failed(call, Outcome.ERROR, start, "no HTTP answer: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + LogSafe.value(cause.getMessage())));
        }
        Outcome status = Outcome.ofStatus(response.statusCode());
        if (status != Outcome.OK) {
            return failed(call, status, start, "HTTP " + response.statusCode() + " (a target answers 200, with"
                    + " flag failure to refuse a call)");
        }
        try {
            QimenResponse r = passthrough(response)
                    ? TargetAnswer.passthrough(response.body(), charset(response))
                    : TargetAnswer.fields(response.body());
            meters.record(Kind.FORWARD, Outcome.OK, start);
            return r;
        } catch (TargetAnswer.Bad e) {
            return failed(call, Outcome.BAD_ANSWER, start, e.getMessage());
        } catch (RuntimeException e) {
            return failed(call, Outcome.BAD_ANSWER, start, "unusable answer (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** A system-error whose id ties the caller's answer to this log line. */
    private QimenResponse failed(QimenRequest call, Outcome outcome, long start, String reason) {
        meters.record(Kind.FORWARD, outcome, start);
        String id = ErrorIds.next();
        log.error("system-error id={} target {}: forward of {} call {} failed: {}", id, name(),
                LogSafe.value(call.method()), call.callId(), reason);
        return QimenResponse.failure(ErrorCode.SYSTEM_ERROR, "internal error, id " + id);
    }

    /** The setting, or {@code Qimen-Answer: passthrough} on this answer. */
    private boolean passthrough(HttpResponse<?> response) {
        return settings.answer() == AnswerMode.PASSTHROUGH || response.headers().firstValue(ANSWER_HEADER)
                .map(v -> "passthrough".equalsIgnoreCase(v.trim())).orElse(false);
    }

    private static Charset charset(HttpResponse<?> response) {
        String type = response.headers().firstValue("content-type").orElse("");
        int at = type.toLowerCase(java.util.Locale.ROOT).indexOf("charset=");
        if (at < 0) {
            return StandardCharsets.UTF_8;
        }
        String name = type.substring(at + 8).split(";", 2)[0].trim().replace("\"", "");
        try {
            return Charset.forName(name);
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    /**
     * Runs at start what a forward runs on the event loop, so that its classes are loaded (file reads) here and not
     * during a call: the envelope, the signature, the request, answer parsing.
     */
    private void warmUp() {
        QimenRequest sample = QimenRequest.builder("warm.up").param("app_key", "0").build();
        HttpRequest r = post("warm-up", Envelope.ofCall(sample), Duration.ofSeconds(1));
        Objects.requireNonNull(r.headers().firstValue(WebhookSignature.SIGNATURE).orElse(null));
        BoundedBody.handler(settings.maxAnswerBytes());
        try {
            TargetAnswer.fields("{\"flag\":\"success\",\"code\":\"0\",\"message\":\"ok\",\"n\":1}"
                    .getBytes(StandardCharsets.UTF_8));
            TargetAnswer.passthrough("<response><flag>success</flag><code>0</code></response>"
                    .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            TargetAnswer.passthrough("{\"response\":{\"flag\":\"failure\",\"code\":\"x\"}}"
                    .getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            TargetAnswer.fields("[".getBytes(StandardCharsets.UTF_8));
        } catch (TargetAnswer.Bad expected) {
            // the last one: loads the failure path too
        }
        new BoundedBody.TooLarge(1).getMessage();
        ErrorIds.next();
    }
}
