package io.qimencallback.server.cli;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.internal.http.InboundCall;
import io.qimencallback.protocol.internal.http.RawRequest;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.protocol.internal.sign.SignatureEvidence;
import io.qimencallback.protocol.internal.sign.SignatureExplainer;
import io.qimencallback.protocol.internal.sign.SignatureExplanation;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Option(names = "--json", description = "Print one JSON document instead (documented in the README): the"
            + " outcome, the string digested, the variants, the first difference and the notes.")
    private boolean json;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        String secret = secretOption.require(spec);
        if (signMethod != null && SignMethod.fromWireName(signMethod).isEmpty()) {
            throw usage("unknown sign method " + signMethod + " (md5, hmac or hmac-sha256)");
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
            throw usage("cannot read " + e.getMessage() + " (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw usage(capture + ": " + e.getMessage());
        } catch (QimenException e) {
            throw usage(capture + ": the server would refuse it before any signature check: "
                    + e.errorCode().code() + ": " + e.getMessage());
        }
        if (signMethod != null) {
            evidence = new SignatureEvidence(evidence.base(), evidence.sources(), evidence.bodyLength(),
                    evidence.receivedSign(), signMethod);
        }
        SignatureExplanation explanation = SignatureExplainer.explain(evidence, secret, senderString);
        // the explainer masks the secret; this is the last line of defence for a secret that also appears elsewhere
        UnaryOperator<String> mask = text -> text == null ? null : text.replace(secret, SignatureExplainer.SECRET_MASK);
        if (json) {
            Json.print(toJson(explanation, mask));
        } else {
            System.out.print(mask.apply(explanation.render()));
        }
        return explanation.verified() ? 0 : 1;
    }

    private static ObjectNode toJson(SignatureExplanation x, UnaryOperator<String> mask) {
        ObjectNode o = Json.object().put("verified", x.verified()).put("receivedSign", x.receivedSign())
                .put("signMethod", x.signMethod()).put("bodyLength", x.bodyLength()).put("bodySigned", x.bodySigned());
        ObjectNode params = o.putObject("parameters");
        x.sources().forEach((name, source) -> params.put(name, source.name().toLowerCase(Locale.ROOT)));
        o.put("canonicalVariant", x.canonicalVariant()).put("canonical", mask.apply(x.canonical()))
                .put("canonicalLength", x.canonicalLength()).put("canonicalTruncated", x.canonicalTruncated());
        ArrayNode variants = o.putArray("variants");
        x.variants().forEach(v -> variants.addObject().put("secretIndex", v.secretIndex())
                .put("signMethod", v.method().wireName()).put("blankPairs", v.blankPairs())
                .put("expected", v.expected()).put("match", v.matched()));
        x.difference().ifPresentOrElse(d -> o.putObject("difference").put("index", d.index())
                        .put("comparedWith", d.comparedWith()).put("expectedWindow", mask.apply(d.expectedWindow()))
                        .put("foundWindow", mask.apply(d.foundWindow())).put("expected", mask.apply(d.expected()))
                        .put("found", mask.apply(d.found())).put("hint", d.hint().orElse(null)),
                () -> o.putNull("difference"));
        ArrayNode notes = o.putArray("notes");
        x.notes().forEach(n -> notes.add(mask.apply(n)));
        o.put("explanation", mask.apply(x.render()));
        return o;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private static String stripOneLineEnd(String s) {
        return s.endsWith("\r\n") ? s.substring(0, s.length() - 2) : s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }
}
