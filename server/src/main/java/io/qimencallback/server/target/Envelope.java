package io.qimencallback.server.target;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.QimenRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.util.Base64;
import java.util.Objects;

/**
 * A verified call as the server hands it to an internal target (an HTTP endpoint, a queue): one JSON object, the same
 * for every kind of target.
 *
 * <pre>
 * {"callId": "...", "entryId": 42, "attempt": 1, "businessKey": "DO-1",       // entry fields: inbox deliveries only
 *  "method": "taobao.qimen.deliveryorder.create", "normalizedMethod": "deliveryorder.create",
 *  "appKey": "...", "customerId": "...", "params": {every signed parameter but sign},
 *  "contentType": "text/xml;charset=utf-8", "charset": "UTF-8", "format": "xml",
 *  "body": "&lt;request&gt;...", "bodyBase64": "..." (only when the body is not valid text in its charset; body is then null),
 *  "receivedAt": "2026-12-01T08:00:00Z"}
 * </pre>
 */
public final class Envelope {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Envelope() {
    }

    /** A call forwarded synchronously. */
    public static byte[] ofCall(QimenRequest request) {
        return write(request, null, 0, null);
    }

    /** An inbox entry delivered to a consumer. */
    public static byte[] ofEntry(QimenRequest request, long entryId, int attempt, String businessKey) {
        return write(request, entryId, attempt, Objects.requireNonNull(businessKey, "businessKey"));
    }

    private static byte[] write(QimenRequest r, Long entryId, int attempt, String businessKey) {
        Objects.requireNonNull(r, "request");
        // the body once (JSON escapes add little to XML or JSON text) and room for the rest: a too-small guess only
        // grows the buffer, a too-large one is held for every call in flight
        int body = r.body().remaining();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 + body + body / 8);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("callId", r.callId());
            if (entryId != null) {
                g.writeNumberField("entryId", entryId);
                g.writeNumberField("attempt", attempt);
                g.writeStringField("businessKey", businessKey);
            }
            g.writeStringField("method", r.rawMethod());
            g.writeStringField("normalizedMethod", r.method());
            g.writeStringField("appKey", r.appKey());
            g.writeStringField("customerId", r.customerId());
            g.writeObjectFieldStart("params");
            for (var p : r.params().entrySet()) {
                g.writeStringField(p.getKey(), p.getValue());
            }
            g.writeEndObject();
            g.writeStringField("contentType", r.contentType());
            g.writeStringField("charset", r.charset().name());
            g.writeStringField("format", r.responseFormat().name().toLowerCase(java.util.Locale.ROOT));
            String text = text(r);
            g.writeStringField("body", text);
            if (text == null) {
                ByteBuffer b = r.body();
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                g.writeStringField("bodyBase64", Base64.getEncoder().encodeToString(bytes));
            }
            g.writeStringField("receivedAt", r.receivedAt().toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The body decoded strictly in its charset; {@code null} when it is not valid text there. */
    static String text(QimenRequest r) {
        try {
            CharBuffer chars = r.charset().newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(r.body());
            return chars.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
