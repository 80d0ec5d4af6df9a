package io.qimencallback.protocol;

import io.qimencallback.protocol.ContentKind;
import java.util.Locale;

/** The two answer formats of spec §4. */
public enum ResponseFormat {
    /** XML, {@code <response>…</response>} (the ERP–WMS APIs). */
    XML("text/xml;charset=utf-8"),
    /** JSON, {@code {"response":{…}}} (QimenCloud, CRM and custom scenarios). */
    JSON("application/json;charset=utf-8");

    private final String contentType;

    ResponseFormat(String contentType) {
        this.contentType = contentType;
    }

    /**
     * The {@code Content-Type} of an answer in this format.
     *
     * @return e.g. {@code text/xml;charset=utf-8}
     */
    public String contentType() {
        return contentType;
    }

    /**
     * The {@code format} parameter decides; without a usable one, answer in the body's kind; XML when in doubt (the
     * ERP–WMS APIs are XML only).
     *
     * @param formatParam the {@code format} parameter, or null
     * @param bodyKind    the request body's kind
     * @return the format to answer in
     */
    public static ResponseFormat choose(String formatParam, ContentKind bodyKind) {
        if (formatParam != null) {
            String f = formatParam.trim().toLowerCase(Locale.ROOT);
            if (f.equals("json")) {
                return JSON;
            }
            if (f.equals("xml")) {
                return XML;
            }
        }
        return bodyKind == ContentKind.JSON ? JSON : XML;
    }
}
