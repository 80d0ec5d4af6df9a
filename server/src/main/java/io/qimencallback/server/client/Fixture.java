package io.qimencallback.server.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenTime;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One bundled call of a Qimen API, with fake data, as the gateway would send it. The body is a template:
 * {@code {{code}}} becomes a value unique to each call (so repeated sends are distinct documents), {@code {{now}}}
 * and {@code {{hourAgo}}} the current time in GMT+8.
 */
public final class Fixture {

    /** How the business data travels: an XML body with root {@code <request>}, a JSON body, or form fields. */
    public enum Kind {
        XML, JSON, FORM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind of(String name) {
            for (Kind k : values()) {
                if (k.wireName().equalsIgnoreCase(Objects.requireNonNull(name, "name").trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown body kind " + name + " (xml, json or form)");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CODE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss");
    // seeded at random so that two processes sending in the same second rarely collide
    private static final AtomicLong SEQUENCE = new AtomicLong(ThreadLocalRandom.current().nextLong(1_000_000));

    private final String api;
    private final String gatewayMethod;
    private final Kind kind;
    private final String format;
    private final Map<String, String> params;
    private final String template;

    Fixture(String api, String gatewayMethod, Kind kind, String format, Map<String, String> params, String template) {
        this.api = Objects.requireNonNull(api, "api");
        this.gatewayMethod = Objects.requireNonNull(gatewayMethod, "gatewayMethod");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.format = Objects.requireNonNull(format, "format");
        this.params = Map.copyOf(params);
        this.template = Objects.requireNonNull(template, "template");
    }

    /** The API as a handler registers it (the normalized method name), e.g. {@code deliveryorder.create}. */
    public String api() { return api; }
    /** The {@code method} parameter as sent, e.g. {@code taobao.qimen.deliveryorder.create}. */
    public String gatewayMethod() { return gatewayMethod; }
    public Kind kind() { return kind; }
    /** The {@code format} this API is normally called with. */
    public String format() { return format; }
    /** Query parameters besides the system ones, e.g. {@code target_app_key}. */
    public Map<String, String> params() { return params; }
    public String template() { return template; }

    /** A value unique to each call: the time in GMT+8 to the second, then a sequence number. */
    public static String uniqueCode() {
        return CODE_TIME.format(Instant.now().atOffset(QimenTime.CHINA))
                + String.format(Locale.ROOT, "%06d", SEQUENCE.getAndIncrement() % 1_000_000);
    }

    /** The body text in the fixture's own kind (form fields as a flat JSON object) with the placeholders filled in. */
    public String render(Instant now, String code) {
        return template.replace("{{code}}", Objects.requireNonNull(code, "code"))
                .replace("{{now}}", QimenTime.format(now))
                .replace("{{hourAgo}}", QimenTime.format(now.minus(Duration.ofHours(1))));
    }

    /** A fresh call in the fixture's own kind; add the app key, secret and other options, then build it. */
    public GatewayRequest.Builder call() {
        return call(kind);
    }

    /**
     * A fresh call whose business data travels as {@code as}: fields of a JSON or form fixture can go as a JSON
     * object, form fields or XML elements; a nested XML document can become JSON but not form fields.
     */
    public GatewayRequest.Builder call(Kind as) {
        return call(as, StandardCharsets.UTF_8);
    }

    /** As {@link #call(Kind)}, the body encoded in {@code charset}. */
    public GatewayRequest.Builder call(Kind as, Charset charset) {
        Objects.requireNonNull(as, "as");
        String text = render(Instant.now(), uniqueCode());
        GatewayRequest.Builder b = GatewayRequest.builder(gatewayMethod).charset(charset).format(format);
        params.forEach(b::param);
        if (as == kind && kind == Kind.XML) {
            return b.xmlBody(text);
        }
        if (as == kind && kind == Kind.JSON) {
            return b.jsonBody(text);
        }
        JsonNode tree = tree(text);
        switch (as) {
            case JSON -> b.jsonBody(tree.toString());
            case XML -> b.xmlBody(ResponseWriter.xmlDocument("request", tree));
            case FORM -> formFields(tree).forEach(b::formField);
        }
        return b;
    }

    private JsonNode tree(String text) {
        try {
            return kind == Kind.XML
                    ? BodyParser.parse(ContentKind.XML, text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)
                    : JSON.readTree(text);
        } catch (QimenException | JsonProcessingException e) {
            throw new IllegalStateException("fixture " + api + " does not parse: " + e.getMessage(), e);
        }
    }

    private Map<String, String> formFields(JsonNode tree) {
        Map<String, String> fields = new LinkedHashMap<>();
        tree.fields().forEachRemaining(f -> {
            if (f.getValue().isContainerNode() && kind == Kind.XML) {
                throw new IllegalArgumentException(api + " is a nested XML document (" + f.getKey()
                        + "): it cannot be sent as form fields; use xml or json");
            }
            // nested JSON values travel as JSON text, as WDT's params and pager fields do
            fields.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
        });
        return fields;
    }

    @Override
    public String toString() {
        return api + " (" + gatewayMethod + ", " + kind.wireName() + ")";
    }
}
