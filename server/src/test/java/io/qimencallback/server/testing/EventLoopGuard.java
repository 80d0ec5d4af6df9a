package io.qimencallback.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * BlockHound's rules for this test suite (installed for the whole test JVM by blockhound-junit-platform): the
 * server's event-loop threads ({@code qimen-io-*}, {@code qimen-admin-*}, both Netty {@code FastThreadLocalThread}s,
 * which Netty's own integration already marks) must never block. Every violation is recorded here, whatever catches
 * the error where it happened, so that {@code EventLoopBlockingTest} can fail on any violation of the whole run.
 */
public final class EventLoopGuard implements BlockHoundIntegration {
    private static final List<String> VIOLATIONS = new CopyOnWriteArrayList<>();

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.nonBlockingThreadPredicate(p -> p.or(t -> t.getName().startsWith("qimen-io-")
                || t.getName().startsWith("qimen-admin-") && !t.getName().startsWith("qimen-admin-worker")));
        // logback's asynchronous appender never blocks (neverBlock): a contended queue lock is held for nanoseconds
        builder.allowBlockingCallsInside("ch.qos.logback.core.AsyncAppenderBase", "put");
        // Netty 4.2's adaptive allocator retires a magazine under a write lock held for a moment (its allocations use
        // tryWriteLock and never wait); Netty's own code, not ours
        builder.allowBlockingCallsInside("io.netty.buffer.AdaptivePoolingAllocator$Magazine", "free");
        // handing work over: a bounded queue's offer() never waits for room (a full queue is refused: overloaded);
        // its lock only orders the enqueue against a worker's take, for nanoseconds. Waiting for a result would be
        // caught: Future.get, CompletableFuture.join and put() are not allowed
        builder.allowBlockingCallsInside("java.util.concurrent.ThreadPoolExecutor", "execute");
        builder.allowBlockingCallsInside("java.util.concurrent.LinkedBlockingQueue", "offer");
        builder.blockingMethodCallback(method -> {
            VIOLATIONS.add(method + " on " + Thread.currentThread().getName() + " at "
                    + StackWalker.getInstance().walk(s -> s.skip(1).limit(12).map(Object::toString).toList()));
            throw new BlockingOperationError(method);
        });
    }

    /** Blocking calls seen on event-loop threads since the test JVM started. */
    public static List<String> violations() {
        return List.copyOf(VIOLATIONS);
    }

    /** Forgets the violations a test provoked on purpose. */
    public static void forget(List<String> provoked) {
        VIOLATIONS.removeAll(provoked);
    }
}
