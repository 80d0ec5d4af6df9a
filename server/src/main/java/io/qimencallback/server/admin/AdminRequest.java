package io.qimencallback.server.admin;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An admin request, decoded and detached from Netty's buffers, so that it can be handed to another thread.
 *
 * @param method      upper case ({@code GET}, {@code POST}; {@code HEAD} is served as {@code GET})
 * @param path        decoded path, without the query
 * @param pathParams  the segments matched by {@code *} in the route, in order
 * @param query       query parameters (the first value of each name)
 * @param headers     header names in lower case, each to its values
 * @param body        the request body
 */
public record AdminRequest(String method, String path, List<String> pathParams, Map<String, String> query,
                           Map<String, List<String>> headers, byte[] body) {
    public AdminRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        pathParams = List.copyOf(pathParams);
        query = Map.copyOf(query);
        headers = Map.copyOf(headers);
        body = body.clone();
    }

    /** The {@code i}-th {@code *} segment of the route. */
    public String pathParam(int i) {
        return pathParams.get(i);
    }

    /** A query parameter, if present. */
    public Optional<String> queryParam(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** An integer query parameter, clamped to {@code [min, max]}; {@code fallback} when absent or not a number. */
    public int intParam(String name, int fallback, int min, int max) {
        String v = query.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Math.max(min, Math.min(max, Integer.parseInt(v.trim())));
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The first value of a header, if present (any case). */
    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    AdminRequest withPathParams(List<String> params) {
        return new AdminRequest(method, path, params, query, headers, body);
    }

    @Override
    public String toString() {
        return method + " " + path; // never the body or headers: they may carry data of a call
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdminRequest r && method.equals(r.method) && path.equals(r.path)
                && pathParams.equals(r.pathParams) && query.equals(r.query) && headers.equals(r.headers)
                && java.util.Arrays.equals(body, r.body);
    }

    @Override
    public int hashCode() {
        return Objects.hash(method, path, pathParams, query) * 31 + java.util.Arrays.hashCode(body);
    }
}
