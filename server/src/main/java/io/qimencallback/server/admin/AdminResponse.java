package io.qimencallback.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * An admin answer: status, content type and bytes, and any extra headers (such as {@code Allow}). The security
 * headers every admin answer carries are added by the port, not here.
 */
public final class AdminResponse {
    public static final String JSON = "application/json; charset=utf-8";
    public static final String TEXT = "text/plain; charset=utf-8";
    public static final String HTML = "text/html; charset=utf-8";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .build();

    private final int status;
    private final String contentType;
    private final byte[] body;
    private final Map<String, String> headers;

    private AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
        this.status = status;
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.body = Objects.requireNonNull(body, "body");
        this.headers = Map.copyOf(headers);
    }

    public static AdminResponse of(int status, String contentType, byte[] body) {
        return new AdminResponse(status, contentType, body.clone(), Map.of());
    }

    /** 200 with a JSON rendering of {@code value} (a {@code JsonNode}, a map, a record...). */
    public static AdminResponse json(Object value) {
        return json(200, value);
    }

    public static AdminResponse json(int status, Object value) {
        try {
            return new AdminResponse(status, JSON, MAPPER.writeValueAsBytes(value), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not renderable as JSON: " + value.getClass().getName(), e);
        }
    }

    public static AdminResponse text(int status, String text) {
        return new AdminResponse(status, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public static AdminResponse text(String text) {
        return text(200, text);
    }

    public static AdminResponse html(byte[] page) {
        return of(200, HTML, page);
    }

    /** {@code {"error":"..."}} with the given status. */
    public static AdminResponse error(int status, String message) {
        return json(status, JsonNodeFactory.instance.objectNode().put("error", Objects.requireNonNull(message)));
    }

    public static AdminResponse notFound() {
        return error(404, "not found");
    }

    /** The same answer with one more header. */
    public AdminResponse withHeader(String name, String value) {
        Map<String, String> h = new java.util.LinkedHashMap<>(headers);
        h.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
        return new AdminResponse(status, contentType, body, h);
    }

    /** The mapper admin services share. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    public byte[] body() {
        return body.clone();
    }

    /** The body without a copy, for the port that writes it. */
    byte[] bodyUnsafe() {
        return body;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "AdminResponse[" + status + " " + contentType + ", " + body.length + " bytes]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminResponse r && status == r.status && contentType.equals(r.contentType)
                && Arrays.equals(body, r.body) && headers.equals(r.headers);
    }

    @Override
    public int hashCode() {
        return Objects.hash(status, contentType, headers) * 31 + Arrays.hashCode(body);
    }
}
