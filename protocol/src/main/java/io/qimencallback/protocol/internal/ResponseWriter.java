package io.qimencallback.protocol.internal;

import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/** Renders a {@link QimenResponse} as the bytes of an HTTP body, UTF-8, in either format of spec §4. */
public final class ResponseWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ResponseWriter() {
    }

    public static byte[] render(QimenResponse response, ResponseFormat format) {
        return format == ResponseFormat.JSON ? json(response) : xml(response);
    }

    /** {@code {"response":{"flag":…,"code":…,"message":…[,"sub_code":…,"sub_message":…],…}}}. */
    static byte[] json(QimenResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("response");
            g.writeStringField("flag", r.flag());
            g.writeStringField("code", r.code());
            g.writeStringField("message", r.message());
            if (!r.isSuccess()) {
                g.writeStringField("sub_code", r.code());
                g.writeStringField("sub_message", r.message());
            }
            for (Map.Entry<String, JsonNode> e : ApiAccess.fieldsView(r).entrySet()) {
                g.writeFieldName(e.getKey());
                JSON.writeTree(g, e.getValue());
            }
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * {@code <?xml version="1.0" encoding="utf-8"?><response><flag>…</flag><code>…</code><message>…</message>…}.
     * Written by hand: elements and escaped text are all a Qimen answer has, and a StAX writer per answer cost more
     * than the rest of the rendering.
     */
    static byte[] xml(QimenResponse r) {
        StringBuilder b = new StringBuilder(256);
        b.append("<?xml version=\"1.0\" encoding=\"utf-8\"?><response>");
        element(b, "flag", r.flag());
        element(b, "code", r.code());
        element(b, "message", r.message());
        for (Map.Entry<String, JsonNode> e : ApiAccess.fieldsView(r).entrySet()) {
            node(b, e.getKey(), e.getValue());
        }
        b.append("</response>");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Any tree as an XML document under {@code root}, written as answers are (arrays as repeated elements): e.g. a
     * {@code <request>} body that a gateway simulator builds from a JSON fixture.
     */
    public static String xmlDocument(String root, JsonNode content) {
        StringBuilder b = new StringBuilder(256).append("<?xml version=\"1.0\" encoding=\"utf-8\"?>");
        node(b, xmlName(Objects.requireNonNull(root, "root")), Objects.requireNonNull(content, "content"));
        return b.toString();
    }

    private static void node(StringBuilder b, String name, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            b.append('<').append(name).append("/>");
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                node(b, name, item);
            }
        } else if (value.isObject()) {
            b.append('<').append(name).append('>');
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                node(b, xmlName(e.getKey()), e.getValue());
            }
            b.append("</").append(name).append('>');
        } else {
            element(b, name, value.asText());
        }
    }

    private static void element(StringBuilder b, String name, String text) {
        b.append('<').append(name).append('>');
        escape(b, text);
        b.append("</").append(name).append('>');
    }

    /** Text content: markup characters escaped, characters XML 1.0 cannot carry at all (most C0 controls) dropped. */
    static void escape(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                default -> {
                    if (isXmlChar(c)) {
                        b.append(c);
                    }
                }
            }
        }
    }

    /** Map keys inside field values come from handlers; make them legal element names rather than fail. */
    static String xmlName(String key) {
        if (key.isEmpty()) {
            return "_";
        }
        StringBuilder b = new StringBuilder(key.length());
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            boolean ok = Character.isLetter(c) || c == '_' || (i > 0 && (Character.isDigit(c) || c == '-' || c == '.'));
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    private static boolean isXmlChar(char c) {
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') && c != 0xFFFE && c != 0xFFFF;
    }
}
