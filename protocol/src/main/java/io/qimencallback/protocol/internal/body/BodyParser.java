package io.qimencallback.protocol.internal.body;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLInputFactory;

/**
 * Turns a verified body into a Jackson tree. XML is parsed with DTDs, external entities and entity expansion off, so
 * XXE and entity bombs fail as {@code invalid-body} instead of reaching a file, the network or the heap.
 */
public final class BodyParser {
    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(200)
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML;

    static {
        JSON.getFactory().setStreamReadConstraints(LIMITS);
        XmlFactory factory = XmlFactory.builder().xmlInputFactory(hardenedXmlInput()).streamReadConstraints(LIMITS).build();
        XML = new XmlMapper(factory);
    }

    /**
     * A new StAX input factory configured as this parser's: no DTD, no external entities, no entity but the five
     * predefined ones. Whatever else reads request XML (personal-data masking) starts from this one.
     */
    public static XMLInputFactory hardenedXmlInput() {
        // Woodstox by name, not XMLInputFactory.newFactory(): that looks the implementation up on every call (a
        // properties file, a service scan of the jars), which is file I/O, and the settings below are Woodstox's
        XMLInputFactory in = new com.ctc.wstx.stax.WstxInputFactory();
        in.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        in.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        // with no DTD only the five predefined entities exist; replacing makes any other reference an error
        in.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, true);
        // element names need not be String.intern()ed for a tree; interning showed up as a tenth of parse time
        in.setProperty("org.codehaus.stax2.internNames", false);
        return in;
    }

    /** The JSON parser factory of this parser (nesting limited to 200), for streaming reads of request JSON. */
    public static JsonFactory jsonFactory() {
        return JSON.getFactory();
    }

    private BodyParser() {
    }

    /**
     * @return the tree: the root element's content for XML, the document for JSON, an object of fields for forms,
     * {@link MissingNode} for anything else
     */
    public static JsonNode parse(ContentKind kind, byte[] body, Charset charset) throws QimenException {
        try {
            return switch (kind) {
                case XML -> declaresDtd(body) ? invalid("XML with a DOCTYPE is not accepted")
                        : nonNull(utf8(charset) ? XML.readTree(body) : XML.readTree(new String(body, charset)));
                case JSON -> nonNull(utf8(charset) ? JSON.readTree(body) : JSON.readTree(new String(body, charset)));
                case FORM -> form(body, charset);
                case TEXT, NONE -> MissingNode.getInstance();
            };
        } catch (JsonProcessingException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind + ": " + reason(e));
        } catch (IOException | RuntimeException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind);
        }
    }

    /**
     * Checks that a body is well-formed without building its tree (a streaming pass): what {@link #parse} would
     * refuse, this refuses with the same answer, at a fraction of the cost.
     */
    public static void check(ContentKind kind, byte[] body, Charset charset) throws QimenException {
        if (kind == ContentKind.XML) {
            if (declaresDtd(body)) {
                invalid("XML with a DOCTYPE is not accepted");
            }
            XmlScan.check(body, charset);
            return;
        }
        if (kind != ContentKind.XML && kind != ContentKind.JSON) {
            return;
        }
        if (kind == ContentKind.XML && declaresDtd(body)) {
            invalid("XML with a DOCTYPE is not accepted");
        }
        ObjectMapper mapper = kind == ContentKind.XML ? XML : JSON;
        boolean any = false;
        try (com.fasterxml.jackson.core.JsonParser p = utf8(charset) ? mapper.createParser(body)
                : mapper.createParser(new String(body, charset))) {
            while (p.nextToken() != null) {
                any = true;
            }
        } catch (JsonProcessingException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind + ": " + reason(e));
        } catch (IOException | RuntimeException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind);
        }
        if (!any) {
            invalid("body is empty");
        }
    }

    /**
     * The text of the first value at {@code path} ({@code deliveryOrder/deliveryOrderCode}: element or field names
     * below the root, separated by {@code /}), read by streaming and stopping there: no tree is built. Empty when the
     * body is not XML or JSON, or has no such value.
     */
    public static java.util.Optional<String> find(ContentKind kind, byte[] body, Charset charset, String path)
            throws QimenException {
        if (kind == ContentKind.XML) {
            return XmlScan.find(body, charset, path);
        }
        if (kind != ContentKind.XML && kind != ContentKind.JSON) {
            return java.util.Optional.empty();
        }
        String[] want = path.split("/");
        String[] at = new String[LIMITS.getMaxNestingDepth() + 1];
        ObjectMapper mapper = kind == ContentKind.XML ? XML : JSON;
        try (com.fasterxml.jackson.core.JsonParser p = utf8(charset) ? mapper.createParser(body)
                : mapper.createParser(new String(body, charset))) {
            int depth = 0; // objects entered below the root object
            int matched = 0; // leading names of the path matched by the current position
            com.fasterxml.jackson.core.JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> depth++;
                    case END_OBJECT -> {
                        depth--;
                        matched = Math.min(matched, Math.max(0, depth - 1));
                    }
                    case FIELD_NAME -> {
                        int level = depth - 1;
                        if (level >= 0 && level < at.length) {
                            at[level] = p.currentName();
                            matched = level == matched && matched < want.length && want[matched].equals(at[level])
                                    ? matched + 1 : Math.min(matched, level);
                        }
                    }
                    default -> {
                        if (t.isScalarValue() && matched == want.length && depth - 1 == want.length - 1) {
                            return java.util.Optional.of(p.getText());
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind + ": " + reason(e));
        } catch (IOException | RuntimeException e) {
            throw new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed " + kind);
        }
        return java.util.Optional.empty();
    }

    private static JsonNode invalid(String message) throws QimenException {
        throw new QimenException(ErrorCode.INVALID_BODY, message);
    }

    private static JsonNode nonNull(JsonNode node) throws QimenException {
        return node == null || node.isMissingNode() ? invalid("body is empty") : node;
    }

    private static ObjectNode form(byte[] body, Charset charset) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        UrlEncoding.parseForm(new String(body, charset), charset).forEach(node::put);
        return node;
    }

    private static boolean utf8(Charset charset) {
        return charset.equals(StandardCharsets.UTF_8);
    }

    private static final byte[] DOCTYPE = "<!DOCTYPE".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENTITY = "<!ENTITY".getBytes(StandardCharsets.US_ASCII);

    /**
     * Belt and braces: a Qimen body never needs a DTD, so one is refused before the parser sees it. Scans bytes (the
     * markup is ASCII in every charset a Qimen body uses); the parser settings refuse DTDs anyway.
     */
    static boolean declaresDtd(byte[] body) {
        for (int i = 0; i + ENTITY.length <= body.length; i++) {
            if (body[i] == '<' && i + 1 < body.length && body[i + 1] == '!'
                    && (startsWith(body, i, DOCTYPE) || startsWith(body, i, ENTITY))) {
                return true;
            }
        }
        return false;
    }

    private static boolean startsWith(byte[] body, int at, byte[] prefix) {
        if (at + prefix.length > body.length) {
            return false;
        }
        for (int j = 0; j < prefix.length; j++) {
            if (body[at + j] != prefix[j]) {
                return false;
            }
        }
        return true;
    }

    private static String reason(JsonProcessingException e) {
        String msg = e.getOriginalMessage();
        if (msg != null && msg.length() > 160) {
            msg = msg.substring(0, 160) + "…";
        }
        var loc = e.getLocation();
        return loc == null ? msg : msg + " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")";
    }
}
