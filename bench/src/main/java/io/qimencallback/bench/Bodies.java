package io.qimencallback.bench;

import io.qimencallback.protocol.Samples;
import java.nio.charset.StandardCharsets;

/** Realistic bodies: the sample delivery order, and the same order padded with order lines to a given size. */
final class Bodies {
    static final String DELIVERY_ORDER = new String(Samples.bytes("deliveryorder.create.request.xml"), StandardCharsets.UTF_8);
    static final String CUSTOM_JSON = Samples.text("custom.json-body.request.json");

    private Bodies() {
    }

    /** A well-formed deliveryorder.create body of at least {@code size} bytes (whole order lines are added). */
    static byte[] deliveryOrderOfSize(int size) {
        String line = DELIVERY_ORDER.substring(DELIVERY_ORDER.indexOf("    <orderLine>"), DELIVERY_ORDER.indexOf("  </orderLines>"));
        StringBuilder b = new StringBuilder(DELIVERY_ORDER);
        int insertAt = b.indexOf("  </orderLines>");
        while (b.toString().getBytes(StandardCharsets.UTF_8).length < size) {
            int n = Math.max(1, (size - b.length()) / line.length());
            b.insert(insertAt, line.repeat(Math.min(n, 256)));
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
