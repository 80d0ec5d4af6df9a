package io.qimencallback.protocol.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.ResponseFormat;
import io.qimencallback.protocol.Samples;
import io.qimencallback.protocol.internal.ResponseWriter;
import io.qimencallback.protocol.internal.body.BodyParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelsTest {
    private static final String CODE = "20240520000001";
    private static final String NOW = "2024-05-20 10:00:00";

    @Test
    void theDeliveryOrderSampleParsesWithEveryValue() throws QimenException {
        DeliveryOrderCreate body = xml(Samples.bytes("deliveryorder.create.request.xml")).bodyAs(DeliveryOrderCreate.class);

        DeliveryOrder order = body.deliveryOrder();
        assertThat(order.deliveryOrderCode()).isEqualTo("DO20240520000123");
        assertThat(order.orderType()).isEqualTo("JYCK");
        assertThat(order.orderFlag()).isEqualTo("COD^PRESELL");
        assertThat(order.createTime()).isEqualTo("2024-05-20 10:29:41");
        assertThat(order.totalAmount()).isEqualTo("208.00");
        assertThat(order.payNo()).isEqualTo("2024052022001100001234567890");
        assertThat(order.receiverInfo().name()).isEqualTo("张*");
        assertThat(order.receiverInfo().town()).isEqualTo("张江镇");
        assertThat(order.senderInfo().company()).isEqualTo("示例电商有限公司");
        assertThat(order.sellerMessage()).isEqualTo("赠品已备注");
        assertThat(order.other()).isEmpty();
        assertThat(body.orderLines()).hasSize(1);
        OrderLine line = body.orderLines().get(0);
        assertThat(line.subSourceOrderCode()).isEqualTo("3829104857362911");
        assertThat(line.itemId()).isEqualTo("ITEM10001");
        assertThat(line.planQty()).isEqualTo("2");
        assertThat(line.retailPrice()).isEqualTo("99.00");
        assertThat(line.other()).isEmpty();
        assertThat(body.extendProps()).containsExactly(Map.entry("channel", TextNode.valueOf("demo")));
        assertThat(body.other()).isEmpty();
    }

    @Test
    void everyBundledFixtureParsesIntoItsRecord() throws QimenException {
        DeliveryOrderCreate delivery = fixture("deliveryorder.create").bodyAs(DeliveryOrderCreate.class);
        assertThat(delivery.deliveryOrder().deliveryOrderCode()).isEqualTo("DO" + CODE);
        assertThat(delivery.deliveryOrder().receiverInfo().name()).isEqualTo("张三");
        assertThat(delivery.deliveryOrder().senderInfo().name()).isEqualTo("李四");
        assertThat(delivery.deliveryOrder().payTime()).isEqualTo(NOW);
        assertThat(delivery.orderLines()).extracting(OrderLine::sourceOrderCode).containsExactly("TB" + CODE);

        EntryOrderCreate entry = fixture("entryorder.create").bodyAs(EntryOrderCreate.class);
        assertThat(entry.entryOrder().entryOrderCode()).isEqualTo("PO" + CODE);
        assertThat(entry.entryOrder().orderCreateTime()).isEqualTo(NOW);
        assertThat(entry.entryOrder().senderInfo().mobile()).isEqualTo("13800000001");
        assertThat(entry.orderLines()).extracting(OrderLine::purchasePrice).containsExactly("35.00");

        ReturnOrderCreate ret = fixture("returnorder.create").bodyAs(ReturnOrderCreate.class);
        assertThat(ret.returnOrder().returnOrderCode()).isEqualTo("RO" + CODE);
        assertThat(ret.returnOrder().preDeliveryOrderCode()).isEqualTo("DO" + CODE);
        assertThat(ret.returnOrder().expressCode()).isEqualTo("YT0000000000001");
        assertThat(ret.returnOrder().senderInfo().detailAddress()).isEqualTo("测试大道100弄1号101室");
        assertThat(ret.orderLines()).extracting(OrderLine::planQty).containsExactly("1");

        StockoutCreate stockout = fixture("stockout.create").bodyAs(StockoutCreate.class);
        assertThat(stockout.deliveryOrder().deliveryOrderCode()).isEqualTo("SO" + CODE);
        assertThat(stockout.deliveryOrder().orderType()).isEqualTo("PTCK");
        assertThat(stockout.deliveryOrder().scheduleDate()).isEqualTo(NOW);
        assertThat(stockout.deliveryOrder().supplierName()).isEqualTo("示例供应商有限公司");
        assertThat(stockout.deliveryOrder().receiverInfo().name()).isEqualTo("赵六");
        assertThat(stockout.orderLines()).extracting(OrderLine::planQty).containsExactly("30");

        OrderCancel cancel = fixture("order.cancel").bodyAs(OrderCancel.class);
        assertThat(cancel.orderCode()).isEqualTo("DO" + CODE);
        assertThat(cancel.warehouseCode()).isEqualTo("WH-HZ-01");
        assertThat(cancel.cancelReason()).isEqualTo("买家申请退款");
        assertThat(cancel.other()).isEmpty();

        InventoryQuery inventory = fixture("inventory.query").bodyAs(InventoryQuery.class);
        assertThat(inventory.criteriaList()).extracting(Criteria::itemCode).containsExactly("SKU-TEE-WHT-M", "SKU-TEE-BLK-L");
        InventoryQuery one = xml(Samples.bytes("inventory.query.request.xml")).bodyAs(InventoryQuery.class);
        assertThat(one.criteriaList()).extracting(Criteria::inventoryType).containsExactly("ZP");

        SingleitemSynchronize item = fixture("singleitem.synchronize").bodyAs(SingleitemSynchronize.class);
        assertThat(item.actionType()).isEqualTo("add");
        assertThat(item.item().itemCode()).isEqualTo("SKU" + CODE);
        assertThat(item.item().barCode()).isEqualTo("6900000000001");
        assertThat(item.item().isSNMgmt()).isEqualTo("N");
        assertThat(item.item().other()).isEmpty();

        EntryOrderCreate sample = xml(Samples.bytes("entryorder.create.request.xml")).bodyAs(EntryOrderCreate.class);
        assertThat(sample.entryOrder().expectEndTime()).isEqualTo("2024-05-22 18:00:00");
    }

    @Test
    void twoOrderLinesAreTwoAndUnknownFieldsAreKept() throws QimenException {
        DeliveryOrderCreate body = xml(resource("deliveryorder.create.two-lines.xml")).bodyAs(DeliveryOrderCreate.class);

        assertThat(body.orderLines()).extracting(OrderLine::itemCode).containsExactly("SKU-TEE-WHT-M", "SKU-TEE-BLK-L");
        assertThat(body.orderLines().get(0).other()).containsExactly(Map.entry("batchCode", TextNode.valueOf("B1")));
        assertThat(body.orderLines().get(1).extendProps()).containsExactly(Map.entry("giftFlag", TextNode.valueOf("Y")));
        assertThat(body.deliveryOrder().receiverInfo().other()).containsOnlyKeys("nick");
        assertThat(body.deliveryOrder().other().get("invoices").at("/invoice/header").asText()).isEqualTo("示例公司");
        assertThat(body.extendProps().get("tags").get("tag")).hasSize(2);
        assertThat(body.other()).containsExactly(Map.entry("warehouseNote", TextNode.valueOf("kept in other()")));
    }

    @Test
    void xmlAndJsonBodiesGiveEqualRecords() throws QimenException {
        DeliveryOrderCreate fromXml = xml(resource("deliveryorder.create.two-lines.xml")).bodyAs(DeliveryOrderCreate.class);
        DeliveryOrderCreate fromJson = json(resource("deliveryorder.create.two-lines.json")).bodyAs(DeliveryOrderCreate.class);

        assertThat(fromJson).isEqualTo(fromXml);
        assertThat(fromJson.orderLines().get(0).orderLineNo()).isEqualTo("1"); // a JSON number, as text
    }

    @Test
    void oneLineIsAListInEveryShape() throws QimenException {
        String line = "{\"orderLineNo\":\"1\",\"itemCode\":\"A\"}";
        for (String lines : List.of("{\"orderLine\":" + line + "}", "{\"orderLine\":[" + line + "]}", "[" + line + "]", line)) {
            String body = "{\"deliveryOrder\":{\"deliveryOrderCode\":\"DO1\"},\"orderLines\":" + lines + "}";
            assertThat(json(body.getBytes(StandardCharsets.UTF_8)).bodyAs(DeliveryOrderCreate.class).orderLines())
                    .as(lines).extracting(OrderLine::itemCode).containsExactly("A");
        }
    }

    @Test
    void emptyElementsAreAbsentNotErrors() throws QimenException {
        DeliveryOrderCreate body = xml(("<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode>"
                + "<receiverInfo/><remark></remark><extendProps/></deliveryOrder><orderLines/><extendProps/></request>")
                .getBytes(StandardCharsets.UTF_8)).bodyAs(DeliveryOrderCreate.class);

        assertThat(body.deliveryOrder().receiverInfo()).isNull();
        assertThat(body.deliveryOrder().remark()).isEmpty();
        assertThat(body.deliveryOrder().extendProps()).isEmpty();
        assertThat(body.orderLines()).isEmpty();
        assertThat(body.extendProps()).isEmpty();
        assertThat(xml("<request><orderLines><orderLine/></orderLines><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode></deliveryOrder></request>"
                .getBytes(StandardCharsets.UTF_8)).bodyAs(DeliveryOrderCreate.class).orderLines()).isEmpty();
    }

    @Test
    void extendPropsAsAJsonTextIsAMapToo() throws QimenException {
        String body = "{\"orderCode\":\"DO1\",\"warehouseCode\":\"W\",\"extendProps\":\"{\\\"wdt_salt\\\":\\\"s\\\"}\"}";
        OrderCancel cancel = json(body.getBytes(StandardCharsets.UTF_8)).bodyAs(OrderCancel.class);

        assertThat(cancel.extendProps()).containsExactly(Map.entry("wdt_salt", TextNode.valueOf("s")));
    }

    @Test
    void formFieldsMapToo() throws QimenException {
        byte[] form = "orderCode=DO1&warehouseCode=WH&cancelReason=%E9%80%80%E6%AC%BE".getBytes(StandardCharsets.UTF_8);
        QimenRequest request = QimenRequest.builder("taobao.qimen.order.cancel")
                .body(form, ContentKind.FORM, BodyParser.parse(ContentKind.FORM, form, StandardCharsets.UTF_8)).build();

        assertThat(request.bodyAs(OrderCancel.class).cancelReason()).isEqualTo("退款");
    }

    @Test
    void recordsAreImmutable() throws QimenException {
        DeliveryOrderCreate body = xml(resource("deliveryorder.create.two-lines.xml")).bodyAs(DeliveryOrderCreate.class);

        assertThatThrownBy(() -> body.orderLines().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> body.other().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> body.extendProps().put("x", TextNode.valueOf("y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordsWithPersonalDataPrintNoneOfIt() throws QimenException {
        DeliveryOrderCreate delivery = fixture("deliveryorder.create").bodyAs(DeliveryOrderCreate.class);
        ContactInfo receiver = delivery.deliveryOrder().receiverInfo();
        List<String> personal = List.of(receiver.name(), receiver.mobile(), receiver.detailAddress(),
                delivery.deliveryOrder().senderInfo().name(), delivery.deliveryOrder().senderInfo().mobile());
        assertThat(personal).doesNotContainNull();
        assertThat(delivery.toString()).contains("DO" + CODE, "receiverInfo=ContactInfo[values not shown: ", "name",
                "mobile").doesNotContain(personal.toArray(String[]::new));
        assertThat(receiver.toString()).doesNotContain(personal.toArray(String[]::new));

        ContactInfo sender = fixture("entryorder.create").bodyAs(EntryOrderCreate.class).entryOrder().senderInfo();
        EntryOrderCreate entry = fixture("entryorder.create").bodyAs(EntryOrderCreate.class);
        assertThat(entry.toString()).contains("PO" + CODE).doesNotContain(sender.name(), sender.mobile(),
                sender.detailAddress());
        ReturnOrderCreate ret = fixture("returnorder.create").bodyAs(ReturnOrderCreate.class);
        ContactInfo buyer = ret.returnOrder().senderInfo();
        assertThat(ret.toString()).contains("RO" + CODE).doesNotContain(buyer.name(), buyer.mobile(),
                buyer.detailAddress());
        StockoutCreate stockout = fixture("stockout.create").bodyAs(StockoutCreate.class);
        assertThat(stockout.toString()).contains("SO" + CODE)
                .doesNotContain(stockout.deliveryOrder().receiverInfo().name());

        ContactInfo made = new ContactInfo("王五", "13912345678", "浙江省", "杭州市", "西湖区", "文三路1号");
        assertThat(made.toString()).isEqualTo(
                "ContactInfo[values not shown: name, mobile, province, city, area, detailAddress]");
    }

    @Test
    void aRequiredFieldMissingInCodeIsAnExportedException() {
        MissingFieldException e = catchThrowableOfType(MissingFieldException.class,
                () -> new DeliveryOrderCreate(null, null, null, null));
        assertThat(e).isInstanceOf(IllegalArgumentException.class).hasMessage("deliveryOrder is required");
        assertThat(e.field()).isEqualTo("deliveryOrder");
    }

    @Test
    void aMissingDocumentIsMissingParameter() {
        QimenException e = refused("<request><orderLines/></request>", DeliveryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PARAMETER);
        assertThat(e.getMessage()).isEqualTo("deliveryOrder is required");

        e = refused("<request><deliveryOrder><orderType>JYCK</orderType></deliveryOrder></request>", DeliveryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PARAMETER);
        assertThat(e.getMessage()).isEqualTo("deliveryOrder/deliveryOrderCode is required");

        e = refused("<request><deliveryOrder><deliveryOrderCode> </deliveryOrderCode></deliveryOrder></request>",
                DeliveryOrderCreate.class);
        assertThat(e.getMessage()).isEqualTo("deliveryOrder/deliveryOrderCode is required");

        e = refused("<request><warehouseCode>W</warehouseCode></request>", OrderCancel.class);
        assertThat(e.getMessage()).isEqualTo("orderCode is required");

        e = refused("<request></request>", EntryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.MISSING_PARAMETER);

        QimenRequest noBody = QimenRequest.builder("taobao.qimen.order.cancel").build();
        assertThat(catchThrowableOfType(QimenException.class, () -> noBody.bodyAs(OrderCancel.class)).errorCode())
                .isEqualTo(ErrorCode.MISSING_PARAMETER);
    }

    @Test
    void aWrongShapeIsInvalidParameterAndNeverEchoesAValue() {
        QimenException e = refused("<request><deliveryOrder>张三 13900000000</deliveryOrder></request>", DeliveryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(e.getMessage()).isEqualTo("deliveryOrder does not have the expected shape");

        e = refused("<request><deliveryOrder><deliveryOrderCode>DO1</deliveryOrderCode><receiverInfo>张三</receiverInfo>"
                + "<receiverInfo>李四</receiverInfo></deliveryOrder></request>", DeliveryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(e.getMessage()).startsWith("deliveryOrder/receiverInfo").doesNotContain("张三", "李四");

        e = refused("<request><deliveryOrder><deliveryOrderCode><a>1</a></deliveryOrderCode></deliveryOrder></request>",
                DeliveryOrderCreate.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);

        e = refused("<request><criteriaList>13900000000</criteriaList></request>", InventoryQuery.class);
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(e.getMessage()).doesNotContain("13900000000");

        e = catchThrowableOfType(QimenException.class,
                () -> json("[1,2]".getBytes(StandardCharsets.UTF_8)).bodyAs(OrderCancel.class));
        assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_PARAMETER);
        assertThat(e.toResponse().code()).isEqualTo("invalid-parameter");
    }

    @Test
    void answersRenderAsTheDocumentedSuccessXml() throws IOException {
        QimenResponse delivery = QimenResponse.success(new DeliveryOrderCreateAnswer(
                "2024-05-20 10:30:01", "WMS-OB-20240520-0000457", "WH-HZ-01", "YTO"));
        assertThat(render(delivery, ResponseFormat.XML)).isEqualTo(compact(Samples.text("deliveryorder.create.response.success.xml")));

        QimenResponse entry = QimenResponse.success(new EntryOrderCreateAnswer("WMS-IB-20240520-0000088"));
        assertThat(render(entry, ResponseFormat.XML)).isEqualTo(compact(Samples.text("entryorder.create.response.success.xml")));

        QimenResponse inventory = QimenResponse.success(new InventoryQueryAnswer(List.of(
                new InventoryItem("WH-HZ-01", "SKU-TEE-WHT-M", "ITEM10001", "ZP", "180", "2"))));
        XmlMapper xml = new XmlMapper();
        assertThat(xml.readTree(render(inventory, ResponseFormat.XML)))
                .isEqualTo(xml.readTree(Samples.text("inventory.query.response.success.xml")));
        assertThat(render(inventory, ResponseFormat.XML)).isEqualTo(compact(Samples.text("inventory.query.response.success.xml")));
    }

    @Test
    void answersRenderAsJsonWithTheSameFields() {
        QimenResponse inventory = QimenResponse.success(new InventoryQueryAnswer(List.of(
                new InventoryItem("WH-HZ-01", "SKU-TEE-WHT-M", null, "ZP", "180", null),
                new InventoryItem("WH-HZ-01", "SKU-TEE-BLK-L", null, "ZP", "0", null))));

        assertThat(render(inventory, ResponseFormat.JSON)).isEqualTo("{\"response\":{\"flag\":\"success\",\"code\":\"0\","
                + "\"message\":\"ok\",\"items\":{\"item\":[{\"warehouseCode\":\"WH-HZ-01\",\"itemCode\":\"SKU-TEE-WHT-M\","
                + "\"inventoryType\":\"ZP\",\"quantity\":\"180\"},{\"warehouseCode\":\"WH-HZ-01\",\"itemCode\":\"SKU-TEE-BLK-L\","
                + "\"inventoryType\":\"ZP\",\"quantity\":\"0\"}]}}}");
        assertThat(render(QimenResponse.success(new SingleitemSynchronizeAnswer("WMS-ITEM-1")), ResponseFormat.JSON))
                .isEqualTo("{\"response\":{\"flag\":\"success\",\"code\":\"0\",\"message\":\"ok\",\"itemId\":\"WMS-ITEM-1\"}}");
    }

    @Test
    void answerExtrasFollowTheTypedFieldsAndWithAddsToAnyAnswer() {
        QimenResponse r = QimenResponse.success("accepted").with(new StockoutCreateAnswer("2024-05-20 10:30:01", "WMS-SO-1",
                Map.of("note", TextNode.valueOf("queued"))));

        assertThat(render(r, ResponseFormat.XML)).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?><response>"
                + "<flag>success</flag><code>0</code><message>accepted</message><createTime>2024-05-20 10:30:01</createTime>"
                + "<deliveryOrderId>WMS-SO-1</deliveryOrderId><note>queued</note></response>");
        assertThat(render(QimenResponse.success(new ReturnOrderCreateAnswer("WMS-RO-1")), ResponseFormat.XML))
                .contains("<returnOrderId>WMS-RO-1</returnOrderId>");
    }

    @Test
    void anAnswerCannotOverrideTheResponseFields() {
        assertThatThrownBy(() -> QimenResponse.success(Map.of("code", "1"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QimenResponse.success().with((Object) List.of("x"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anAnswerReadsBackIntoItsRecord() throws IOException, QimenException {
        InventoryQueryAnswer answer = new InventoryQueryAnswer(List.of(
                new InventoryItem("WH-HZ-01", "SKU-TEE-WHT-M", "ITEM10001", "ZP", "180", "2")));
        byte[] xml = ResponseWriter.render(QimenResponse.success(answer), ResponseFormat.XML);
        JsonNode tree = BodyParser.parse(ContentKind.XML, xml, StandardCharsets.UTF_8);
        QimenRequest asBody = QimenRequest.builder("x").body(xml, ContentKind.XML, tree).build();

        InventoryQueryAnswer back = asBody.bodyAs(InventoryQueryAnswer.class);
        assertThat(back.items()).isEqualTo(answer.items());
        assertThat(back.other()).containsOnlyKeys("flag", "code", "message");
    }

    private static <T> QimenException refused(String xmlBody, Class<T> type) {
        QimenRequest r = xml(xmlBody.getBytes(StandardCharsets.UTF_8));
        return catchThrowableOfType(QimenException.class, () -> r.bodyAs(type));
    }

    private static QimenRequest fixture(String api) {
        String text = new String(resource(api + ".xml"), StandardCharsets.UTF_8)
                .replace("{{code}}", CODE).replace("{{now}}", NOW);
        return xml(text.getBytes(StandardCharsets.UTF_8));
    }

    private static QimenRequest xml(byte[] body) {
        return request(body, ContentKind.XML);
    }

    private static QimenRequest json(byte[] body) {
        return request(body, ContentKind.JSON);
    }

    private static QimenRequest request(byte[] body, ContentKind kind) {
        try {
            return QimenRequest.builder("taobao.qimen.test")
                    .body(body, kind, BodyParser.parse(kind, body, StandardCharsets.UTF_8)).build();
        } catch (QimenException e) {
            throw new AssertionError("the test body does not parse", e);
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = ModelsTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String render(QimenResponse r, ResponseFormat format) {
        return new String(ResponseWriter.render(r, format), StandardCharsets.UTF_8);
    }

    /** The samples are pretty-printed; answers are not. */
    private static String compact(String xml) {
        return xml.replaceAll(">\\s+<", "><").strip();
    }
}
