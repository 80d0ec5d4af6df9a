package io.qimencallback.protocol.http;

/** Case-insensitive access to request headers, whatever the transport. */
@FunctionalInterface
public interface HeaderLookup {
    /** The first value of the named header, or {@code null}. */
    String get(String name);
}
