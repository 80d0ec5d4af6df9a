package io.qimencallback.server.target.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * An internal endpoint for tests: a real HTTP(S) server on a free loopback port that records every request and answers
 * as the test says. It checks signatures with its own HMAC code, written from the Standard Webhooks specification
 * (HMAC-SHA256 over {@code id.timestamp.body}, base64, {@code v1,} prefix, space-separated), not with the server's
 * {@code WebhookSignature}.
 */
final class FakeErp implements AutoCloseable {

    /** One request as received. */
    record Received(String method, String path, Map<String, String> headers, byte[] body, int clientPort,
                    String protocol) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What the test answers. */
    @FunctionalInterface
    interface Answer {
        void answer(Received request, HttpExchange exchange) throws Exception;
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Answer answer;

    private FakeErp(HttpServer server, Answer answer) {
        this.server = server;
        this.answer = answer;
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    static FakeErp http(Answer answer) throws IOException {
        return new FakeErp(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0), answer);
    }

    /** HTTPS with the certificate in {@code p12} (a PKCS12 store, alias server, password test-only). */
    static FakeErp https(Path p12, Answer answer) throws Exception {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(serverTls(p12)));
        return new FakeErp(s, answer);
    }

    /** A server's TLS context presenting the certificate in {@code p12} (a {@code SelfSignedPem} store). */
    static SSLContext serverTls(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "test-only".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "test-only".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        return tls;
    }

    /** Answers {@code status} with a JSON body. */
    static Answer json(int status, String body) {
        return (r, x) -> send(x, status, "application/json", body);
    }

    static void send(HttpExchange x, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", contentType);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            x.getResponseBody().write(bytes);
        }
        x.close();
    }

    void answer(Answer a) {
        this.answer = a;
    }

    String url() {
        return (server instanceof HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort()
                + "/qimen";
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    Received last() {
        if (received.isEmpty()) {
            throw new AssertionError("the ERP received nothing");
        }
        return received.get(received.size() - 1);
    }

    private void handle(HttpExchange x) throws IOException {
        try {
            Map<String, String> headers = new TreeMap<>();
            x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            byte[] body = x.getRequestBody().readAllBytes();
            Received r = new Received(x.getRequestMethod(), x.getRequestURI().getPath(), headers, body,
                    x.getRemoteAddress().getPort(), x.getProtocol());
            received.add(r);
            answer.answer(r, x);
        } catch (Exception e) {
            try {
                x.sendResponseHeaders(599, -1);
            } catch (IOException | RuntimeException already) {
                // headers were sent: the connection just ends
            }
        } finally {
            x.close();
        }
    }

    /**
     * Whether the request carries a valid Standard Webhooks signature under {@code secret} (raw text, or
     * {@code whsec_<base64>}).
     */
    static boolean signedWith(Received r, String secret) throws Exception {
        String id = r.header("webhook-id");
        String timestamp = r.header("webhook-timestamp");
        String header = r.header("webhook-signature");
        if (id == null || timestamp == null || header == null) {
            return false;
        }
        byte[] key = secret.startsWith("whsec_") ? Base64.getDecoder().decode(secret.substring(6))
                : secret.getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String prefix = id + "." + timestamp + ".";
        byte[] p = prefix.getBytes(StandardCharsets.UTF_8);
        byte[] signedContent = new byte[p.length + r.body().length];
        System.arraycopy(p, 0, signedContent, 0, p.length);
        System.arraycopy(r.body(), 0, signedContent, p.length, r.body().length);
        byte[] expected = mac.doFinal(signedContent);
        for (String part : header.split(" ")) {
            String[] versioned = part.split(",", 2);
            if (versioned.length == 2 && versioned[0].equals("v1")
                    && MessageDigest.isEqual(Base64.getDecoder().decode(versioned[1]), expected)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
