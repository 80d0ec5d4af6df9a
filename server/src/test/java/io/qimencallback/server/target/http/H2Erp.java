package io.qimencallback.server.target.http;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * An endpoint that speaks HTTP/2 only (TLS, ALPN {@code h2}), JDK alone: just enough of RFC 9113 to read requests
 * and answer each with 200 and a JSON body. Request headers are not decoded (HPACK); what a test checks is that the
 * exchange was HTTP/2 at all: the protocol ALPN chose, the connection preface, the streams on one connection.
 */
final class H2Erp implements AutoCloseable {
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int PING = 6;
    private static final int GOAWAY = 7;
    private static final int END_STREAM = 1;
    private static final int ACK = 1;
    private static final int END_HEADERS = 4;

    private final SSLServerSocket listener;
    private final byte[] answer;
    private final AtomicInteger connections = new AtomicInteger();
    private final List<String> protocols = new CopyOnWriteArrayList<>();
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

    /** Serves with the certificate in {@code p12} (a {@code SelfSignedPem} store), answering {@code json}. */
    H2Erp(Path p12, String json) throws Exception {
        SSLContext tls = FakeErp.serverTls(p12);
        this.listener = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 50,
                InetAddress.getLoopbackAddress());
        SSLParameters p = listener.getSSLParameters();
        p.setApplicationProtocols(new String[] {"h2"});
        listener.setSSLParameters(p);
        this.answer = json.getBytes(StandardCharsets.UTF_8);
        Thread accepting = new Thread(this::accept, "h2-erp-accept");
        accepting.setDaemon(true);
        accepting.start();
    }

    String url() {
        return "https://127.0.0.1:" + listener.getLocalPort() + "/qimen";
    }

    int connections() {
        return connections.get();
    }

    /** The ALPN protocol of each connection, as the handshake ended. */
    List<String> protocols() {
        return List.copyOf(protocols);
    }

    /** The request bodies (envelopes) received, in order. */
    List<byte[]> bodies() {
        return List.copyOf(bodies);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                SSLSocket s = (SSLSocket) listener.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "h2-erp-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(SSLSocket s) {
        try (s) {
            s.startHandshake();
            protocols.add(s.getApplicationProtocol());
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] preface = new byte[PREFACE.length];
            in.readFully(preface);
            if (!Arrays.equals(preface, PREFACE)) {
                return;
            }
            frame(out, SETTINGS, 0, 0, new byte[0]);
            Map<Integer, java.io.ByteArrayOutputStream> open = new HashMap<>();
            while (true) {
                int length = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
                int type = in.readUnsignedByte();
                int flags = in.readUnsignedByte();
                int stream = in.readInt() & 0x7fffffff;
                byte[] payload = new byte[length];
                in.readFully(payload);
                switch (type) {
                    case SETTINGS -> {
                        if ((flags & ACK) == 0) {
                            frame(out, SETTINGS, ACK, 0, new byte[0]);
                        }
                    }
                    case PING -> {
                        if ((flags & ACK) == 0) {
                            frame(out, PING, ACK, 0, payload);
                        }
                    }
                    case HEADERS -> {
                        open.put(stream, new java.io.ByteArrayOutputStream());
                        if ((flags & END_STREAM) != 0) {
                            respond(out, stream, open.remove(stream));
                        }
                    }
                    case DATA -> {
                        java.io.ByteArrayOutputStream body = open.get(stream);
                        if (body != null) {
                            int pad = (flags & 0x8) != 0 ? (payload[0] & 0xff) + 1 : 0;
                            body.write(payload, pad == 0 ? 0 : 1, payload.length - pad);
                            if ((flags & END_STREAM) != 0) {
                                respond(out, stream, open.remove(stream));
                            }
                        }
                    }
                    case GOAWAY -> {
                        return;
                    }
                    default -> {
                        // WINDOW_UPDATE, PRIORITY, RST_STREAM: nothing this endpoint needs to do
                    }
                }
            }
        } catch (IOException ended) {
            // the client closed the connection
        }
    }

    private void respond(OutputStream out, int stream, java.io.ByteArrayOutputStream body) throws IOException {
        bodies.add(body.toByteArray());
        // HPACK: :status 200 is static entry 8; content-type (static 31) as a literal without indexing
        byte[] type = "application/json".getBytes(StandardCharsets.US_ASCII);
        byte[] headers = new byte[4 + type.length];
        headers[0] = (byte) 0x88;
        headers[1] = 0x0f; // literal, name index 15 + ...
        headers[2] = 0x10; // ... 16 = 31
        headers[3] = (byte) type.length; // no Huffman
        System.arraycopy(type, 0, headers, 4, type.length);
        frame(out, HEADERS, END_HEADERS, stream, headers);
        frame(out, DATA, END_STREAM, stream, answer);
    }

    private static void frame(OutputStream out, int type, int flags, int stream, byte[] payload)
            throws IOException {
        byte[] header = {(byte) (payload.length >>> 16), (byte) (payload.length >>> 8), (byte) payload.length,
                (byte) type, (byte) flags, (byte) (stream >>> 24), (byte) (stream >>> 16), (byte) (stream >>> 8),
                (byte) stream};
        out.write(header);
        out.write(payload);
        out.flush();
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }
}
