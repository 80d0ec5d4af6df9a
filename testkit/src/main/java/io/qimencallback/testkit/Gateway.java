package io.qimencallback.testkit;

import io.qimencallback.server.client.GatewayClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/** Plays the Qimen gateway in front of a test server: signs calls with its app key and secret and sends them. */
public final class Gateway {
    private final GatewayClient client;
    private final String appKey;
    private final String secret;

    Gateway(URI serviceUrl, String appKey, String secret) {
        this.client = new GatewayClient(serviceUrl, Duration.ofSeconds(30));
        this.appKey = Objects.requireNonNull(appKey, "appKey");
        this.secret = Objects.requireNonNull(secret, "secret");
    }

    /**
     * A call of {@code method}, in any form the gateway uses ({@code taobao.qimen.deliveryorder.create} too).
     *
     * @param method e.g. {@code deliveryorder.create}
     * @return the call, to describe and {@link GatewayCall#send()}
     */
    public GatewayCall call(String method) {
        return new GatewayCall(this, method);
    }

    /**
     * The app key calls are signed for (generated per server).
     *
     * @return eight digits
     */
    public String appKey() {
        return appKey;
    }

    /**
     * The secret calls are signed with (generated per server; never a demo secret).
     *
     * @return 32 hex digits
     */
    public String secret() {
        return secret;
    }

    QimenAnswer send(GatewayCall call) {
        try {
            return new QimenAnswer(client.send(call.sign(appKey, secret)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot send " + call.method() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + call.method(), e);
        }
    }
}
