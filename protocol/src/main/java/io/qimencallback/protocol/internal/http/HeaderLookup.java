package io.qimencallback.protocol.internal.http;

import java.util.List;

/** Case-insensitive access to request headers, whatever the transport. */
@FunctionalInterface
public interface HeaderLookup {
    /** The first value of the named header, or {@code null}. */
    String get(String name);

    /** Every value of the named header, in order (a header may be sent on several lines). */
    default List<String> getAll(String name) {
        String v = get(name);
        return v == null ? List.of() : List.of(v);
    }
}
