package io.qimencallback.server.cli;

import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.PemTrust;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Whom the simulated gateway signs as and how it reaches the service: the options {@code send} and {@code selftest} share. */
final class CallerOptions {

    @Option(names = "--app-key", paramLabel = "KEY", description = "The app_key to sign as (required).")
    private String appKey;

    @Mixin
    private SecretOption secretOption;
    /** Set by {@link #check}. */
    private String secret;

    @Option(names = "--sign-method", defaultValue = "md5", description = "md5, hmac or hmac-sha256 (default: ${DEFAULT-VALUE}).")
    private String signMethod;

    @Option(names = "--customer-id", paramLabel = "ID", description = "The customerId parameter (default: none).")
    private String customerId;

    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for each answer (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--cacert", paramLabel = "PEM", description = "For https: trust only the certificates in this PEM"
            + " file (e.g. a self-signed server certificate) instead of the JDK's trust store. Host names are still verified.")
    private Path caCert;

    /** Checks the app key, secret and sign method; picocli prints the message and exits 2 otherwise. */
    SignMethod check(CommandSpec spec) {
        if (appKey == null) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--app-key'");
        }
        secret = secretOption.require(spec);
        return SignMethod.fromWireName(signMethod).orElseThrow(() -> new ParameterException(spec.commandLine(),
                "unknown sign method " + signMethod + " (md5, hmac or hmac-sha256)"));
    }

    String appKey() { return appKey; }
    String secret() { return secret; }
    String signMethodName() { return signMethod; }
    /** May be null: no customerId parameter. */
    String customerId() { return customerId; }

    /** Signs {@code b} as this caller. */
    GatewayRequest.Builder signAs(GatewayRequest.Builder b, SignMethod method) {
        b.appKey(appKey).secret(secret).signMethod(method);
        return customerId == null ? b : b.customerId(customerId);
    }

    GatewayClient client(URI url) {
        return new GatewayClient(url, Duration.ofSeconds(timeoutSeconds), caCert == null ? null : PemTrust.context(caCert));
    }
}
