package io.qimencallback.server.client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/** Plays the Qimen gateway: sends {@link GatewayRequest}s to a service address over real HTTP/1.1. */
public final class GatewayClient {
    private final URI serviceUrl;
    private final HttpClient http;
    private final Duration timeout;

    public GatewayClient(URI serviceUrl) {
        this(serviceUrl, Duration.ofSeconds(30));
    }

    public GatewayClient(URI serviceUrl, Duration timeout) {
        this(serviceUrl, timeout, null);
    }

    /**
     * @param tls for https addresses, whom to trust (e.g. {@link PemTrust#context}); {@code null}: the JDK's
     *            default trust store. Host names are always verified.
     */
    public GatewayClient(URI serviceUrl, Duration timeout, SSLContext tls) {
        this.serviceUrl = Objects.requireNonNull(serviceUrl, "serviceUrl");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    public GatewayResponse send(GatewayRequest request) throws IOException, InterruptedException {
        String base = serviceUrl.toString();
        URI uri = URI.create(base + (base.contains("?") ? "&" : "?") + request.query());
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout);
        request.headers().forEach(b::header);
        if (request.httpMethod().equals("GET")) {
            b.GET();
        } else {
            b.POST(HttpRequest.BodyPublishers.ofByteArray(request.body()));
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new GatewayResponse(r.statusCode(), r.headers().firstValue("Content-Type").orElse(null), r.body());
    }
}
