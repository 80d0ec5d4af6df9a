package io.qimencallback.server.target.http;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read into memory up to a limit: beyond it the exchange is cancelled and the body fails with
 * {@link TooLarge}, so that a target answering without end cannot fill the heap. Bodies of answers that are not 2xx
 * are discarded unread (only their status is used, and logged). The bytes are copied once, from the client's buffers
 * into an array sized by {@code Content-Length} when there is one (then returned as it is), grown by doubling
 * otherwise.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final int limit;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private byte[] bytes;
    private int size;
    private Flow.Subscription subscription;

    /** Thrown when the answer is larger than the limit. */
    static final class TooLarge extends IOException {
        TooLarge(int limit) {
            super("answer larger than " + limit + " bytes", null);
        }
    }

    private BoundedBody(int limit, int expected) {
        this.limit = limit;
        // a Content-Length is at most the limit here; without one, start small
        this.bytes = new byte[expected > 0 ? expected : Math.min(limit, 8 * 1024)];
    }

    /** 2xx: the body up to {@code limit} bytes; any other status: no body ({@code null}). */
    static HttpResponse.BodyHandler<byte[]> handler(int limit) {
        return info -> {
            if (info.statusCode() / 100 != 2) {
                return HttpResponse.BodySubscribers.replacing(null);
            }
            OptionalLong length = info.headers().firstValueAsLong("content-length");
            if (length.isPresent() && length.getAsLong() > limit) {
                // known to be too large before a byte is read: fail at once
                return new BoundedBody(limit, 0).failed();
            }
            return new BoundedBody(limit, length.isPresent() ? (int) length.getAsLong() : 0);
        };
    }

    private HttpResponse.BodySubscriber<byte[]> failed() {
        result.completeExceptionally(new TooLarge(limit));
        return this;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (result.isDone()) {
            s.cancel();
        } else {
            s.request(Long.MAX_VALUE);
        }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            int n = b.remaining();
            if (n > limit - size) {
                bytes = null;
                result.completeExceptionally(new TooLarge(limit));
                subscription.cancel();
                return;
            }
            if (n > bytes.length - size) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(limit, Math.max(size + n, 2L * bytes.length)));
            }
            b.get(bytes, size, n);
            size += n;
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        if (!result.isDone()) {
            result.complete(size == bytes.length ? bytes : Arrays.copyOf(bytes, size));
        }
    }
}
