package io.qimencallback.server.target.kafka;

import io.qimencallback.server.config.ConfigException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/** {@code topic}: a fixed name, or one with {@code {method}} replaced by the call's normalized method. */
final class TopicTemplate {
    static final String METHOD = "{method}";
    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    /** Methods are few (the Qimen APIs an integrator serves); bounded all the same. */
    private static final int MAX_CACHED = 1024;

    private final String template;
    private final Map<String, String> byMethod = new ConcurrentHashMap<>();

    TopicTemplate(String template) {
        this.template = template;
    }

    /** @throws ConfigException when the template cannot give a legal topic name */
    static void check(String template, String where) {
        String sample = template.replace(METHOD, "deliveryorder.create");
        if (!LEGAL.matcher(sample).matches()) {
            throw new ConfigException(where + ": '" + template + "' does not make a Kafka topic name (letters, digits,"
                    + " '.', '_', '-', at most 249; {method} is replaced by the normalized method)");
        }
    }

    /** The topic for a normalized method; characters a topic name cannot hold become {@code _}. */
    String topicFor(String method) {
        if (!template.contains(METHOD)) {
            return template;
        }
        String cached = byMethod.get(method);
        if (cached != null) {
            return cached;
        }
        String topic = template.replace(METHOD, method.replaceAll("[^A-Za-z0-9._-]", "_"));
        if (topic.length() > 249) {
            topic = topic.substring(0, 249);
        }
        if (byMethod.size() < MAX_CACHED) {
            byMethod.put(method, topic);
        }
        return topic;
    }
}
