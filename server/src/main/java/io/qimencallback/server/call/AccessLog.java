package io.qimencallback.server.call;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.server.metrics.ServerMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per call on logger {@code qimen.access}: its id (the debug console's, and a {@code system-error}'s),
 * method, app key, customerId, outcome, latency, bytes, client. Never a parameter value, a body or a secret — those
 * may carry personal data.
 */
public final class AccessLog {
    private static final Logger log = LoggerFactory.getLogger("qimen.access");

    private AccessLog() {
    }

    public static void record(CallContext call, QimenResponse response, long nanos, int bytesOut) {
        if (!log.isInfoEnabled()) {
            return;
        }
        log.info("id={} method={} app_key={} customerId={} outcome={} code={} latency_ms={} bytes_in={} bytes_out={} client={}",
                call.id(), LogSafe.value(call.method()), LogSafe.value(call.appKey()), LogSafe.value(call.customerId()),
                ServerMetrics.outcome(response), LogSafe.value(response.code()),
                String.format("%.2f", nanos / 1e6), call.raw().body().length, bytesOut,
                LogSafe.value(call.clientAddress()));
    }
}
