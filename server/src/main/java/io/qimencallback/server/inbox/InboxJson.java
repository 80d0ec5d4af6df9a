package io.qimencallback.server.inbox;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.protocol.internal.privacy.PersonalData;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * An entry as JSON, for the admin API and {@code inbox export}: one shape everywhere. Personal data is masked with
 * {@link PersonalData} unless revealed; a revealed entry also carries the exact body bytes (base64).
 */
public final class InboxJson {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private InboxJson() {
    }

    /** What a list shows: no parameters, no body. */
    public static ObjectNode summary(InboxEntry e, boolean reveal) {
        ObjectNode o = JSON.objectNode()
                .put("id", e.id())
                .put("received", e.received().toString())
                .put("method", e.method())
                .put("rawMethod", e.rawMethod())
                .put("appKey", e.appKey())
                .put("customerId", e.customerId())
                .put("businessKey", reveal ? e.businessKey() : PersonalData.maskValues(e.businessKey()))
                .put("consumer", e.consumer())
                .put("status", e.status().dbName())
                .put("attempts", e.attempts())
                .put("format", e.format())
                .put("callId", e.callId())
                .put("deliveredTo", e.deliveredTo());
        o.put("lastError", e.lastError() == null ? null : reveal ? e.lastError() : PersonalData.maskText(e.lastError()));
        return o;
    }

    /** Everything stored about the call. */
    public static ObjectNode detail(InboxEntry e, boolean reveal) {
        ObjectNode o = summary(e, reveal);
        o.put("nextAttemptAt", e.nextAttemptAt().toString());
        o.put("updated", e.updated().toString());
        o.put("remote", e.remote());
        Map<String, String> params = reveal ? e.params() : PersonalData.maskParams(e.params());
        ObjectNode p = o.putObject("params");
        params.forEach(p::put);
        o.put("contentType", e.contentType());
        String text = new String(e.body(), charset(e));
        o.put("body", reveal ? text : PersonalData.maskBody(e.contentType(), text));
        o.put("bodyBytes", e.body().length);
        o.put("masked", !reveal);
        if (reveal) {
            o.put("bodyBase64", Base64.getEncoder().encodeToString(e.body()));
        }
        return o;
    }

    private static Charset charset(InboxEntry e) {
        try {
            return ContentType.of(e.contentType(), e.body()).charset();
        } catch (QimenException ex) {
            return StandardCharsets.UTF_8; // stored calls passed this check; a changed allow-list may not
        }
    }
}
