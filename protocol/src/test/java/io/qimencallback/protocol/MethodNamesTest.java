package io.qimencallback.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MethodNamesTest {
    @ParameterizedTest
    @CsvSource({
        "deliveryorder.create, deliveryorder.create",
        "taobao.qimen.deliveryorder.create, deliveryorder.create",
        "' Taobao.Qimen.EntryOrder.Create ', entryorder.create",
        "wdt.trade.query, wdt.trade.query",
        "hu3cgwt0tc.wdt.trade.query, wdt.trade.query",
        "3ldsmu02o9.wdt.wms.stockout.sales.querywithdetail, wdt.wms.stockout.sales.querywithdetail",
        "qimen.taobao.crm.order.detail.get, qimen.taobao.crm.order.detail.get",
        "taobao.crm.order.detail.get, qimen.taobao.crm.order.detail.get",
        "xyz123abcd.demo.order.query, xyz123abcd.demo.order.query"})
    void normalizes(String raw, String expected) {
        assertThat(MethodNames.normalize(raw)).isEqualTo(expected);
    }
}
