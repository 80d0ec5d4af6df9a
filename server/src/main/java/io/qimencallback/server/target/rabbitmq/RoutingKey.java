package io.qimencallback.server.target.rabbitmq;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.server.config.ConfigException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A routing key template: literal text with {@code {method}} (the normalized method, e.g. {@code deliveryorder.create})
 * and {@code {customerId}}. What a call puts in is bounded: at most {@value #MAX_VALUE} characters of
 * {@code [A-Za-z0-9_-]} (and {@code .} in the method, where it separates topic words); anything else becomes {@code _},
 * an absent value {@code _}. So a key never passes AMQP's 255-byte limit and a caller cannot add topic words.
 */
final class RoutingKey {
    static final int MAX_TEMPLATE = 120;
    static final int MAX_VALUE = 64;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9._\\-]*");

    private enum Part { METHOD, CUSTOMER_ID }

    /** literal strings and {@link Part}s, in order */
    private final List<Object> parts;
    private final String template;

    private RoutingKey(String template, List<Object> parts) {
        this.template = template;
        this.parts = parts;
    }

    /** @param where the key's name in messages, e.g. {@code targets.queue.routing_key} */
    static RoutingKey parse(String template, String where) {
        Objects.requireNonNull(template, "template");
        if (template.length() > MAX_TEMPLATE) {
            throw new ConfigException(where + ": longer than " + MAX_TEMPLATE + " characters");
        }
        List<Object> parts = new ArrayList<>();
        Matcher m = PLACEHOLDER.matcher(template);
        int at = 0;
        while (m.find()) {
            literal(template.substring(at, m.start()), where, parts);
            parts.add(switch (m.group(1)) {
                case "method" -> Part.METHOD;
                case "customerId" -> Part.CUSTOMER_ID;
                default -> throw new ConfigException(where + ": unknown placeholder {" + m.group(1)
                        + "}; known: {method}, {customerId}");
            });
            at = m.end();
        }
        literal(template.substring(at), where, parts);
        if (parts.isEmpty()) {
            throw new ConfigException(where + " is empty");
        }
        return new RoutingKey(template, List.copyOf(parts));
    }

    private static void literal(String s, String where, List<Object> parts) {
        if (s.isEmpty()) {
            return;
        }
        if (!LITERAL.matcher(s).matches()) {
            throw new ConfigException(where + ": '" + s + "' may hold only letters, digits and . _ - (and {method},"
                    + " {customerId})");
        }
        parts.add(s);
    }

    String render(QimenRequest request) {
        StringBuilder b = new StringBuilder(MAX_TEMPLATE + 2 * MAX_VALUE);
        for (Object p : parts) {
            if (p == Part.METHOD) {
                b.append(clean(request.method(), true));
            } else if (p == Part.CUSTOMER_ID) {
                b.append(clean(request.customerId(), false));
            } else {
                b.append((String) p);
            }
        }
        return b.toString();
    }

    private static String clean(String value, boolean dots) {
        if (value == null || value.isEmpty()) {
            return "_";
        }
        int n = Math.min(value.length(), MAX_VALUE);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || (dots && c == '.'));
            b.append(ok ? c : '_');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return template;
    }
}
