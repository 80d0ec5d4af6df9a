package io.qimencallback.examples.wms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import io.qimencallback.testkit.QimenAnswer;
import io.qimencallback.testkit.QimenRequests;
import io.qimencallback.testkit.QimenResponses;
import org.junit.jupiter.api.Test;

/**
 * How a plugin is tested without a server: the kit makes the request a verified call would give (signed and checked
 * by the server's own code), the handler answers, the kit reads the answer as the gateway would.
 */
class WmsHandlerTest {
    private final WmsHandler handler = new WmsHandler();

    @Test
    void deliveryOrderIsAcceptedOnceAndRedeliveryGetsTheSameId() throws Exception {
        String xml = "<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode><warehouseCode>WH1</warehouseCode>"
                + "</deliveryOrder></request>";
        QimenRequest first = QimenRequests.call("taobao.qimen.deliveryorder.create").xml(xml).customerId("C1").build();
        QimenRequest again = QimenRequests.call("deliveryorder.create").xml(xml).customerId("C1").build();

        QimenAnswer a = QimenResponses.answer(handler.handle(first));
        QimenAnswer b = QimenResponses.answer(handler.handle(again));

        assertThat(a.isSuccess()).isTrue();
        assertThat(a.field("deliveryOrderId")).isEqualTo("WMS-OB-1");
        assertThat(b.field("deliveryOrderId")).isEqualTo(a.field("deliveryOrderId"));
        assertThat(a.field("warehouseCode")).isEqualTo("WH1");
        assertThat(a.field("createTime")).matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
        assertThat(a.as(DeliveryOrderCreateAnswer.class).deliveryOrderId()).isEqualTo("WMS-OB-1");
    }

    @Test
    void aDeliveryOrderWithoutItsCodeIsRefusedByTheTypedModel() {
        QimenRequest r = QimenRequests.call("deliveryorder.create").xml("<request><deliveryOrder/></request>").build();
        assertThatThrownBy(() -> handler.handle(r)).isInstanceOfSatisfying(QimenException.class,
                e -> assertThat(e.toResponse().code()).isEqualTo("missing-parameter"));
    }

    @Test
    void theBundledFixtureIsAccepted() throws Exception {
        QimenAnswer a = QimenResponses.answer(handler.handle(QimenRequests.call("entryorder.create").fixture().build()));
        assertThat(a.isSuccess()).isTrue();
        assertThat(a.field("entryOrderId")).startsWith("WMS-IB-");
    }

    @Test
    void missingDocumentCodeIsRefused() {
        QimenRequest r = QimenRequests.call("entryorder.create").xml("<request><entryOrder/></request>").build();
        assertThatThrownBy(() -> handler.handle(r))
                .isInstanceOf(QimenException.class).hasMessage("entryOrderCode is required");
    }

    @Test
    void inventoryAnswersOneItemPerCriteria() throws Exception {
        QimenRequest r = QimenRequests.call("inventory.query").xml("<request><criteriaList>"
                + "<criteria><warehouseCode>WH1</warehouseCode><itemCode>A</itemCode></criteria>"
                + "<criteria><warehouseCode>WH1</warehouseCode><itemCode>B</itemCode></criteria></criteriaList></request>")
                .build();

        QimenAnswer a = QimenResponses.answer(handler.handle(r));
        assertThat(a.field("items/item/0/itemCode")).isEqualTo("A");
        assertThat(a.field("items/item/1/itemCode")).isEqualTo("B");
        assertThat(a.field("items/item/1/quantity")).isEqualTo("0");
        assertThat(a.raw()).contains("<items><item><warehouseCode>WH1</warehouseCode><itemCode>A</itemCode>");
    }
}
