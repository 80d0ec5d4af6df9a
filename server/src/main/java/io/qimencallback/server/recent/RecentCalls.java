package io.qimencallback.server.recent;

import io.qimencallback.protocol.internal.http.RawRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The last calls on the public port, for the debug console: a fixed ring written without locks, so recording costs
 * a counter increment and a slot write on the thread that answered. Holds bodies raw, up to
 * {@link RecentCall#MAX_BODY_BYTES} each; whoever shows them masks them.
 */
public final class RecentCalls {
    private static final RecentCalls OFF = new RecentCalls(0);
    private static final byte[] NO_ANSWER = new byte[0];

    private final int capacity;
    private final AtomicReferenceArray<RecentCall> slots;
    /** The sequence number of the next call; a call's id is its number in base 36. */
    private final AtomicLong next = new AtomicLong(1);

    /** @param capacity calls kept; 0 keeps none */
    public RecentCalls(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must not be negative");
        }
        this.capacity = capacity;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** Keeps nothing. */
    public static RecentCalls off() {
        return OFF;
    }

    public boolean enabled() {
        return capacity > 0;
    }

    public int capacity() {
        return capacity;
    }

    /** What a call was; everything but the request may be {@code null} when unknown. */
    public record Outcome(String method, String appKey, String customerId, String outcome, String message,
                          String remote, String format) {
    }

    /** Records a call that got no Qimen answer (an HTTP refusal). */
    public void record(RawRequest raw, Outcome what, long latencyNanos) {
        record(raw, what, latencyNanos, NO_ANSWER);
    }

    /**
     * Records a finished call. Never throws: the console must not break a call.
     *
     * @param raw          the request (its body array is kept, or its first 64 KiB copied)
     * @param latencyNanos from receipt to the answer
     * @param answer       the answer as sent (the array is kept, or its first 64 KiB copied; never written to after)
     */
    public void record(RawRequest raw, Outcome what, long latencyNanos, byte[] answer) {
        if (capacity == 0) {
            return;
        }
        try {
            byte[] body = raw.body();
            byte[] kept = cap(body);
            byte[] answered = answer == null ? NO_ANSWER : cap(answer);
            add(seq -> new RecentCall(Long.toString(seq, 36), raw.receivedAt(), what.method(), what.appKey(),
                    what.customerId(), what.outcome(), what.message(), latencyNanos / 1e6,
                    what.remote() != null ? what.remote() : raw.peerAddress(), what.format(),
                    raw.headers().get("Content-Type"), raw.rawQuery(), kept, body.length,
                    raw.httpMethod(), raw.headers().get("Host"), answered));
        } catch (RuntimeException e) {
            // a malformed request (no headers, odd query) is not worth breaking its answer for
        }
    }

    private static byte[] cap(byte[] bytes) {
        return bytes.length > RecentCall.MAX_BODY_BYTES ? Arrays.copyOf(bytes, RecentCall.MAX_BODY_BYTES) : bytes;
    }

    /** Adds a call built from its sequence number. */
    void add(java.util.function.LongFunction<RecentCall> call) {
        long seq = next.getAndIncrement();
        slots.set((int) (seq % capacity), call.apply(seq));
    }

    /** Up to {@code limit} calls, newest first. */
    public List<RecentCall> latest(int limit) {
        List<RecentCall> out = new ArrayList<>(Math.min(limit, capacity));
        long newest = next.get() - 1;
        for (long seq = newest; seq >= 1 && seq > newest - capacity && out.size() < limit; seq--) {
            RecentCall c = slots.get((int) (seq % capacity));
            // a slot being rewritten by a newer call, or not yet written, is skipped
            if (c != null && c.id().equals(Long.toString(seq, 36))) {
                out.add(c);
            }
        }
        return out;
    }

    /** A call by id, while it is still kept. */
    public Optional<RecentCall> find(String id) {
        if (capacity == 0 || id == null || id.isEmpty() || id.length() > 12) {
            return Optional.empty();
        }
        long seq;
        try {
            seq = Long.parseLong(id, 36);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (seq < 1) {
            return Optional.empty();
        }
        RecentCall c = slots.get((int) (seq % capacity));
        return c != null && c.id().equals(id) ? Optional.of(c) : Optional.empty();
    }

    /** Calls kept now. */
    public int size() {
        return (int) Math.min(capacity, next.get() - 1);
    }
}
