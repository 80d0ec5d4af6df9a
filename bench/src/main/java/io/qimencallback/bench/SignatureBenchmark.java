package io.qimencallback.bench;

import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.sign.SignMethod;
import io.qimencallback.protocol.internal.sign.SignatureBase;
import io.qimencallback.protocol.internal.sign.SignatureVerifier;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Verifying a correct signature, as the server does it (MD5 is tried too when an HMAC is named). */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignatureBenchmark {
    @Param({"1024", "65536", "1048576"})
    int bodyBytes;

    @Param({"md5", "hmac", "hmac-sha256"})
    String signMethod;

    private SignatureBase base;
    private String sign;
    private final List<String> secrets = List.of(Samples.SECRET);

    @Setup
    public void setUp() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("method", "deliveryorder.create");
        params.put("timestamp", "2024-05-20 10:30:00");
        params.put("format", "xml");
        params.put("app_key", "12345678");
        params.put("v", "2.0");
        params.put("sign_method", signMethod);
        params.put("customerId", "CUST001");
        base = SignatureBase.of(params, Bodies.deliveryOrderOfSize(bodyBytes), StandardCharsets.UTF_8);
        sign = SignMethod.fromWireName(signMethod).orElseThrow().sign(base, Samples.SECRET);
    }

    @Benchmark
    public Optional<SignatureVerifier.Match> verify() {
        return SignatureVerifier.verify(base, sign, signMethod, secrets);
    }
}
