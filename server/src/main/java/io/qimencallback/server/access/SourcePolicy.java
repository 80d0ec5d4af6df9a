package io.qimencallback.server.access;

import java.util.List;

/**
 * Who is calling, and may they. The TCP peer is the caller unless it is a trusted proxy; then
 * {@code X-Forwarded-For} is read from the right, skipping trusted proxies, and the first other address is the
 * caller. An address a client wrote into the header itself is never believed past an untrusted hop.
 */
public final class SourcePolicy {
    private final List<Cidr> allowed;
    private final List<Cidr> trustedProxies;

    public SourcePolicy(List<Cidr> allowed, List<Cidr> trustedProxies) {
        this.allowed = List.copyOf(allowed);
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public String clientAddress(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !trusted(peer)) {
            return peer;
        }
        String[] hops = forwardedFor.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (hop.isEmpty()) {
                continue;
            }
            if (!trusted(hop)) {
                return hop;
            }
        }
        return hops[0].trim().isEmpty() ? peer : hops[0].trim();
    }

    /** With no allow-list every source may call. */
    public boolean allows(String client) {
        return allowed.isEmpty() || allowed.stream().anyMatch(c -> c.contains(client));
    }

    /** Whether the address is one of the configured reverse proxies. */
    public boolean trusted(String address) {
        return trustedProxies.stream().anyMatch(c -> c.contains(address));
    }
}
