package io.qimencallback.testkit;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.server.client.GatewayResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/** A handler's answer as the gateway would receive it: rendered by the server's own writer, then read back. */
public final class QimenResponses {
    private QimenResponses() {
    }

    /**
     * The answer rendered in XML and read as the gateway reads it.
     *
     * @param response the handler's answer
     * @return the answer as the gateway reads it
     */
    public static QimenAnswer answer(QimenResponse response) {
        return answer(response, "xml");
    }

    /**
     * The answer rendered in {@code xml} or {@code json} and read as the gateway reads it.
     *
     * @param response the handler's answer
     * @param format   {@code xml} or {@code json}
     * @return the answer as the gateway reads it
     */
    public static QimenAnswer answer(QimenResponse response, String format) {
        ResponseFormat f = format(format);
        byte[] body = ResponseWriter.render(Objects.requireNonNull(response, "response"), f);
        return new QimenAnswer(new GatewayResponse(200, f.contentType(), body));
    }

    /**
     * The body the server would send: {@code <response><flag>success</flag>…</response>} or its JSON form.
     *
     * @param response the handler's answer
     * @param format   {@code xml} or {@code json}
     * @return the body's text
     */
    public static String render(QimenResponse response, String format) {
        return new String(ResponseWriter.render(Objects.requireNonNull(response, "response"), format(format)),
                StandardCharsets.UTF_8);
    }

    private static ResponseFormat format(String format) {
        return switch (Objects.requireNonNull(format, "format").toLowerCase(Locale.ROOT)) {
            case "xml" -> ResponseFormat.XML;
            case "json" -> ResponseFormat.JSON;
            default -> throw new IllegalArgumentException("format is xml or json, not " + format);
        };
    }
}
