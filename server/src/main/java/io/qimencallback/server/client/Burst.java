package io.qimencallback.server.client;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** A quick burst of calls at a service address: {@code repeat} calls, at most {@code concurrency} at a time. */
public final class Burst {
    private Burst() {
    }

    /** @param calls builds each call afresh (a new timestamp and document code each time) */
    public static BurstSummary run(GatewayClient client, Supplier<GatewayRequest> calls, int repeat, int concurrency)
            throws InterruptedException {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(calls, "calls");
        if (repeat < 1 || concurrency < 1) {
            throw new IllegalArgumentException("repeat and concurrency must be at least 1");
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(repeat, concurrency), r -> {
            Thread t = new Thread(r, "qimen-burst");
            t.setDaemon(true);
            return t;
        });
        long start = System.nanoTime();
        try {
            List<Future<BurstSummary.Result>> futures = new ArrayList<>(repeat);
            for (int i = 0; i < repeat; i++) {
                futures.add(pool.submit(() -> once(client, calls.get())));
            }
            List<BurstSummary.Result> results = new ArrayList<>(repeat);
            for (Future<BurstSummary.Result> f : futures) {
                results.add(get(f));
            }
            return new BurstSummary(results, Duration.ofNanos(System.nanoTime() - start));
        } finally {
            pool.shutdownNow();
        }
    }

    private static BurstSummary.Result once(GatewayClient client, GatewayRequest request) throws InterruptedException {
        long t0 = System.nanoTime();
        try {
            GatewayResponse r = client.send(request);
            Duration latency = Duration.ofNanos(System.nanoTime() - t0);
            return new BurstSummary.Result(outcome(r), r.status() == 200 && r.isSuccess(), latency);
        } catch (IOException e) {
            return new BurstSummary.Result("no answer (" + e.getClass().getSimpleName() + ")", false, null);
        }
    }

    private static String outcome(GatewayResponse r) {
        if (r.status() != 200) {
            return "HTTP " + r.status();
        }
        if (r.flag() == null) {
            return "not a Qimen answer";
        }
        return r.isSuccess() ? "success" : r.flag() + " " + r.code();
    }

    private static BurstSummary.Result get(Future<BurstSummary.Result> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            // building or sending threw something unexpected: counted, not fatal to the burst
            return new BurstSummary.Result("error (" + e.getCause() + ")", false, null);
        }
    }
}
