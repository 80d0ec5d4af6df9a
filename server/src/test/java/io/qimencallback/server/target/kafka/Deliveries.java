package io.qimencallback.server.target.kafka;

import com.fasterxml.jackson.databind.node.MissingNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.server.config.Section;
import io.qimencallback.server.target.Target;
import io.qimencallback.server.target.TargetEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Inbox deliveries and kafka targets as the dispatcher would make them. */
final class Deliveries {
    private Deliveries() {
    }

    static InboxDelivery delivery(long entryId, int attempt, String businessKey, String rawMethod) {
        String xml = "<request><deliveryOrder><deliveryOrderCode>" + businessKey
                + "</deliveryOrderCode></deliveryOrder></request>";
        QimenRequest r = QimenRequest.builder(rawMethod)
                .param("app_key", "12345678").param("customerId", "C1").param("format", "xml")
                .body(xml.getBytes(StandardCharsets.UTF_8), ContentKind.XML, MissingNode.getInstance())
                .contentType("text/xml;charset=utf-8", StandardCharsets.UTF_8)
                .callId("call-" + entryId)
                .build();
        return new InboxDelivery(entryId, attempt, businessKey, r);
    }

    static Target target(String name, Map<String, String> yaml, MeterRegistry meters) {
        Section s = Section.of("targets", name, yaml, Map.of());
        return new KafkaTargetType().create(s, new TargetEnvironment(meters, Duration.ofSeconds(10)));
    }

    static String header(Headers headers, String key) {
        Header h = headers.lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
