package io.qimencallback.server.plugin;

import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.handler.HandlerContext;
import io.qimencallback.protocol.handler.PluginSettings;
import java.util.Objects;
import org.slf4j.Logger;

/** What one handler is given at start: its settings section, its masking logger, the server's registry. */
record PluginContext(PluginSettings settings, Logger logger, MeterRegistry meters) implements HandlerContext {
    PluginContext {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(logger, "logger");
        Objects.requireNonNull(meters, "meters");
    }
}
