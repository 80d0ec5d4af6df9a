package io.qimencallback.protocol.privacy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks personal data — people's names, phone numbers, addresses, identity numbers, e-mail — wherever a call's
 * content is shown to a person: the debug console, exports, diagnostics. One rule, used everywhere.
 *
 * <p>A value is personal when its field name says so (the ERP–WMS {@code receiverInfo}/{@code senderInfo} fields, the
 * CRM and WangDianTong {@code receiver_*} fields, ...), and, in any other text, when it looks like a mainland mobile
 * number. Masking keeps enough to recognise a record ({@code 张**}, {@code 138****5678}, {@code 浙江省杭州市****}) and
 * never enough to contact the person.
 */
public final class PersonalData {

    /** Field names (lower case, without '_' or '-') whose values are personal. */
    private static final Set<String> NAMES = Set.of("name", "receivername", "sendername", "contactname", "buyername",
            "buyernick", "username", "consignee", "receiver", "realname", "linkman", "contact");
    private static final Set<String> OTHER = Set.of("idnumber", "idcard", "idcardno", "certno", "email", "zipcode",
            "receiverzip", "postcode");
    /** Suffixes of personal field names: receiverMobile, receiver_tel, senderPhone, detailAddress, receiver_address... */
    private static final String[] PHONE_SUFFIXES = {"mobile", "phone", "tel", "telno", "telephone", "mobileno"};
    private static final String ADDRESS_SUFFIX = "address";

    /** A mainland mobile number not embedded in a longer number (an order number is not a phone). */
    private static final Pattern MOBILE = Pattern.compile("(?<!\\d)(1[3-9]\\d)(\\d{4})(\\d{4})(?!\\d)");

    private static final Pattern XML_ELEMENT =
            Pattern.compile("<([A-Za-z_][\\w.-]*)(\\s[^>]*)?>([^<]*)</\\1\\s*>");
    private static final Pattern JSON_STRING_FIELD =
            Pattern.compile("\"([A-Za-z_][\\w.-]*)\"(\\s*:\\s*)\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern FORM_PAIR = Pattern.compile("(^|[&?])([^=&]+)=([^&]*)");

    private enum Kind { NAME, PHONE, ADDRESS, OTHER }

    private PersonalData() {
    }

    /** Whether a field of this name holds personal data. */
    public static boolean isPersonal(String fieldName) {
        return kindOf(fieldName) != null;
    }

    /** The value of a field, masked if the field is personal; other values with phone numbers in them masked too. */
    public static String maskField(String fieldName, String value) {
        if (value == null) {
            return null;
        }
        Kind kind = kindOf(fieldName);
        return kind == null ? maskPhones(value) : mask(kind, value);
    }

    /** A copy of the parameters with personal values masked, in the same order. */
    public static Map<String, String> maskParams(Map<String, String> params) {
        Objects.requireNonNull(params, "params");
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(k, maskField(k, v)));
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
            String masked = fieldName == null ? maskPhones(text) : maskField(fieldName, text);
            return masked.equals(text) ? node : TextNode.valueOf(masked);
        }
        return node;
    }

    /**
     * Masks a body or parameter string as it was received: XML elements, JSON string fields and form pairs with
     * personal names, then any phone number left. The text keeps its shape, so it still reads as XML, JSON or a form.
     * Form values are decoded (UTF-8) to be masked and encoded again.
     */
    public static String maskText(String text) {
        Objects.requireNonNull(text, "text");
        String out = replace(XML_ELEMENT, text, m -> {
            Kind kind = kindOf(m.group(1));
            return kind == null ? m.group() : "<" + m.group(1) + (m.group(2) == null ? "" : m.group(2)) + ">"
                    + mask(kind, m.group(3)) + "</" + m.group(1) + ">";
        });
        out = replace(JSON_STRING_FIELD, out, m -> {
            Kind kind = kindOf(m.group(1));
            return kind == null ? m.group() : "\"" + m.group(1) + "\"" + m.group(2) + "\"" + mask(kind, m.group(3)) + "\"";
        });
        out = replace(FORM_PAIR, out, m -> {
            Kind kind = kindOf(m.group(2));
            return kind == null ? m.group() : m.group(1) + m.group(2) + "=" + maskEncoded(kind, m.group(3));
        });
        return maskPhones(out);
    }

    /** Masks mobile numbers anywhere in a text: 13812345678 becomes 138****5678. */
    public static String maskPhones(String text) {
        Objects.requireNonNull(text, "text");
        return MOBILE.matcher(text).replaceAll("$1****$3");
    }

    private static Kind kindOf(String fieldName) {
        if (fieldName == null) {
            return null;
        }
        String n = fieldName.toLowerCase(Locale.ROOT).replace("_", "").replace("-", "");
        int dot = n.lastIndexOf('.');
        if (dot >= 0) {
            n = n.substring(dot + 1);
        }
        if (NAMES.contains(n)) {
            return Kind.NAME;
        }
        if (OTHER.contains(n)) {
            return Kind.OTHER;
        }
        for (String s : PHONE_SUFFIXES) {
            if (n.endsWith(s)) {
                return Kind.PHONE;
            }
        }
        if (n.endsWith(ADDRESS_SUFFIX) && !n.endsWith("ipaddress") && !n.endsWith("macaddress")) {
            return Kind.ADDRESS;
        }
        return null;
    }

    private static String mask(Kind kind, String value) {
        if (value.isEmpty()) {
            return value;
        }
        int[] cps = value.codePoints().toArray();
        return switch (kind) {
            // first character (a family name) and then one star per remaining character, at least two
            case NAME -> new String(cps, 0, 1) + "*".repeat(Math.max(2, cps.length - 1));
            // the last four digits identify a number for the person it belongs to, not for anyone else
            case PHONE -> {
                String digits = value.replaceAll("\\D", "");
                yield digits.length() >= 7 ? digits.substring(0, 3) + "****" + digits.substring(digits.length() - 4)
                        : "****";
            }
            // the first characters are the province and city; the rest (street, building, room) goes
            case ADDRESS -> cps.length <= 6 ? "****" : new String(cps, 0, 6) + "****";
            case OTHER -> "****";
        };
    }

    private static String maskEncoded(Kind kind, String encoded) {
        try {
            return URLEncoder.encode(mask(kind, URLDecoder.decode(encoded, StandardCharsets.UTF_8)), StandardCharsets.UTF_8)
                    .replace("%2A", "*");
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
}
