package io.qimencallback.server.selftest;

import java.util.Objects;

/** The outcome of one check of one API. */
public record Verdict(String api, Check check, Result result, String why) {

    public enum Result { PASS, WARN, FAIL }

    public Verdict {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(why, "why");
    }

    /** A forged, stale, tampered or unsigned call was answered success. */
    public boolean alarm() {
        return result == Result.FAIL && check.mustBeRefused() && why.equals(check.acceptedAlarm());
    }
}
