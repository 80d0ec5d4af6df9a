package io.qimencallback.protocol.internal.privacy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.internal.http.ContentType;
import io.qimencallback.protocol.internal.http.UrlEncoding;
import java.io.IOException;
import java.io.StringReader;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import org.codehaus.stax2.LocationInfo;
import org.codehaus.stax2.XMLStreamReader2;

/**
 * Masks personal data — people's names, phone numbers, addresses, identity numbers, e-mail — wherever a call's
 * content is shown to a person: the debug console, exports, diagnostics. One rule, used everywhere.
 *
 * <p>A value is personal when its field name says so (the ERP–WMS {@code receiverInfo}/{@code senderInfo} fields, the
 * CRM and WangDianTong {@code receiver_*} fields, {@code fullName}, {@code receiverEmail}, {@code idCard}, ...), and,
 * in any text at all, when it looks like a mainland mobile number, a resident identity number (18 digits or the old
 * 15) or an e-mail address. Bodies are masked on their parsed structure — XML element and attribute names (namespace
 * prefix ignored) with their text and CDATA, JSON keys at any depth, form fields — and keep their shape otherwise; a
 * body that cannot be parsed is not shown at all. Masking keeps enough to recognise a record ({@code 张**},
 * {@code 138****5678}, {@code 浙江省杭州市****}) and never enough to contact the person.
 */
public final class PersonalData {

    /** Field names (lower case, without '_' or '-', namespace prefix dropped) whose values are people's names. */
    private static final Set<String> NAMES = Set.of("name", "receivername", "sendername", "contactname", "buyername",
            "buyernick", "username", "consignee", "receiver", "realname", "linkman", "contact", "fullname",
            "truename", "nickname", "contactperson");
    /** Suffixes of name fields: receiverFullName, buyerRealName, senderContactName... */
    private static final String[] NAME_SUFFIXES = {"fullname", "realname", "truename", "contactname", "receivername",
            "sendername", "buyername", "consigneename"};
    private static final Set<String> OTHER = Set.of("idnumber", "idcard", "idcardno", "certno", "zipcode",
            "receiverzip", "postcode");
    private static final String[] OTHER_SUFFIXES = {"idcard", "idcardno", "idcardnumber", "idnumber", "certno",
            "certificateno", "identityno", "identitycard", "passportno"};
    /** Suffixes of personal field names: receiverMobile, receiver_tel, senderPhone, detailAddress, receiver_address... */
    private static final String[] PHONE_SUFFIXES = {"mobile", "phone", "tel", "telno", "telephone", "mobileno"};
    private static final String ADDRESS_SUFFIX = "address";

    /** A mainland mobile number not embedded in a longer number (an order number is not a phone). */
    private static final Pattern MOBILE =
            Pattern.compile("(?<!\\d)(?:\\+?86[- ]?)?(1[3-9]\\d)[- ]?(\\d{4})[- ]?(\\d{4})(?!\\d)");
    /** A resident identity number: region, birth date (19th to 21st century), sequence, check character. */
    private static final Pattern ID_18 = Pattern.compile("(?<!\\d)([1-9]\\d{2})(\\d{3}(?:18|19|20)\\d{2}"
            + "(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]))(\\d{3}[0-9Xx])(?![0-9A-Za-z])");
    /** The first-generation form: region, two-digit year, month, day, sequence. */
    private static final Pattern ID_15 = Pattern.compile(
            "(?<!\\d)([1-9]\\d{2})(\\d{3}\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01]))(\\d{3})(?![0-9A-Za-z])");
    private static final Pattern EMAIL =
            // the domain as one character class: a repeated group recurses once per label in java.util.regex
            Pattern.compile("(?<![\\w.%+-])([\\w%+-])[\\w.%+-]*@([A-Za-z0-9-][A-Za-z0-9.-]*\\.[A-Za-z]{2,})");

