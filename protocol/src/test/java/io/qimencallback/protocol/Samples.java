package io.qimencallback.protocol;

import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.RawRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/** The shared protocol fixtures (a copy of {@code shared/protocol/samples}), read from the test classpath. */
public final class Samples {
    public static final String SECRET = "demo-secret-0123456789";
    public static final String XML_TYPE = "text/xml;charset=utf-8";
    public static final String JSON_TYPE = "application/json;charset=utf-8";
    public static final String FORM_TYPE = "application/x-www-form-urlencoded;charset=UTF-8";

    private Samples() {
    }

    public static byte[] bytes(String name) {
        try (InputStream in = Samples.class.getResourceAsStream("/samples/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8).strip();
    }

    /** A sample query string with its {@code __SIGN__} placeholder replaced. */
    public static String query(String name, String sign) {
        return text(name).replace("__SIGN__", sign);
    }

    public static RawRequest raw(String query, String contentType, byte[] body) {
        return raw(query, Map.of("Content-Type", contentType), body);
    }

    public static RawRequest raw(String query, Map<String, String> headers, byte[] body) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        HeaderLookup lookup = h::get;
        return new RawRequest("POST", query, lookup, body, "127.0.0.1", Instant.now());
    }
}
