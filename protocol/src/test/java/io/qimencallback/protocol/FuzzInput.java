package io.qimencallback.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The input format of the fuzz tests: the first {@code n - 1} fields end at a newline, the last is everything after
 * (a body, byte for byte). Plain text, so that the committed corpus can be read and seeded from the samples.
 */
public final class FuzzInput {
    private final byte[][] fields;

    private FuzzInput(byte[][] fields) {
        this.fields = fields;
    }

    public static FuzzInput split(byte[] input, int n) {
        byte[][] fields = new byte[n][];
        int from = 0;
        for (int i = 0; i < n - 1; i++) {
            int nl = from;
            while (nl < input.length && input[nl] != '\n') {
                nl++;
            }
            fields[i] = Arrays.copyOfRange(input, from, nl);
            from = Math.min(input.length, nl + 1);
        }
        fields[n - 1] = Arrays.copyOfRange(input, from, input.length);
        return new FuzzInput(fields);
    }

    public String text(int i) {
        return new String(fields[i], StandardCharsets.UTF_8);
    }

    public byte[] bytes(int i) {
        return fields[i];
    }
}
