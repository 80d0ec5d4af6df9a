package io.qimencallback.server.call;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warnings about calls that took long: slow answers (past a fraction of the deadline) and handlers still running at
 * the deadline (with the worker's stack). At most one of each a second per method (the bounded metric tag), so that
 * an ERP that hangs for everyone writes a few lines, not one per call.
 */
final class CallWarnings {
    private static final Logger log = LoggerFactory.getLogger(CallProcessor.class);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long deadlineMillis;
    /** 0: no slow-call warnings. */
    private final long slowNanos;
    private final ConcurrentHashMap<String, AtomicLong> lastSlow = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> lastStuck = new ConcurrentHashMap<>();

    CallWarnings(Duration deadline, double slowFraction) {
        this.deadlineMillis = deadline.toMillis();
        this.slowNanos = (long) (deadline.toNanos() * slowFraction);
    }

    /** An answer about to be sent, {@code nanos} after receipt (on the event loop: no blocking here). */
    void answered(CallContext ctx, QimenResponse response, long nanos) {
        if (slowNanos <= 0 || nanos <= slowNanos || ErrorCode.HANDLER_TIMEOUT.code().equals(response.code())) {
            return;
        }
        if (due(lastSlow, ctx.methodTag())) {
            log.warn("slow call id={} method={} took {} ms of {} ms deadline", ctx.id(), LogSafe.value(ctx.method()),
                    TimeUnit.NANOSECONDS.toMillis(nanos), deadlineMillis);
        }
    }

    /**
     * The deadline has passed and the work is about to be interrupted: where a blocking handler is stuck. Reading
     * another thread's stack does not block (a handshake with that thread); it happens only on this rare path.
     */
    void timedOut(CallContext ctx, CallExchange exchange) {
        Thread worker = exchange.worker();
        if (worker == null) {
            return;
        }
        StackTraceElement[] stack = worker.getStackTrace();
        if (exchange.worker() != worker || stack.length == 0) {
            return; // the handler returned meanwhile: the stack is of something else
        }
        StringBuilder where = new StringBuilder("handler-timeout: the handler was still running after ")
                .append(deadlineMillis).append(" ms, at ").append(frame(stack[0]));
        for (StackTraceElement f : stack) {
            if (!jdk(f.getClassName())) { // the handler's own line that waits
                where.append(", in ").append(frame(f));
                break;
            }
        }
        ctx.failed(where.toString());
        if (due(lastStuck, ctx.methodTag())) {
            log.warn("handler-timeout id={} method={}: the handler was still running on {} after {} ms; its stack:",
                    ctx.id(), LogSafe.value(ctx.method()), worker.getName(), deadlineMillis, new StuckHandler(stack));
        }
    }

    /** {@code java.lang.Thread.sleep(Thread.java:-2)}: without the module and class loader prefixes. */
    private static String frame(StackTraceElement f) {
        return f.getClassName() + "." + f.getMethodName() + "(" + (f.getFileName() == null ? "?" : f.getFileName())
                + (f.getLineNumber() >= 0 ? ":" + f.getLineNumber() : "") + ")";
    }

    private static boolean jdk(String className) {
        return className.startsWith("java.") || className.startsWith("javax.") || className.startsWith("jdk.")
                || className.startsWith("sun.") || className.startsWith("com.sun.");
    }

    /** Whether a line for this method may be written now; at most one a second. */
    private static boolean due(ConcurrentHashMap<String, AtomicLong> last, String method) {
        long now = System.nanoTime();
        AtomicLong at = last.computeIfAbsent(method, m -> new AtomicLong(now - INTERVAL_NANOS));
        long previous = at.get();
        return now - previous >= INTERVAL_NANOS && at.compareAndSet(previous, now);
    }

    /** A stack to log as such: the frames of a thread, not an exception. */
    private static final class StuckHandler extends RuntimeException {
        StuckHandler(StackTraceElement[] stack) {
            super("stack of the worker running the handler", null, false, true);
            setStackTrace(stack);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }
}
