package io.qimencallback.protocol;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Renders a {@link QimenResponse} as the bytes of an HTTP body, UTF-8, in either format of spec §4. */
public final class ResponseWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XMLOutputFactory XML = XMLOutputFactory.newFactory();
    /** Written by hand: StAX implementations differ in quoting, and the documented samples use double quotes. */
    private static final byte[] XML_DECLARATION = "<?xml version=\"1.0\" encoding=\"utf-8\"?>".getBytes(StandardCharsets.US_ASCII);

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
            for (Map.Entry<String, JsonNode> e : r.fieldsView().entrySet()) {
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

    /** {@code <?xml version="1.0" encoding="utf-8"?><response><flag>…</flag><code>…</code><message>…</message>…}. */
    static byte[] xml(QimenResponse r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(XML_DECLARATION);
        try {
            XMLStreamWriter w = XML.createXMLStreamWriter(out, "utf-8");
            w.writeStartElement("response");
            element(w, "flag", r.flag());
            element(w, "code", r.code());
            element(w, "message", r.message());
            for (Map.Entry<String, JsonNode> e : r.fieldsView().entrySet()) {
                node(w, e.getKey(), e.getValue());
            }
            w.writeEndElement();
            w.writeEndDocument();
            w.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot render response", e);
        }
        return out.toByteArray();
    }

    private static void node(XMLStreamWriter w, String name, JsonNode value) throws XMLStreamException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            w.writeEmptyElement(name);
        } else if (value.isArray()) {
            for (JsonNode item : value) {
                node(w, name, item);
            }
        } else if (value.isObject()) {
            w.writeStartElement(name);
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                node(w, xmlName(e.getKey()), e.getValue());
            }
            w.writeEndElement();
        } else {
            element(w, name, value.asText());
        }
    }

    private static void element(XMLStreamWriter w, String name, String text) throws XMLStreamException {
        w.writeStartElement(name);
        w.writeCharacters(xmlText(text));
        w.writeEndElement();
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

    /** Drops the characters XML 1.0 cannot carry at all (most C0 controls), which StAX would write verbatim. */
    static String xmlText(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isXmlChar(s.charAt(i))) {
                StringBuilder b = new StringBuilder(s.length());
                s.chars().filter(c -> isXmlChar((char) c)).forEach(c -> b.append((char) c));
                return b.toString();
            }
        }
        return s;
    }

    private static boolean isXmlChar(char c) {
        return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') && c != 0xFFFE && c != 0xFFFF;
    }
}
