package io.qimencallback.server;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.ResponseWriter;
import io.qimencallback.protocol.body.BodyParser;
import io.qimencallback.protocol.http.ContentKind;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Loads the parsers and renderers once after start, so that the first call does not pay for their class loading. */
final class WarmUp {
    private static final Logger log = LoggerFactory.getLogger(WarmUp.class);

    private WarmUp() {
    }

    static void run() {
        try {
            byte[] xml = "<request><a>1</a></request>".getBytes(StandardCharsets.UTF_8);
            BodyParser.check(ContentKind.XML, xml, StandardCharsets.UTF_8);
            BodyParser.find(ContentKind.XML, xml, StandardCharsets.UTF_8, "a");
            BodyParser.parse(ContentKind.XML, xml, StandardCharsets.UTF_8);
            BodyParser.parse(ContentKind.JSON, "{\"a\":1}".getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            for (ResponseFormat f : ResponseFormat.values()) {
                ResponseWriter.render(QimenResponse.success().with("a", "1"), f);
            }
        } catch (QimenException | RuntimeException e) {
            log.debug("warm-up failed", e);
        }
    }
}
