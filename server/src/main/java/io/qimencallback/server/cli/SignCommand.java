package io.qimencallback.server.cli;

import io.qimencallback.protocol.internal.http.UrlEncoding;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.protocol.internal.sign.SignatureBase;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Prints the sign of given parameters and body, computed exactly as the server verifies. */
@Command(name = "sign", mixinStandardHelpOptions = true,
        description = "Print the Qimen sign for parameters and a body.")
public final class SignCommand implements Callable<Integer> {

    @Mixin
    private SecretOption secretOption;

    @Spec
    private CommandSpec spec;

    @Option(names = "--sign-method", defaultValue = "md5", description = "md5, hmac or hmac-sha256 (default: ${DEFAULT-VALUE}).")
    private String signMethod;

    @Option(names = "--query", paramLabel = "QUERY", description = "A raw query string, decoded as the server decodes it (its sign is ignored).")
    private String query;

    @Option(names = "--param", paramLabel = "KEY=VALUE", description = "A parameter (repeatable; overrides --query).")
    private Map<String, String> params = new LinkedHashMap<>();

    @Option(names = "--body", paramLabel = "FILE", description = "Body file, signed byte for byte.")
    private Path body;

    @Option(names = "--form", description = "The body is form-encoded: its fields are signed as parameters.")
    private boolean form;

    @Option(names = "--charset", defaultValue = "UTF-8", description = "Request charset (default: ${DEFAULT-VALUE}).")
    private Charset charset;

    @Option(names = "--explain", description = "Also print the string that is digested, with the secret masked.")
    private boolean explain;

    @Override
    public Integer call() {
        String secret = secretOption.require(spec);
        SignMethod method = SignMethod.fromWireName(signMethod)
                .orElseThrow(() -> new ParameterException(spec.commandLine(), "unknown sign method " + signMethod
                        + " (md5, hmac or hmac-sha256)"));
        Map<String, String> all = new LinkedHashMap<>(UrlEncoding.parseQuery(query, charset));
        byte[] bytes = body == null ? null : KeyValues.read(body);
        if (form && bytes != null) {
            UrlEncoding.parseForm(new String(bytes, charset), charset).forEach(all::putIfAbsent);
            bytes = null;
        }
        all.putAll(params);
        SignatureBase base = SignatureBase.of(all, bytes == null || bytes.length == 0 ? null : bytes, charset);
        System.out.println(method.sign(base, secret));
        if (explain) {
            System.out.println(base.explain(method, "<secret>"));
        }
        return 0;
    }
}
