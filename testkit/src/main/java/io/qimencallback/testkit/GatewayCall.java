package io.qimencallback.testkit;

/** A call the {@link Gateway} signs and sends over HTTP: {@code gateway.call("deliveryorder.create").fixture().send()}. */
public final class GatewayCall extends CallSpec<GatewayCall> {
    private final Gateway gateway;

    GatewayCall(Gateway gateway, String method) {
        super(method);
        this.gateway = gateway;
    }

    /**
     * Signs the call with the server's app key and secret, posts it to the service address and reads the answer.
     *
     * @return the answer, whatever it is (a failure too)
     * @throws java.io.UncheckedIOException when the server cannot be reached
     */
    public QimenAnswer send() {
        return gateway.send(this);
    }
}
