package io.qimencallback.server.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.internal.Requests;
import io.qimencallback.protocol.internal.SystemParams;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.sign.SignatureBase;
import io.qimencallback.server.route.Route;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A call that passed every check, as the rest of the server sees it: the handler's request and the inbox's entry are
 * both made from this one view, so that they hold exactly what the signature covered.
 *
 * @param inbound       the parsed request
 * @param method        the normalized method
 * @param signedParams  the parameters the signature covered (form fields as verified, never re-read from the body)
 * @param blankPairsUnsigned whether the signature matched with blank pairs left out
 * @param client        the caller's address (after trusted proxies)
 * @param route         where the call goes
 * @param replayExpiry  until when a replay of it could pass the timestamp check
 */
public record VerifiedCall(InboundCall inbound, String method, Map<String, String> signedParams,
                           boolean blankPairsUnsigned, String client, Route route, Instant replayExpiry) {
    public VerifiedCall {
        Objects.requireNonNull(inbound, "inbound");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(signedParams, "signedParams");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(replayExpiry, "replayExpiry");
    }

    public String appKey() {
        return inbound.param(SystemParams.APP_KEY);
    }

    /**
     * What makes a replay of this call: the signature, and the charset the body was declared in — the charset is not
     * signed, so a copy declaring another one must not pass for the genuine call (nor the genuine for the copy).
     */
    public String replayKey() {
        return inbound.sign() + ' ' + inbound.contentType().charset().name();
    }

    /** The body's tree, built now: the form fields as verified, or the parsed XML/JSON. */
    public JsonNode tree() throws QimenException {
        if (inbound.contentType().kind() == ContentKind.FORM) {
            Map<String, String> fields = blankPairsUnsigned ? SignatureBase.withoutBlankPairs(inbound.formFields())
                    : inbound.formFields();
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            fields.forEach(node::put);
            return node;
        }
        return BodyParser.parse(inbound.contentType().kind(), inbound.raw().body(), inbound.contentType().charset());
    }

    /** The handler's request, its body tree built on first use (the body was checked well-formed before). */
    public QimenRequest request(String callId, Instant deadline) {
        return Requests.from(inbound, signedParams, () -> {
            try {
                return tree();
            } catch (QimenException e) {
                throw new IllegalStateException("the body was checked well-formed, then did not parse", e);
            }
        }, client).callId(callId).deadline(deadline).build();
    }
}
