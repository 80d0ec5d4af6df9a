package io.qimencallback.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Parsing the sample bodies into trees (hardened XML, JSON) and rendering a typical answer. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    private final byte[] xml = Bodies.DELIVERY_ORDER.getBytes(StandardCharsets.UTF_8);
    private final byte[] json = Bodies.CUSTOM_JSON.getBytes(StandardCharsets.UTF_8);
    private final QimenResponse answer = QimenResponse.success()
            .with("createTime", "2024-05-20 10:30:01")
            .with("deliveryOrderId", "WMS-OB-20240520-0000457")
            .with("warehouseCode", "WH-HZ-01")
            .with("logisticsCode", "YTO");

    @Benchmark
    public JsonNode parseXmlDeliveryOrder() throws QimenException {
        return BodyParser.parse(ContentKind.XML, xml, StandardCharsets.UTF_8);
    }

    @Benchmark
    public JsonNode parseJson() throws QimenException {
        return BodyParser.parse(ContentKind.JSON, json, StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] renderXml() {
        return ResponseWriter.render(answer, ResponseFormat.XML);
    }

    @Benchmark
    public byte[] renderJson() {
        return ResponseWriter.render(answer, ResponseFormat.JSON);
    }
}
