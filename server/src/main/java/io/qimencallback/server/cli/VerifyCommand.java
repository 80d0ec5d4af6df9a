package io.qimencallback.server.cli;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.http.InboundCall;
import io.qimencallback.protocol.http.RawRequest;
import io.qimencallback.protocol.sign.SignMethod;
import io.qimencallback.protocol.sign.SignatureEvidence;
import io.qimencallback.protocol.sign.SignatureExplainer;
import io.qimencallback.protocol.sign.SignatureExplanation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Explains why a captured request's signature does or does not verify, exactly as the server checks it. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Check the signature of a captured HTTP request and explain the outcome (secret masked).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the signature verifies", "1:it does not", "2:unreadable input or bad usage"})
public final class VerifyCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The captured request: request line, headers, blank"
            + " line, body (CRLF or LF line ends; Content-Length, else the rest of the file; chunked is decoded).")
    private Path capture;

    @Mixin
    private SecretOption secretOption;

    @Option(names = "--canonical", paramLabel = "FILE", description = "The string the sender digested (its secret"
            + " written out, or as «secret» or <secret>; one final line end is ignored): shows where it first differs.")
    private Path canonical;

    @Option(names = "--sign-method", paramLabel = "M", description = "md5, hmac or hmac-sha256: check as if the"
            + " request's sign_method were M (default: the request's own).")
    private String signMethod;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        String secret = secretOption.require(spec);
        if (signMethod != null && SignMethod.fromWireName(signMethod).isEmpty()) {
            System.err.println("unknown sign method " + signMethod + " (md5, hmac or hmac-sha256)");
            return 2;
        }
        SignatureEvidence evidence;
        String senderString = null;
        try {
            RawRequest raw = CapturedRequest.parse(Files.readAllBytes(capture));
            evidence = InboundCall.parse(raw).signatureEvidence();
            if (canonical != null) {
                senderString = stripOneLineEnd(Files.readString(canonical, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            System.err.println("cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
            return 2;
        } catch (IllegalArgumentException e) {
            System.err.println(capture + ": " + e.getMessage());
            return 2;
        } catch (QimenException e) {
            System.err.println(capture + ": the server would refuse it before any signature check: "
                    + e.errorCode().code() + ": " + e.getMessage());
            return 2;
        }
        if (signMethod != null) {
            evidence = new SignatureEvidence(evidence.base(), evidence.sources(), evidence.bodyLength(),
                    evidence.receivedSign(), signMethod);
        }
        SignatureExplanation explanation = SignatureExplainer.explain(evidence, secret, senderString);
        // the explainer masks the secret; this is the last line of defence for a secret that also appears elsewhere
        System.out.print(explanation.render().replace(secret, SignatureExplainer.SECRET_MASK));
        return explanation.verified() ? 0 : 1;
    }

    private static String stripOneLineEnd(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
