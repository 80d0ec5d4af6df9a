package io.qimencallback.server.selftest;

/** What the self-test does with each API: one correct call, then four calls a service address must refuse. */
public enum Check {
    SIGNED("signed call", null),
    WRONG_SIGN("wrong sign", "ACCEPTED A FORGED CALL (wrong sign): anyone can push orders to this address"),
    STALE_TIMESTAMP("stale timestamp (2 h)", "ACCEPTED A STALE CALL (timestamp 2 hours old): a captured call can be replayed"),
    BODY_CHANGED("body changed after signing",
            "ACCEPTED A TAMPERED CALL (body changed after signing): anyone who sees a call can rewrite its order"),
    SIGN_MISSING("sign missing", "ACCEPTED AN UNSIGNED CALL (no sign): anyone can push orders to this address");

    private final String label;
    private final String acceptedAlarm;

    Check(String label, String acceptedAlarm) {
        this.label = label;
        this.acceptedAlarm = acceptedAlarm;
    }

    public String label() {
        return label;
    }

    /** For a call that must be refused: what it means that the service answered success. */
    String acceptedAlarm() {
        return acceptedAlarm;
    }

    boolean mustBeRefused() {
        return acceptedAlarm != null;
    }
}
