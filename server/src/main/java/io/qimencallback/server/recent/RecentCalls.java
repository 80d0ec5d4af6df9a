package io.qimencallback.server.recent;

import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.server.call.ErrorIds;
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
    private final AtomicReferenceArray<Slot> slots;
    /** The sequence number of the next call: where it goes in the ring. */
    private final AtomicLong next = new AtomicLong(1);

    /** A call and its sequence number, which tells a slot's current call from one being overwritten. */
    private record Slot(long seq, RecentCall call) {
    }

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

    /**
     * What a call was; everything but the request may be {@code null} when unknown.
     *
     * @param id    the call's id; {@code null}: a new one (an HTTP refusal has no call context)
     * @param error the handler's failure as the console shows it (masked), or {@code null}
     */
    public record Outcome(String method, String appKey, String customerId, String outcome, String message,
                          String remote, String format, String id, String error) {
        /** An outcome without an id of its own (a new one is made) and without an error. */
        public Outcome(String method, String appKey, String customerId, String outcome, String message,
                       String remote, String format) {
            this(method, appKey, customerId, outcome, message, remote, format, null, null);
        }
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
            String id = what.id() != null ? what.id() : ErrorIds.next();
            add(new RecentCall(id, raw.receivedAt(), what.method(), what.appKey(),
                    what.customerId(), what.outcome(), what.message(), what.error(), latencyNanos / 1e6,
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

    void add(RecentCall call) {
        long seq = next.getAndIncrement();
        slots.set((int) (seq % capacity), new Slot(seq, call));
    }

    /** Up to {@code limit} calls, newest first. */
    public List<RecentCall> latest(int limit) {
        List<RecentCall> out = new ArrayList<>(Math.min(limit, capacity));
        long newest = next.get() - 1;
        for (long seq = newest; seq >= 1 && seq > newest - capacity && out.size() < limit; seq--) {
            Slot s = slots.get((int) (seq % capacity));
            // a slot being rewritten by a newer call, or not yet written, is skipped
            if (s != null && s.seq() == seq) {
                out.add(s.call());
            }
        }
        return out;
    }

    /**
     * A call by id, while it is still kept. Ids are the calls' own (random), so the ring is searched: a few hundred
     * comparisons on the admin port's worker, nothing on the path of a call.
     */
    public Optional<RecentCall> find(String id) {
        if (capacity == 0 || id == null || id.isEmpty() || id.length() > 32) {
            return Optional.empty();
        }
        for (int i = 0; i < capacity; i++) {
            Slot s = slots.get(i);
            if (s != null && s.call().id().equals(id)) {
                return Optional.of(s.call());
            }
        }
        return Optional.empty();
    }

    /** Calls kept now. */
    public int size() {
        return (int) Math.min(capacity, next.get() - 1);
    }
}