    // Free-text fragments (messages, diagnostics): regular expressions, as such text is not a document.
    private static final Pattern XML_ELEMENT = Pattern.compile(
            "<((?:[\\w.-]+:)?[A-Za-z_][\\w.-]*)(\\s[^<>]*)?>(<!\\[CDATA\\[.*?]]>|[^<]*)</\\1\\s*>", Pattern.DOTALL);
    private static final Pattern XML_START_TAG = Pattern.compile("<[A-Za-z_][^<>]*>");
    private static final Pattern XML_ATTRIBUTE = Pattern.compile("([\\w.:-]+)(\\s*=\\s*)(\"[^\"]*\"|'[^']*')");
    /**
     * A JSON string field up to its value's opening quote; the value is scanned by {@link #jsonStringEnd}, not by the
     * expression: {@code (?:[^"\\]|\\.)*} recurses once per character in java.util.regex, and a long value overflowed the
     * stack (found by the fuzzer).
     */
    private static final Pattern JSON_STRING_FIELD_START =
            Pattern.compile("\"([A-Za-z_][\\w.:-]*)\"(\\s*:\\s*)\"");
    private static final Pattern JSON_NUMBER_FIELD =
            Pattern.compile("\"([A-Za-z_][\\w.:-]*)\"(\\s*:\\s*)(-?\\d[\\d.eE+-]*)");
    private static final Pattern FORM_PAIR = Pattern.compile("(^|[&?\\s])([\\w.%\\[\\]-]+)=(?![\"'])([^&\\s]*)");

    private static final XMLInputFactory XML_INPUT = BodyParser.hardenedXmlInput();

    static {
        // one text event per text node, CDATA included, so that a value is never masked in pieces
        XML_INPUT.setProperty(XMLInputFactory.IS_COALESCING, true);
        // prefixes need no declaration to be masked: the local name decides
        XML_INPUT.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    }

    private enum Kind { NAME, PHONE, ADDRESS, EMAIL, OTHER }

    /** The body is not what its type says: it is shown as a placeholder. */
    private static final class Unreadable extends Exception {
        Unreadable() {
            super(null, null, false, false);
        }
    }

    private PersonalData() {
    }

    /** Whether a field of this name holds personal data. */
    public static boolean isPersonal(String fieldName) {
        return kindOf(fieldName) != null;
    }

    /** The value of a field, masked if the field is personal; in other values phones, IDs and e-mail masked. */
    public static String maskField(String fieldName, String value) {
        if (value == null) {
            return null;
        }
        Kind kind = kindOf(fieldName);
        return kind == null ? maskValues(value) : maskValues(mask(kind, value));
    }

