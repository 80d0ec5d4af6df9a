package io.qimencallback.examples.wms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.model.DeliveryOrderCreateAnswer;
import io.qimencallback.testkit.QimenAnswer;
import io.qimencallback.testkit.QimenRequests;
import io.qimencallback.testkit.QimenResponses;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
    void missingDocumentCodeIsRefusedByTheTypedModel() {
        QimenRequest r = QimenRequests.call("entryorder.create")
                .xml("<request><entryOrder><warehouseCode>W1</warehouseCode></entryOrder></request>").build();
        assertThatThrownBy(() -> handler.handle(r)).isInstanceOfSatisfying(QimenException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PARAMETER);
            assertThat(e).hasMessage("entryOrder/entryOrderCode is required");
        });
    }

    @Test
    void anInventoryQueryWithoutCriteriaIsRefusedWithTheHandlersCode() {
        QimenRequest r = QimenRequests.call("inventory.query").xml("<request><remark>all</remark></request>").build();
        assertThatThrownBy(() -> handler.handle(r)).isInstanceOfSatisfying(QimenException.class,
                e -> assertThat(e.toResponse().code()).isEqualTo("missing-parameter"))
                .hasMessage("criteriaList/criteria is required");
    }

    @Test
    void concurrentOrdersGetDistinctIdsAndEachCodeKeepsItsOwn() throws Exception {
        int threads = 8;
        int perThread = 200;
        List<List<QimenRequest>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<QimenRequest> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(QimenRequests.call("deliveryorder.create").xml("<request><deliveryOrder><deliveryOrderCode>DO-"
                        + t + "-" + i + "</deliveryOrderCode></deliveryOrder></request>").build());
            }
            work.add(mine);
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<String>>> results = new ArrayList<>();
            for (List<QimenRequest> mine : work) {
                results.add(pool.submit(() -> {
                    go.await();
                    List<String> got = new ArrayList<>();
                    for (QimenRequest r : mine) {
                        got.add(QimenResponses.answer(handler.handle(r)).field("deliveryOrderId"));
                    }
                    return got;
                }));
            }
            go.countDown();
            List<List<String>> got = new ArrayList<>();
            for (Future<List<String>> f : results) {
                got.add(f.get(60, TimeUnit.SECONDS));
            }
            Set<String> ids = new HashSet<>();
            got.forEach(ids::addAll);
            assertThat(ids).as("one id per document code").hasSize(threads * perThread);
            assertThat(QimenResponses.answer(handler.handle(work.get(3).get(7))).field("deliveryOrderId"))
                    .as("a repeated code, its first id").isEqualTo(got.get(3).get(7));
        } finally {
            pool.shutdownNow();
        }
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
