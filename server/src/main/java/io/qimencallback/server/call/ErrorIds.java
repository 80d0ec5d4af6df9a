package io.qimencallback.server.call;

import java.util.concurrent.ThreadLocalRandom;

/** Short random ids that tie a {@code system-error} answer to its log line. */
public final class ErrorIds {
    private ErrorIds() {
    }

    public static String next() {
        return String.format("%012x", ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL);
    }
}
