package io.qimencallback.server.target;

import io.qimencallback.server.config.ConfigException;
import io.qimencallback.server.config.Section;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/** The configured targets, by name; built at start, closed at stop. */
public final class Targets implements AutoCloseable {
    /** Every kind of target the server knows. */
    public static final List<TargetType> TYPES = List.of(
            new io.qimencallback.server.target.http.HttpTargetType(),
            new io.qimencallback.server.target.rabbitmq.RabbitMqTargetType(),
            new io.qimencallback.server.target.kafka.KafkaTargetType());

    private final Map<String, Target> byName;

    private Targets(Map<String, Target> byName) {
        this.byName = byName;
    }

    public static Targets none() {
        return new Targets(Map.of());
    }

    /**
     * @throws ConfigException naming the section when its type is missing or unknown, or it is unusable
     */
    public static Targets open(Collection<Section> sections, TargetEnvironment environment, List<TargetType> types) {
        Objects.requireNonNull(environment, "environment");
        Map<String, TargetType> byType = types.stream().collect(Collectors.toMap(TargetType::type, t -> t));
        Map<String, Target> made = new LinkedHashMap<>();
        try {
            for (Section s : sections) {
                String type = s.get("type").orElseThrow(() -> new ConfigException("targets." + s.name()
                        + ".type is not set; known types: " + String.join(", ", byType.keySet())));
                TargetType t = byType.get(type);
                if (t == null) {
                    throw new ConfigException("targets." + s.name() + ".type: unknown type '" + type + "'; known: "
                            + String.join(", ", byType.keySet()));
                }
                made.put(s.name(), t.create(s, environment));
            }
        } catch (RuntimeException e) {
            made.values().forEach(Target::close);
            throw e;
        }
        return new Targets(Map.copyOf(made));
    }

    public Optional<Target> get(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Collection<Target> all() {
        return byName.values();
    }

    @Override
    public void close() {
        byName.values().forEach(Target::close);
    }
}
