package io.qimencallback.server;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.protocol.internal.privacy.PersonalData;
import io.qimencallback.protocol.internal.sign.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs what the event loops run, once, before the public port opens: parsing, verification with every sign method,
 * the XML reader's factory lookup, rendering. Their first use reads jar files (class loading, service lookups), which
 * must not happen on an event loop in the middle of a call — BlockHound in the test suite catches exactly that.
 */
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
            byte[] json = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
            BodyParser.check(ContentKind.JSON, json, StandardCharsets.UTF_8);
            BodyParser.find(ContentKind.JSON, json, StandardCharsets.UTF_8, "a");
            BodyParser.parse(ContentKind.JSON, json, StandardCharsets.UTF_8);
            Map<String, String> headers = Map.of("Content-Type", "text/xml;charset=utf-8");
            HeaderLookup lookup = headers::get;
            InboundCall call = InboundCall.parse(new RawRequest("POST",
                    "method=a.b&app_key=k&timestamp=2026-01-01%2000:00:00&sign=00&sign_method=hmac-sha256", lookup, xml,
                    "127.0.0.1", Instant.now()));
            QimenTime.parse(call.param("timestamp"));
            for (String method : List.of("md5", "hmac", "hmac-sha256")) {
                SignatureVerifier.check(call.signatureBase(), "00", method, List.of("warm-up-secret-0123456789"));
            }
            // signature diagnostics explain and mask a failure where it is verified
            PersonalData.maskText("<request><name>x</name></request>");
            for (ResponseFormat f : ResponseFormat.values()) {
                ResponseWriter.render(QimenResponse.success().with("a", "1"), f);
            }
        } catch (QimenException | RuntimeException e) {
            log.debug("warm-up failed", e);
        }
    }
}
