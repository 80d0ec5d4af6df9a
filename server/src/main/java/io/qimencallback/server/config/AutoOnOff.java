package io.qimencallback.server.config;

import java.util.Locale;

/** A feature that is on, off, or decided by the server's situation ({@code auto}). */
public enum AutoOnOff {
    AUTO, ON, OFF;

    static AutoOnOff parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("is not auto, on or off");
        }
    }

    /** Whether the feature is on, {@code auto} taking {@code whenAuto}. */
    public boolean resolve(boolean whenAuto) {
        return this == AUTO ? whenAuto : this == ON;
    }
}
