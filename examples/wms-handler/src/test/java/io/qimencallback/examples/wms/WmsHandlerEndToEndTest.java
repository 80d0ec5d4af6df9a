package io.qimencallback.examples.wms;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.testkit.QimenAnswer;
import io.qimencallback.testkit.QimenServerExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The plugin in a real server, its settings from a {@code plugins: wms:} section, called as the gateway calls it. */
class WmsHandlerEndToEndTest {
    @RegisterExtension
    static final QimenServerExtension server = QimenServerExtension.builder()
            .handler(new WmsHandler())
            .plugin("wms", Map.of("id_prefix", "HZ"))
            .build();

    @Test
    void theGatewaysCallsAreAnsweredOverHttp() {
        QimenAnswer created = server.gateway().call("taobao.qimen.deliveryorder.create").fixture().customerId("C1").send();
        assertThat(created.httpStatus()).isEqualTo(200);
        assertThat(created.isSuccess()).as(created.raw()).isTrue();
        assertThat(created.field("deliveryOrderId")).startsWith("HZ-OB-"); // the setting reached start(context)
        assertThat(created.field("warehouseCode")).isEqualTo("WH-HZ-01");

        QimenAnswer stock = server.gateway().call("inventory.query").fixture().format("json").send();
        assertThat(stock.isSuccess()).as(stock.raw()).isTrue();
        assertThat(stock.contentType()).startsWith("application/json");
        assertThat(stock.field("items/item/0/quantity")).isEqualTo("0");

        QimenAnswer refused = server.gateway().call("entryorder.create")
                .xml("<request><entryOrder><warehouseCode>W1</warehouseCode></entryOrder></request>").send();
        assertThat(refused.flag()).isEqualTo("failure");
        assertThat(refused.code()).isEqualTo("missing-parameter");
        assertThat(refused.message()).isEqualTo("entryOrder/entryOrderCode is required");
    }
}
