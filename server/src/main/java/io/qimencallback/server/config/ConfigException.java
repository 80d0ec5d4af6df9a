package io.qimencallback.server.config;

/** A setting that cannot be used; the message names it. Startup stops with this message. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
