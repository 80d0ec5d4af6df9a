package io.qimencallback.server.selftest;

import java.util.Objects;

/** The outcome of one check of one API. */
public record Verdict(String api, Check check, Result result, String why) {

    public enum Result { PASS, WARN, FAIL }

    /** How a signed call answered {@code invalid-method} starts: the signature passed, nothing answers the API. */
    public static final String NO_ROUTE = "refused: invalid-method (no route)";

    public Verdict {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(why, "why");
    }

    /** A correctly signed call that the service accepted but answers nothing for ({@code invalid-method}). */
    public boolean noRoute() {
        return check == Check.SIGNED && why.startsWith(NO_ROUTE);
    }

    /** A forged, stale, tampered or unsigned call was answered success. */
    public boolean alarm() {
        return result == Result.FAIL && check.mustBeRefused() && why.equals(check.acceptedAlarm());
    }
}
