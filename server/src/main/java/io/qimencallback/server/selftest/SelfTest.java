package io.qimencallback.server.selftest;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.server.client.Fixture;
import io.qimencallback.server.client.GatewayClient;
import io.qimencallback.server.client.GatewayRequest;
import io.qimencallback.server.client.GatewayResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a service address the way the Qimen console's self-test and an attacker would: for each API, a correctly
 * signed call must get a well-formed answer in the requested format, and a wrong sign, a stale timestamp, a body
 * changed after signing and a missing sign must each be refused with HTTP 200, {@code flag=failure} and a code.
 */
public final class SelfTest {
    private static final Duration STALE = Duration.ofHours(2);
    private static final String SIGN_CHECK_FAILURE = ErrorCode.SIGN_CHECK_FAILURE.code();

    /** Whom to sign as, and how. {@code customerId} and {@code format} may be null (none; the fixture's own). */
    public record Caller(String appKey, String secret, SignMethod signMethod, String customerId, String format) {
        public Caller {
            Objects.requireNonNull(appKey, "appKey");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(signMethod, "signMethod");
        }

        @Override
        public String toString() {
            return "Caller[appKey=" + appKey + ", signMethod=" + signMethod + "]"; // never the secret
        }
    }

    /** All verdicts; {@code unreachable} is set when the very first call got no answer, and then nothing else ran. */
    public record Report(List<Verdict> verdicts, Optional<String> unreachable) {
        public Report {
            verdicts = List.copyOf(verdicts);
            Objects.requireNonNull(unreachable, "unreachable");
        }

        public boolean passed() {
            return unreachable.isEmpty() && verdicts.stream().noneMatch(v -> v.result() == Verdict.Result.FAIL);
        }
    }

    private final GatewayClient client;
    private final Caller caller;

    public SelfTest(GatewayClient client, Caller caller) {
        this.client = Objects.requireNonNull(client, "client");
        this.caller = Objects.requireNonNull(caller, "caller");
    }

    public Report run(List<Fixture> fixtures) throws InterruptedException {
        List<Verdict> verdicts = new ArrayList<>();
        for (Fixture fixture : fixtures) {
            String format = caller.format() != null ? caller.format() : fixture.format();
            for (Check check : Check.values()) {
                GatewayResponse answer;
                try {
                    answer = client.send(request(fixture, check));
                } catch (IOException e) {
                    if (verdicts.isEmpty()) {
                        return new Report(verdicts, Optional.of(e.toString()));
                    }
                    verdicts.add(new Verdict(fixture.api(), check, Verdict.Result.FAIL, "no answer: " + e));
                    continue;
                }
                verdicts.add(check.mustBeRefused()
                        ? refusal(fixture.api(), check, answer, format)
                        : signed(fixture.api(), answer, format));
            }
        }
        return new Report(verdicts, Optional.empty());
    }

    private GatewayRequest request(Fixture fixture, Check check) {
        Instant now = Instant.now();
        GatewayRequest.Builder b = fixture.call().appKey(caller.appKey()).secret(caller.secret())
                .signMethod(caller.signMethod())
                .timestamp(check == Check.STALE_TIMESTAMP ? now.minus(STALE) : now);
        if (caller.customerId() != null) {
            b.customerId(caller.customerId());
        }
        if (caller.format() != null) {
            b.format(caller.format());
        }
        return switch (check) {
            case SIGNED, STALE_TIMESTAMP -> b.build();
            case WRONG_SIGN -> b.signOverride(wrong(b.build().sign())).build();
            case BODY_CHANGED -> b.bodyAfterSigning(tamper(new String(b.build().body(), StandardCharsets.UTF_8))).build();
            case SIGN_MISSING -> b.omitSign().build();
        };
    }

    private static Verdict signed(String api, GatewayResponse r, String format) {
        Optional<String> problem = AnswerShape.problem(r, format);
        if (problem.isPresent()) {
            return new Verdict(api, Check.SIGNED, Verdict.Result.FAIL, problem.get());
        }
        if (r.isSuccess()) {
            return new Verdict(api, Check.SIGNED, Verdict.Result.PASS, "success, " + format);
        }
        String code = r.code();
        if (code.equals(SIGN_CHECK_FAILURE)) {
            return new Verdict(api, Check.SIGNED, Verdict.Result.FAIL, "a correctly signed call was refused as "
                    + code + ": the service computes signatures differently (compare with `sign --explain`)"
                    + " or has another secret for this app key");
        }
        if (code.equals(ErrorCode.INVALID_TIMESTAMP.code())) {
            return new Verdict(api, Check.SIGNED, Verdict.Result.FAIL, "a fresh timestamp was refused as " + code
                    + ": the clocks differ, or the service does not read the timestamp as GMT+8");
        }
        if (code.equals(ErrorCode.MISSING_PARAMETER.code())) {
            return new Verdict(api, Check.SIGNED, Verdict.Result.FAIL, "a complete call was refused: "
                    + AnswerShape.flagAndCode(r));
        }
        if (code.equals(ErrorCode.INVALID_METHOD.code())) {
            // the signature was checked and accepted; the service just answers nothing for this API (by default a
            // query has no route until one forwards it): not a signature problem, but worth saying plainly
            return new Verdict(api, Check.SIGNED, Verdict.Result.PASS, Verdict.NO_ROUTE + ": signature accepted, but"
                    + " the service answers nothing for this API (a query needs a handler or a routes line"
                    + " 'forward <target>'); well-formed, " + format);
        }
        return new Verdict(api, Check.SIGNED, Verdict.Result.PASS, "note: answered " + AnswerShape.flagAndCode(r)
                + "; well-formed, " + format + ", signature accepted");
    }

    private static Verdict refusal(String api, Check check, GatewayResponse r, String format) {
        if (r.status() == 200 && r.isSuccess()) {
            return new Verdict(api, check, Verdict.Result.FAIL, check.acceptedAlarm());
        }
        Optional<String> problem = AnswerShape.problem(r, format);
        if (problem.isPresent()) {
            return new Verdict(api, check, Verdict.Result.FAIL, "refused, but: " + problem.get());
        }
        boolean signCheck = check == Check.WRONG_SIGN || check == Check.BODY_CHANGED;
        if (signCheck && !r.code().equals(SIGN_CHECK_FAILURE)) {
            return new Verdict(api, check, Verdict.Result.WARN, "refused as " + AnswerShape.flagAndCode(r)
                    + "; Qimen's code for this is " + SIGN_CHECK_FAILURE);
        }
        return new Verdict(api, check, Verdict.Result.PASS, "refused: " + AnswerShape.flagAndCode(r));
    }

    /** The sign with its first hex digit changed: as wrong as a sign can be while looking right. */
    static String wrong(String sign) {
        char first = sign.charAt(0);
        return (first == '0' ? '1' : '0') + sign.substring(1);
    }

    /**
     * The body with its last digit changed (a quantity, an amount, a code), skipping the hex digits of a
     * {@code %XX} escape so that a form body still decodes.
     */
    static String tamper(String body) {
        for (int i = body.length() - 1; i >= 0; i--) {
            char c = body.charAt(i);
            boolean escaped = i >= 1 && body.charAt(i - 1) == '%' || i >= 2 && body.charAt(i - 2) == '%';
            if (c >= '0' && c <= '9' && !escaped) {
                return body.substring(0, i) + (c == '9' ? '8' : (char) (c + 1)) + body.substring(i + 1);
            }
        }
        return body + " "; // no digit at all: one more byte is a change too
    }
}
