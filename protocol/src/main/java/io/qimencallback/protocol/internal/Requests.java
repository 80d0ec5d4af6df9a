package io.qimencallback.protocol.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenRequestBuilder;
import io.qimencallback.protocol.internal.http.InboundCall;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/** The server's way to make the {@link QimenRequest} a handler receives from a verified call. */
public final class Requests {
    private Requests() {
    }

    /**
     * A builder holding the verified call, for the server to add the call id and deadline.
     *
     * @param call          the verified call
     * @param params        the parameters the signature covered ({@link InboundCall#signedParams}); {@code sign}
     *                      is left out
     * @param bodyTree      builds the parsed body on a handler's first {@code bodyTree()} (the body was checked
     *                      well-formed before: building it then does not fail)
     * @param remoteAddress the caller's address
     * @return the builder
     */
    public static QimenRequestBuilder from(InboundCall call, Map<String, String> params, Supplier<JsonNode> bodyTree,
                                          String remoteAddress) {
        Objects.requireNonNull(bodyTree, "bodyTree");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        QimenRequestBuilder b = QimenRequest.builder(call.param(SystemParams.METHOD));
        params.forEach((k, v) -> {
            if (!k.equals(SystemParams.SIGN)) {
                b.param(k, v);
            }
        });
        return ApiAccess.lazyBody(b, call.raw().body(), call.contentType().kind(), bodyTree)
                .contentType(call.contentType().header(), call.contentType().charset())
                .remoteAddress(remoteAddress)
                .receivedAt(call.raw().receivedAt());
    }
}
