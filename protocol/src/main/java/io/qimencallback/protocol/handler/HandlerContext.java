package io.qimencallback.protocol.handler;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;

/**
 * What the server gives a handler once, at start ({@link QimenHandler#start}, {@link InboxHandler#start}): its own
 * settings, a logger and the server's meters.
 */
public interface HandlerContext {

    /**
     * The handler's section of the {@code plugins:} configuration, named by {@link QimenHandler#name()}: every key
     * can be set or overridden from the environment ({@code QIMEN_PLUGINS_<NAME>_<KEY>}), and read from a file with
     * the {@code _file} suffix ({@code password_file: /run/secrets/erp}).
     *
     * @return the settings
     */
    PluginSettings settings();

    /**
     * A logger named {@code qimen.plugin.<name>} after {@link QimenHandler#name()}, whose messages and arguments have
     * personal data (mobile numbers, ID numbers, e-mail addresses) masked by the server's one masking rule before
     * they are written.
     *
     * @return the logger
     */
    Logger logger();

    /**
     * The server's registry, scraped at the admin port's {@code /metrics}: register the handler's own meters here.
     * Keep label values bounded (never a document code or a customer id).
     *
     * @return the registry
     */
    MeterRegistry meters();
}
