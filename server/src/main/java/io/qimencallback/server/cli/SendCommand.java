package io.qimencallback.server.cli;

import io.qimencallback.protocol.sign.SignMethod;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import io.qimencallback.server.client.PemTrust;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Acts as the gateway: builds, signs and sends one call to any service address, and prints the answer. */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send a signed call to a service address, as the Qimen gateway would.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:flag=success", "1:an answer that is not success", "2:bad usage", "3:no answer (connection, timeout)"})
public final class SendCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "URL", description = "The service address, e.g. http://127.0.0.1:8080/qimen")
    private URI url;

    @Option(names = "--method", required = true, description = "API method, e.g. deliveryorder.create")
    private String method;

    @Option(names = "--app-key", required = true)
    private String appKey;

    @Option(names = "--secret", defaultValue = "${env:QIMEN_SECRET}",
            description = "The app secret (default: environment variable QIMEN_SECRET, which keeps it out of ps and shell history).")
    private String secret;

    @Spec
    private CommandSpec spec;

    @Option(names = "--body", paramLabel = "FILE", description = "Body file (XML or JSON, sent byte for byte).")
    private Path body;

    @Option(names = "--content-type", description = "Body Content-Type (default: from the body's first character).")
    private String contentType;

    @Option(names = "--sign-method", defaultValue = "md5", description = "md5, hmac or hmac-sha256 (default: ${DEFAULT-VALUE}).")
    private String signMethod;

    @Option(names = "--format", description = "xml or json (default: the body's kind).")
    private String format;

    @Option(names = "--customer-id")
    private String customerId;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "Extra query parameter (repeatable).")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--form-field", paramLabel = "KEY=VALUE", description = "Form field; makes the body form-encoded (repeatable).")
    private Map<String, String> formFields = new LinkedHashMap<>();

    @Option(names = "--timestamp", description = "timestamp parameter verbatim (default: now, GMT+8).")
    private String timestamp;

    @Option(names = "--charset", defaultValue = "UTF-8")
    private Charset charset;

    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for the answer (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--cacert", paramLabel = "PEM", description = "For https: trust only the certificates in this PEM"
            + " file (e.g. a self-signed server certificate) instead of the JDK's trust store. Host names are still verified.")
    private Path caCert;

    @Option(names = {"-v", "--verbose"}, description = "Also print the request.")
    private boolean verbose;

    @Override
    public Integer call() throws InterruptedException {
        KeyValues.requireSecret(spec, secret);
        SignMethod sm = SignMethod.fromWireName(signMethod)
                .orElseThrow(() -> new IllegalArgumentException("unknown sign method " + signMethod));
        GatewayRequest.Builder b = GatewayRequest.builder(method).appKey(appKey).secret(secret).signMethod(sm).charset(charset);
        if (customerId != null) {
            b.customerId(customerId);
        }
        if (format != null) {
            b.format(format);
        }
        if (timestamp != null) {
            b.timestampText(timestamp);
        }
        params.forEach(b::param);
        formFields.forEach(b::formField);
        if (body != null) {
            byte[] bytes = KeyValues.read(body);
            String type = contentType != null ? contentType : KeyValues.sniffMime(bytes) + ";charset=" + charset.name().toLowerCase();
            b.rawBody(bytes, type);
        }
        GatewayRequest request = b.build();
        if (verbose) {
            System.err.println(request.httpMethod() + " " + url + "?" + request.query());
            request.headers().forEach((k, v) -> System.err.println(k + ": " + v));
            System.err.println();
        }
        GatewayResponse response;
        try {
            response = new GatewayClient(url, Duration.ofSeconds(timeoutSeconds),
                    caCert == null ? null : PemTrust.context(caCert)).send(request);
        } catch (IOException e) {
            System.err.println("no answer from " + url + ": " + e);
            return 3;
        }
        System.out.println("HTTP " + response.status() + " " + (response.contentType() == null ? "" : response.contentType()));
        System.out.println(response.text());
        return response.status() == 200 && response.isSuccess() ? 0 : 1;
    }
}
