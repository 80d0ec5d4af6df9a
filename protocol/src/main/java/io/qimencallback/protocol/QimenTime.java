package io.qimencallback.protocol;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The {@code timestamp} parameter: {@code yyyy-MM-dd HH:mm:ss} in China time (GMT+8), whatever the server's zone. */
public final class QimenTime {
    /** China time, the zone of every Qimen timestamp. */
    public static final ZoneOffset CHINA = ZoneOffset.ofHours(8);
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private QimenTime() {
    }

    /**
     * Parses a timestamp. Also takes epoch milliseconds, which some TOP clients send.
     *
     * @param value {@code yyyy-MM-dd HH:mm:ss} in China time, or epoch milliseconds
     * @return the instant
     * @throws DateTimeParseException when it is neither
     */
    public static Instant parse(String value) {
        String v = value.trim();
        if (!v.isEmpty() && v.length() <= 15 && v.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochMilli(Long.parseLong(v));
        }
        return LocalDateTime.parse(v, FORMAT).toInstant(CHINA);
    }

    /**
     * Formats an instant as Qimen sends timestamps.
     *
     * @param instant the instant
     * @return {@code yyyy-MM-dd HH:mm:ss} in China time
     */
    public static String format(Instant instant) {
        return FORMAT.format(instant.atOffset(CHINA));
    }
}
