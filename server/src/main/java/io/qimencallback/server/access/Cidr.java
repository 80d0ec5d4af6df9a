package io.qimencallback.server.access;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network such as {@code 140.205.144.0/24}; a bare address is a network of one. */
public final class Cidr {
    private final byte[] network;
    private final int prefix;
    private final String text;

    private Cidr(byte[] network, int prefix, String text) {
        this.network = network;
        this.prefix = prefix;
        this.text = text;
    }

    /** @throws IllegalArgumentException when {@code text} is not an address literal with an optional prefix */
    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        byte[] addr = literal(slash < 0 ? t : t.substring(0, slash));
        int max = addr.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("has no valid prefix length");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("has a prefix length outside 0-" + max);
            }
        }
        return new Cidr(mask(addr, prefix), prefix, t);
    }

    public boolean contains(String address) {
        byte[] a;
        try {
            a = literal(address);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return a.length == network.length && java.util.Arrays.equals(mask(a, prefix), network);
    }

    /** Parses an address literal without ever asking DNS. IPv4-mapped IPv6 addresses come back as IPv4. */
    static byte[] literal(String s) {
        String v = s.trim();
        if (v.startsWith("[") && v.endsWith("]")) {
            v = v.substring(1, v.length() - 1);
        }
        boolean ipv4 = !v.isEmpty() && v.chars().allMatch(c -> Character.isDigit(c) || c == '.');
        boolean ipv6 = v.indexOf(':') >= 0 && v.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.');
        if (!ipv4 && !ipv6 || ipv4 && v.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("is not an IP address");
        }
        try {
            return InetAddress.getByName(v).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("is not an IP address");
        }
    }

    private static byte[] mask(byte[] addr, int prefix) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xFF << (8 - bits)));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