    /** A copy of the parameters with personal values masked, in the same order (names with an ID or phone too). */
    public static Map<String, String> maskParams(Map<String, String> params) {
        Objects.requireNonNull(params, "params");
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(maskValues(k), maskField(k, v)));
        return out;
    }

    /** A deep copy of a body tree with personal values masked (object field names decide; array items inherit). */
    public static JsonNode mask(JsonNode tree) {
        Objects.requireNonNull(tree, "tree");
        return maskNode(null, tree.deepCopy());
    }

    private static JsonNode maskNode(String fieldName, JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(e -> e.setValue(maskNode(e.getKey(), e.getValue())));
            return object;
        }
        if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, maskNode(fieldName, array.get(i)));
            }
            return array;
        }
        if (node.isValueNode() && !node.isNull()) {
            String text = node.asText();
            String masked = maskField(fieldName, text);
            return masked.equals(text) ? node : TextNode.valueOf(masked);
        }
        return node;
    }

    /**
     * Masks a request body for display, parsed as its Content-Type says (sniffed when it says nothing useful). The
     * text keeps its shape: only personal values are replaced. A body that is not well-formed, or of a kind that has
     * no fields, is replaced whole by a placeholder giving its length; a {@code truncated} one (cut to a size) shows
     * its masked beginning up to where it was cut.
     *
     * @param contentType the request's Content-Type header; may be {@code null}
     */
    public static String maskBody(String contentType, String text, boolean truncated) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            return text;
        }
        String mime = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        char first = firstChar(text);
        String what = "";
        try {
            if (mime.equals("application/x-www-form-urlencoded")) {
                return maskForm(text, charset(contentType), truncated);
            }
            if (mime.endsWith("json") || (!mime.endsWith("xml") && (first == '{' || first == '['))) {
                what = "JSON";
                return maskJson(text, truncated);
            }
            if (mime.endsWith("xml") || first == '<') {
                what = "XML";
                return maskXml(text, truncated);
            }
        } catch (Unreadable e) {
            return placeholder(text.length(), "not well-formed " + what);
        }
        return placeholder(text.length(), "neither XML, JSON nor a form");
    }

    /** As {@link #maskBody(String, String, boolean)} for a whole body. */
    public static String maskBody(String contentType, String text) {
        return maskBody(contentType, text, false);
    }

    /**
     * Masks a text that may hold request content: a message, an error, a diagnostic. A text that is an XML or JSON
     * document is masked as {@link #maskBody} does; in any other text XML elements (CDATA and attributes included),
     * JSON fields and form pairs with personal names are masked where they can be recognised, and phones, identity
     * numbers and e-mail addresses wherever they are.
     */
    public static String maskText(String text) {
        Objects.requireNonNull(text, "text");
        char first = firstChar(text);
        try {
            if (first == '<') {
                return maskXml(text, false);
            }
            if (first == '{' || first == '[') {
                return maskJson(text, false);
            }
        } catch (Unreadable e) {
            // not a document: a text with fragments in it
        }
        return maskFragments(text);
    }

    /**
     * Masks what is personal whatever field it is in: mobile numbers ({@code 138****5678}), resident identity numbers
     * ({@code 330***********123X}) and e-mail addresses ({@code z***@example.com}).
     */
    public static String maskValues(String text) {
        Objects.requireNonNull(text, "text");
        String out = EMAIL.matcher(text).replaceAll("$1***@$2");
        out = ID_18.matcher(out).replaceAll("$1***********$3");
        out = ID_15.matcher(out).replaceAll("$1*********$3");
        return MOBILE.matcher(out).replaceAll("$1****$3");
    }

    // ---- structured bodies: the text is copied, with personal values replaced at their offsets ----

    private static String maskXml(String text, boolean truncated) throws Unreadable {
        StringBuilder out = new StringBuilder(text.length());
        Deque<String> open = new ArrayDeque<>();
        int copied = 0;
        int done = 0; // end of the last event handled
        XMLStreamReader2 r = null;
        try {
            r = (XMLStreamReader2) XML_INPUT.createXMLStreamReader(new StringReader(text));
            while (r.hasNext()) {
                int event = r.next();
                LocationInfo at = r.getLocationInfo();
                int start = (int) at.getStartingCharOffset();
                int end = (int) at.getEndingCharOffset();
                String replacement = null;
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        String tag = maskedStartTag(r);
                        if (tag != null) {
                            replacement = tag;
                        }
                        open.push(qualifiedName(r.getPrefix(), r.getLocalName()));
                    }
                    case XMLStreamConstants.END_ELEMENT -> open.poll();
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (truncated && end >= text.length()) {
                            throw new XMLStreamException("text cut at the end"); // its element may hold more
                        }
                        String value = r.getText();
                        String masked = maskField(open.peek(), value);
                        if (!masked.equals(value)) {
                            replacement = cdataOnly(text, start, end) ? cdata(masked) : escapeXml(masked, false);
                        }
                    }
                    case XMLStreamConstants.COMMENT -> {
                        String masked = maskValues(r.getText());
                        if (!masked.equals(r.getText())) {
                            replacement = "<!--" + masked.replace("--", "- -") + "-->";
                        }
                    }
                    case XMLStreamConstants.DTD, XMLStreamConstants.ENTITY_REFERENCE, XMLStreamConstants.ENTITY_DECLARATION ->
                            throw new Unreadable(); // never in a Qimen body, and never expanded
                    default -> {
                        // declaration, processing instructions, end of document: copied (and value-masked below)
                    }
                }
                if (replacement != null) {
                    if (start < copied || end < start || end > text.length()) {
                        throw new Unreadable(); // offsets not as expected: nothing is shown rather than a guess
                    }
                    out.append(text, copied, start).append(replacement);
                    copied = end;
                }
                done = Math.max(done, Math.min(end, text.length()));
            }
            out.append(text, copied, text.length());
        } catch (XMLStreamException | RuntimeException e) {
            if (!truncated) {
                throw new Unreadable();
            }
            cut(out, text, copied, Math.max(copied, done));
        } finally {
            close(r);
        }
        return maskValues(out.toString());
    }

    /** The start tag rendered again when an attribute value is masked; {@code null} when none is. */
    private static String maskedStartTag(XMLStreamReader2 r) throws XMLStreamException {
        int n = r.getAttributeCount();
        boolean changed = false;
        String[] names = new String[n];
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = qualifiedName(r.getAttributePrefix(i), r.getAttributeLocalName(i));
            String value = r.getAttributeValue(i);
            values[i] = names[i].startsWith("xmlns") ? value : maskField(names[i], value);
            changed |= !values[i].equals(value);
        }
        if (!changed) {
            return null;
        }
        StringBuilder tag = new StringBuilder("<").append(qualifiedName(r.getPrefix(), r.getLocalName()));
        for (int i = 0; i < n; i++) {
            tag.append(' ').append(names[i]).append("=\"").append(escapeXml(values[i], true)).append('"');
        }
        return tag.append(r.isEmptyElement() ? "/>" : ">").toString();
    }

    private static String qualifiedName(String prefix, String local) {
        return prefix == null || prefix.isEmpty() ? local : prefix + ":" + local;
    }

    /** Whether the text event at [start, end) is exactly one CDATA section (then it is shown as one again). */
    private static boolean cdataOnly(String text, int start, int end) {
        if (start < 0 || end > text.length() || !text.startsWith("<![CDATA[", start)) {
            return false;
        }
        int next = text.indexOf("<![CDATA[", start + 1);
        return (next < 0 || next >= end) && text.indexOf("]]>", start) == end - 3;
    }

    private static String cdata(String value) {
        return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>";
    }

    private static String escapeXml(String value, boolean attribute) {
        StringBuilder b = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append(attribute ? "&quot;" : "\"");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static void close(XMLStreamReader2 r) {
        if (r != null) {
            try {
                r.closeCompletely();
            } catch (XMLStreamException | RuntimeException e) {
                // nothing held but a string
            }
        }
    }

    /** An object's fields are named by their keys; an array's items by the key of the array. */
    private record Frame(boolean array, String name) {
    }

    private static String maskJson(String text, boolean truncated) throws Unreadable {
        StringBuilder out = new StringBuilder(text.length());
        Deque<Frame> frames = new ArrayDeque<>();
        int copied = 0;
        int done = 0;
        try (JsonParser p = BodyParser.jsonFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int start = (int) p.currentTokenLocation().getCharOffset();
                if (start < copied || start >= text.length()) {
                    throw new Unreadable();
                }
                int end;
                String replacement = null;
                switch (t) {
                    case FIELD_NAME -> {
                        end = stringEnd(text, start);
                        String name = p.currentName();
                        String masked = maskValues(name);
                        replacement = masked.equals(name) ? null : quote(masked);
                    }
                    case VALUE_STRING, VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> {
                        String value = p.getText();
                        end = t == JsonToken.VALUE_STRING ? stringEnd(text, start) : start + value.length();
                        String masked = maskField(valueName(frames, p), value);
                        replacement = masked.equals(value) ? null : quote(masked);
                    }
                    case START_OBJECT, START_ARRAY -> {
                        frames.push(new Frame(t == JsonToken.START_ARRAY, valueName(frames, p)));
                        end = start + 1;
                    }
                    case END_OBJECT, END_ARRAY -> {
                        frames.poll();
                        end = start + 1;
                    }
                    default -> end = start + p.getText().length(); // true, false, null
                }
                if (end > text.length()) {
                    throw new Unreadable();
                }
                if (replacement != null) {
                    out.append(text, copied, start).append(replacement);
                    copied = end;
                }
                done = end;
            }
            out.append(text, copied, text.length());
        } catch (IOException | RuntimeException e) {
            if (!truncated) {
                throw new Unreadable();
            }
            cut(out, text, copied, Math.max(copied, done));
        }
        return maskValues(out.toString());
    }

    private static String valueName(Deque<Frame> frames, JsonParser p) throws IOException {
        Frame top = frames.peek();
        return top == null ? null : top.array() ? top.name() : p.currentName();
    }

    /** Where the string literal starting at {@code start} (a quote) ends, just past its closing quote. */
    private static int stringEnd(String text, int start) throws Unreadable {
        if (text.charAt(start) != '"') {
            throw new Unreadable();
        }
        int i = start + 1;
        while (i < text.length() && text.charAt(i) != '"') {
            i += text.charAt(i) == '\\' ? 2 : 1;
        }
        if (i >= text.length()) {
            throw new Unreadable();
        }
        return i + 1;
    }

    private static String quote(String value) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(value)) + "\"";
    }

    private static String maskForm(String text, Charset charset, boolean truncated) {
        StringBuilder out = new StringBuilder(text.length());
        String[] pairs = text.split("&", -1);
        // a cut body's last pair may be cut in its name: it is not shown
        int shown = truncated ? pairs.length - 1 : pairs.length;
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                out.append('&');
            }
            String pair = pairs[i];
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = UrlEncoding.decode(rawName, charset);
            String maskedName = maskValues(name);
            out.append(maskedName.equals(name) ? rawName : formText(maskedName));
            if (eq >= 0) {
                String rawValue = pair.substring(eq + 1);
                String value = UrlEncoding.decode(rawValue, charset);
                String masked = maskField(name, value);
                out.append('=').append(masked.equals(value) ? rawValue : formText(masked));
            }
        }
        if (truncated) {
            out.append(shown > 0 ? "&" : "").append(notShown(pairs[pairs.length - 1].length()));
        }
        return maskValues(out.toString());
    }

    /**
     * A masked form value or name as shown: decoded, with only what the form syntax needs escaped. Not encoded again
     * in full: that made a shown form up to nine times as long as the received one (a raw character became
     * {@code %XX%XX%XX}), and decoded text is what a person reads anyway.
     */
    private static String formText(String value) {
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '%' -> b.append("%25");
                case '&' -> b.append("%26");
                case '+' -> b.append("%2B");
                case ' ' -> b.append('+');
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static void cut(StringBuilder out, String text, int copied, int upTo) {
        out.append(text, copied, upTo).append(notShown(text.length() - upTo));
    }

    private static String notShown(int chars) {
        return "…[" + chars + " more characters not shown: the body was cut]";
    }

    private static String placeholder(int chars, String why) {
        return "[body not shown: " + chars + " characters, " + why + "]";
    }

    private static char firstChar(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\uFEFF') {
                return c;
            }
        }
        return 0;
    }

    private static Charset charset(String contentType) {
        try {
            return ContentType.of(contentType, new byte[0]).charset();
        } catch (QimenException | RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    // ---- free text ----

    private static String maskFragments(String text) {
        String out = replace(XML_ELEMENT, text, m -> {
            Kind kind = kindOf(m.group(1));
            if (kind == null) {
                return m.group();
            }
            String content = m.group(3);
            String masked = content.startsWith("<![CDATA[")
                    ? cdata(mask(kind, content.substring(9, content.length() - 3))) : mask(kind, content);
            return "<" + m.group(1) + (m.group(2) == null ? "" : m.group(2)) + ">" + masked + "</" + m.group(1) + ">";
        });
        out = replace(XML_START_TAG, out, tag -> replace(XML_ATTRIBUTE, tag.group(), a -> {
            Kind kind = kindOf(a.group(1));
            String quoted = a.group(3);
            return kind == null || a.group(1).startsWith("xmlns") ? a.group() : a.group(1) + a.group(2)
                    + quoted.charAt(0) + mask(kind, quoted.substring(1, quoted.length() - 1)) + quoted.charAt(0);
        }));
        out = maskJsonStrings(out);
        out = replace(JSON_NUMBER_FIELD, out, m -> {
            Kind kind = kindOf(m.group(1));
            return kind == null ? m.group() : "\"" + m.group(1) + "\"" + m.group(2) + "\"" + mask(kind, m.group(3)) + "\"";
        });
        out = replace(FORM_PAIR, out, m -> {
            Kind kind = kindOf(m.group(2));
            return kind == null ? m.group() : m.group(1) + m.group(2) + "=" + maskEncoded(kind, m.group(3));
        });
        return maskValues(out);
    }

    /** Each {@code "field": "value"} whose name is personal, its value masked; the rest as it was. */
    private static String maskJsonStrings(String text) {
        Matcher m = JSON_STRING_FIELD_START.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        int copied = 0;
        int from = 0;
        while (m.find(from)) {
            int end = jsonStringEnd(text, m.end());
            if (end < 0) {
                from = m.end() - 1; // no closing quote: the value's quote may open a field of its own
                continue;
            }
            Kind kind = kindOf(m.group(1));
            if (kind != null) {
                sb.append(text, copied, m.end()).append(mask(kind, text.substring(m.end(), end))).append('"');
                copied = end + 1;
            }
            from = end + 1;
            if (from >= text.length()) {
                break;
            }
        }
        return sb.append(text, copied, text.length()).toString();
    }

    /** The index of the quote closing a JSON string whose content starts at {@code start}; -1 when there is none. */
    private static int jsonStringEnd(String text, int start) {
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                return i;
            }
            if (c == '\\') {
                if (i + 1 >= text.length() || text.charAt(i + 1) == '\n') {
                    return -1; // as the expression was: an escape is a backslash and any character but a line break
                }
                i++;
            }
        }
        return -1;
    }

    private static String maskEncoded(Kind kind, String encoded) {
        try {
            return formText(mask(kind, URLDecoder.decode(encoded, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            return "****"; // not valid percent-encoding: nothing of it is shown
        }
    }

    private static String replace(Pattern pattern, String text, Function<Matcher, String> with) {
        Matcher m = pattern.matcher(text);
        StringBuilder sb = new StringBuilder(text.length());
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(with.apply(m)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    // ---- the rule ----

    private static Kind kindOf(String fieldName) {
        if (fieldName == null) {
            return null;
        }
        String n = fieldName.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        int sep = Math.max(n.lastIndexOf('.'), n.lastIndexOf(':')); // a path or a namespace prefix
        if (sep >= 0) {
            n = n.substring(sep + 1);
        }
        if (NAMES.contains(n) || endsWithAny(n, NAME_SUFFIXES)) {
            return Kind.NAME;
        }
        if (n.endsWith("email")) {
            return Kind.EMAIL;
        }
        if (OTHER.contains(n) || endsWithAny(n, OTHER_SUFFIXES)) {
            return Kind.OTHER;
        }
        if (endsWithAny(n, PHONE_SUFFIXES)) {
            return Kind.PHONE;
        }
        if (n.endsWith(ADDRESS_SUFFIX) && !n.endsWith("ipaddress") && !n.endsWith("macaddress")) {
            return Kind.ADDRESS;
        }
        return null;
    }

    private static boolean endsWithAny(String n, String[] suffixes) {
        for (String s : suffixes) {
            if (n.endsWith(s)) {
                return true;
            }
        }
        return false;
    }

    /** Masks a value of a personal field; white space around it (an indented document) is kept. */
    private static String mask(Kind kind, String value) {
        int from = 0;
        int to = value.length();
        while (from < to && Character.isWhitespace(value.charAt(from))) {
            from++;
        }
        while (to > from && Character.isWhitespace(value.charAt(to - 1))) {
            to--;
        }
        if (from == to) {
            return value;
        }
        return value.substring(0, from) + maskCore(kind, value.substring(from, to)) + value.substring(to);
    }

    private static String maskCore(Kind kind, String value) {
        int[] cps = value.codePoints().toArray();
        return switch (kind) {
            // first character (a family name) and then one star per remaining character, at least two
            case NAME -> new String(cps, 0, 1) + "*".repeat(Math.max(2, Math.min(cps.length - 1, 32)));
            // the last four digits identify a number for the person it belongs to, not for anyone else
            case PHONE -> {
                String digits = value.replaceAll("\\D", "");
                yield digits.length() >= 7 ? digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4)
                        : "****";
            }
            // the first characters are the province and city; the rest (street, building, room) goes
            case ADDRESS -> cps.length <= 6 ? "****" : maskValues(new String(cps, 0, 6)) + "****";
            case EMAIL -> {
                int at = value.lastIndexOf('@');
                yield at > 0 ? new String(cps, 0, 1) + "***" + value.substring(at) : "****";
            }
            case OTHER -> "****";
        };
    }
}
