package io.qimencallback.examples.wms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How a plugin is tested without a server: build the request a verified call would give, call the handler. */
class WmsHandlerTest {
    private final WmsHandler handler = new WmsHandler();

    private static QimenRequest xml(String method, String xml) throws QimenException {
        byte[] body = xml.getBytes(StandardCharsets.UTF_8);
        return QimenRequest.builder(method)
                .body(body, ContentKind.XML, BodyParser.parse(ContentKind.XML, body, StandardCharsets.UTF_8))
                .build();
    }

    @Test
    void deliveryOrderIsAcceptedOnceAndRedeliveryGetsTheSameId() throws Exception {
        String xml = "<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode><warehouseCode>WH1</warehouseCode>"
                + "</deliveryOrder></request>";
        QimenResponse first = handler.handle(xml("taobao.qimen.deliveryorder.create", xml));
        QimenResponse again = handler.handle(xml("deliveryorder.create", xml));

        assertThat(first.isSuccess()).isTrue();
        assertThat(first.fields().get("deliveryOrderId").asText()).isEqualTo("WMS-OB-1");
        assertThat(again.fields().get("deliveryOrderId")).isEqualTo(first.fields().get("deliveryOrderId"));
        assertThat(first.fields().get("warehouseCode").asText()).isEqualTo("WH1");
    }

    @Test
    void missingDocumentCodeIsRefused() {
        assertThatThrownBy(() -> handler.handle(xml("entryorder.create", "<request><entryOrder/></request>")))
                .isInstanceOf(QimenException.class).hasMessage("entryOrderCode is required");
    }

    @Test
    void inventoryAnswersOneItemPerCriteria() throws Exception {
        QimenResponse r = handler.handle(xml("inventory.query", "<request><criteriaList>"
                + "<criteria><warehouseCode>WH1</warehouseCode><itemCode>A</itemCode></criteria>"
                + "<criteria><warehouseCode>WH1</warehouseCode><itemCode>B</itemCode></criteria></criteriaList></request>"));

        String xml = new String(ResponseWriter.render(r, ResponseFormat.XML), StandardCharsets.UTF_8);
        assertThat(xml).contains("<items><item><warehouseCode>WH1</warehouseCode><itemCode>A</itemCode>")
                .contains("<itemCode>B</itemCode>");
    }
}
