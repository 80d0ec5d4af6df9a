package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import io.qimencallback.testkit.QimenAnswer;
import io.qimencallback.testkit.QimenRequests;
import io.qimencallback.testkit.QimenResponses;
import io.qimencallback.testkit.QimenServerExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeliveryOrderHandlerTest {
    /** A real server on free ports with this handler and a settings section, and a fake gateway in front of it. */
    @RegisterExtension
    static final QimenServerExtension server = QimenServerExtension.builder()
            .handler(new DeliveryOrderHandler())
            .plugin("${pluginName}", Map.of("id_prefix", "TEST"))
            .build();

    @Test
    void answersTheGatewayOverHttp() {
        QimenAnswer answer = server.gateway().call("taobao.qimen.deliveryorder.create")
                .xml("<request><deliveryOrder><deliveryOrderCode>DO-1</deliveryOrderCode><warehouseCode>WH1</warehouseCode>"
                        + "<receiverInfo><name>张三</name></receiverInfo></deliveryOrder></request>")
                .customerId("OWNER1")
                .send();

        assertTrue(answer.isSuccess(), answer.raw());
        assertEquals(new DeliveryOrderCreateAnswer(null, "TEST-DO-1", "WH1", null),
                answer.as(DeliveryOrderCreateAnswer.class));
    }

    @Test
    void acceptsTheBundledSample() throws Exception {
        QimenRequest request = QimenRequests.call("deliveryorder.create").fixture().build();

        QimenAnswer answer = QimenResponses.answer(new DeliveryOrderHandler().handle(request));

        assertTrue(answer.isSuccess(), answer.raw());
        assertTrue(answer.field("deliveryOrderId").startsWith("ERP-DO"), answer.raw());
    }

    @Test
    void refusesAnOrderWithoutItsCode() {
        QimenRequest request = QimenRequests.call("deliveryorder.create")
                .xml("<request><deliveryOrder><receiverInfo><name>张三</name></receiverInfo></deliveryOrder></request>")
                .build();

        QimenException e = assertThrows(QimenException.class, () -> new DeliveryOrderHandler().handle(request));
        assertEquals("missing-parameter", e.toResponse().code());
    }
}
