package io.qimencallback.server.target.polyglot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.server.target.Envelope;
import io.qimencallback.server.target.WebhookSignature;
import io.qimencallback.server.target.polyglot.ErpExample.Language;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The example ERP endpoints in Python and Node.js, run as a user runs them and sent what the server sends: envelopes
 * built by {@link Envelope}, signed by {@link WebhookSignature#sign} — so the examples' independent verification is
 * checked against the server's signing, over real HTTP.
 */
class ErpExamplesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NEW = whsec();
    private static final String OLD = whsec();
    private static final String INVENTORY_XML = """
            <?xml version="1.0" encoding="utf-8"?>
            <request>
              <criteriaList>
                <criteria><warehouseCode>WH-HZ-01</warehouseCode><ownerCode>OWNER01</ownerCode>\
            <itemCode>SKU-TEE-WHT-M</itemCode><inventoryType>ZP</inventoryType></criteria>
                <criteria><warehouseCode>WH-HZ-01</warehouseCode><ownerCode>OWNER01</ownerCode>\
            <itemCode>SKU-TEE-BLK-L</itemCode><inventoryType>ZP</inventoryType></criteria>
                <criteria><warehouseCode>WH-HZ-01</warehouseCode><itemCode>SKU-NOT-STOCKED</itemCode></criteria>
              </criteriaList>
            </request>
            """;

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Language.class)
    void queryAnsweredFromTheStockTable(Language language) throws Exception {
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET_FILE", secretFile(NEW)))) {
            JsonNode answer = ok(erp, call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", INVENTORY_XML),
                    NEW);
            assertThat(answer.path("flag").asText()).as(erp.log()).isEqualTo("success");
            assertThat(answer.path("code").asText()).isEqualTo("0");
            assertThat(answer.path("message").asText()).isEqualTo("ok");
            JsonNode items = answer.at("/items/item");
            assertThat(items).hasSize(3);
            assertThat(items.get(0).path("itemCode").asText()).isEqualTo("SKU-TEE-WHT-M");
            assertThat(items.get(0).path("warehouseCode").asText()).isEqualTo("WH-HZ-01");
            assertThat(items.get(0).path("quantity").asInt()).isEqualTo(128);
            assertThat(items.get(0).path("lockQuantity").asInt()).isEqualTo(6);
            assertThat(items.get(0).path("batchCode").asText()).isEqualTo("B20261101");
            assertThat(items.get(1).path("itemCode").asText()).isEqualTo("SKU-TEE-BLK-L");
            assertThat(items.get(1).path("quantity").asInt()).isEqualTo(42);
            assertThat(items.get(2).path("itemCode").asText()).isEqualTo("SKU-NOT-STOCKED");
            assertThat(items.get(2).path("quantity").asInt()).isZero();

            // the same query as a JSON body, and one in GBK: the envelope carries text, whatever the charset was
            JsonNode json = ok(erp, call("taobao.qimen.inventory.query", "application/json;charset=utf-8",
                    "{\"criteriaList\":{\"criteria\":[{\"warehouseCode\":\"WH-SH-02\",\"itemCode\":\"SKU-MUG-350\"}]}}"),
                    NEW);
            assertThat(json.at("/items/item/0/quantity").asInt()).as(json.toString()).isEqualTo(310);
            assertThat(json.at("/items/item/0/expireDate").asText()).isEqualTo("2028-06-30");
            JsonNode gbk = ok(erp, call("taobao.qimen.inventory.query", "text/xml;charset=GBK", Charset.forName("GBK"),
                    "<?xml version=\"1.0\" encoding=\"GBK\"?><request><criteriaList><criteria><remark>库存查询</remark>"
                            + "<itemCode>SKU-TEE-BLK-L</itemCode><inventoryType>CC</inventoryType></criteria>"
                            + "</criteriaList></request>", "test-call"), NEW);
            assertThat(gbk.at("/items/item/0/quantity").asInt()).as(gbk.toString()).isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void rotatedSecretsAccepted(Language language) throws Exception {
        byte[] query = call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", INVENTORY_XML);
        // the server signs with the old and the new secret during a rotation; the ERP knows the new one only
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            assertThat(send(erp, query, "r1", now(), OLD, NEW).statusCode()).as(erp.log()).isEqualTo(200);
            assertThat(send(erp, query, "r2", now(), NEW, OLD).statusCode()).isEqualTo(200);
            assertThat(send(erp, query, "r3", now(), OLD).statusCode()).isEqualTo(401);
        }
        // the ERP's file holds both (one a line) while the server still signs with the old one alone
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET_FILE", secretFile(OLD + "\n" + NEW)))) {
            assertThat(send(erp, query, "r4", now(), OLD).statusCode()).as(erp.log()).isEqualTo(200);
            assertThat(send(erp, query, "r5", now(), NEW).statusCode()).isEqualTo(200);
            assertThat(send(erp, query, "r6", now(), whsec()).statusCode()).isEqualTo(401);
        }
        // or both in the variable, comma-separated, as the target's secret takes them
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW + ", " + OLD))) {
            assertThat(send(erp, query, "r9", now(), OLD).statusCode()).as(erp.log()).isEqualTo(200);
            assertThat(send(erp, query, "r10", now(), NEW).statusCode()).isEqualTo(200);
        }
        // a secret without the whsec_ prefix is its UTF-8 bytes, on both sides
        String plain = "erp 转发 secret-2026";
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", plain))) {
            assertThat(send(erp, query, "r7", now(), plain).statusCode()).as(erp.log()).isEqualTo(200);
            assertThat(send(erp, query, "r8", now(), "erp 转发 secret-2027").statusCode()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void badSignaturesRefused401(Language language) throws Exception {
        byte[] query = call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", INVENTORY_XML);
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            long now = now();
            assertThat(send(erp, query, "b1", now, OLD).statusCode()).as(erp.log()).isEqualTo(401);
            assertThat(send(erp, query, "b1", now, NEW).statusCode()).isEqualTo(200);

            Map<String, String> signed = headers("b2", now, query, NEW);
            byte[] tampered = new String(query, StandardCharsets.UTF_8).replace("SKU-TEE-BLK-L", "SKU-TEE-BLK-X")
                    .getBytes(StandardCharsets.UTF_8);
            assertThat(erp.post(tampered, signed).statusCode()).isEqualTo(401);
            assertThat(erp.post(query, with(signed, WebhookSignature.ID, "b3")).statusCode()).isEqualTo(401);
            assertThat(erp.post(query, with(signed, WebhookSignature.TIMESTAMP, Long.toString(now - 1))).statusCode())
                    .isEqualTo(401);
            String sig = signed.get(WebhookSignature.SIGNATURE);
            assertThat(erp.post(query, with(signed, WebhookSignature.SIGNATURE, "v2," + sig.substring(3))).statusCode())
                    .isEqualTo(401);
            assertThat(erp.post(query, with(signed, WebhookSignature.SIGNATURE, sig.substring(3))).statusCode())
                    .isEqualTo(401);
            assertThat(erp.post(query, with(signed, WebhookSignature.SIGNATURE, "v1,AAAA v1,!!!! v1," + sig.substring(3, 10))).statusCode())
                    .isEqualTo(401);
            for (String header : List.of(WebhookSignature.ID, WebhookSignature.TIMESTAMP, WebhookSignature.SIGNATURE)) {
                Map<String, String> missing = new LinkedHashMap<>(signed);
                missing.remove(header);
                assertThat(erp.post(query, missing).statusCode()).as(header).isEqualTo(401);
            }
            HttpResponse<String> refused = erp.post(query, with(signed, WebhookSignature.ID, "b4"));
            assertThat(JSON.readTree(refused.body()).path("flag").asText()).isEqualTo("failure");
            // a bad signature is refused before the envelope is read
            assertThat(send(erp, "{not json".getBytes(StandardCharsets.UTF_8), "b5", now, OLD).statusCode())
                    .isEqualTo(401);
            // and one signature among several is enough: a garbage one next to the right one
            assertThat(erp.post(query, with(signed, WebhookSignature.SIGNATURE, "v1,bm9wZQ== " + sig)).statusCode())
                    .isEqualTo(200);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void staleOrFutureTimestampsRefused401(Language language) throws Exception {
        byte[] query = call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", INVENTORY_XML);
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            long now = now();
            assertThat(send(erp, query, "t1", now - 360, NEW).statusCode()).as(erp.log()).isEqualTo(401);
            assertThat(send(erp, query, "t2", now + 360, NEW).statusCode()).isEqualTo(401);
            assertThat(send(erp, query, "t3", now - 3600 * 24, NEW).statusCode()).isEqualTo(401);
            assertThat(send(erp, query, "t4", now - 240, NEW).statusCode()).isEqualTo(200);
            assertThat(send(erp, query, "t5", now + 240, NEW).statusCode()).isEqualTo(200);
            Map<String, String> milliseconds = headers("t6", now * 1000, query, NEW);
            assertThat(erp.post(query, milliseconds).statusCode()).isEqualTo(401);
            Map<String, String> text = with(headers("t7", now, query, NEW), WebhookSignature.TIMESTAMP, "yesterday");
            assertThat(erp.post(query, text).statusCode()).isEqualTo(401);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void malformedEnvelopesRefused400(Language language) throws Exception {
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            List<byte[]> bodies = new ArrayList<>();
            for (String s : List.of("{not json", "", "[]", "null", "\"envelope\"", "{\"callId\":\"c1\"}",
                    "{\"callId\":\"c1\",\"method\":\"taobao.qimen.inventory.query\","
                            + "\"normalizedMethod\":\"inventory.query\",\"params\":\"nope\",\"body\":\"\"}",
                    "{\"callId\":\"c1\",\"method\":\"m\",\"normalizedMethod\":\"inventory.query\",\"params\":{},"
                            + "\"body\":null}",
                    "{\"callId\":\"c1\",\"method\":\"m\",\"normalizedMethod\":\"deliveryorder.create\",\"params\":{},"
                            + "\"body\":\"\",\"entryId\":\"seven\"}",
                    "{\"callId\":\"c1\",\"method\":7,\"normalizedMethod\":\"inventory.query\",\"params\":{},\"body\":\"\"}",
                    "[".repeat(100_000) + "]".repeat(100_000))) {
                bodies.add(s.getBytes(StandardCharsets.UTF_8));
            }
            bodies.add(new byte[] {'{', '"', 'c', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'});
            int n = 0;
            for (byte[] body : bodies) {
                HttpResponse<String> r = send(erp, body, "m" + n++, now(), NEW);
                assertThat(r.statusCode()).as(erp.log() + "\nbody " + n).isEqualTo(400);
                assertThat(JSON.readTree(r.body()).path("flag").asText()).isEqualTo("failure");
            }
            assertThat(erp.alive()).as(erp.log()).isTrue();
            assertThat(ok(erp, call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", INVENTORY_XML), NEW)
                    .path("flag").asText()).isEqualTo("success");
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void pushRecordedOnceWhateverTheRepeats(Language language) throws Exception {
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            QimenRequest order = request("taobao.qimen.deliveryorder.create", "text/xml;charset=utf-8",
                    StandardCharsets.UTF_8, deliveryOrder("DO-A-1"), "call-a");
            // an inbox delivery, then its retry: the same webhook-id (the entry id), a second attempt
            JsonNode first = ok(erp, Envelope.ofEntry(order, 7, 1, "DO-A-1"), "7", NEW);
            assertThat(first.path("flag").asText()).as(erp.log()).isEqualTo("success");
            assertThat(first.path("message").asText()).isEqualTo("ok");
            String id = first.path("deliveryOrderId").asText();
            assertThat(id).startsWith("ERP-OB-");
            assertThat(first.path("warehouseCode").asText()).isEqualTo("WH-HZ-01");
            JsonNode retry = ok(erp, Envelope.ofEntry(order, 7, 2, "DO-A-1"), "7", NEW);
            assertThat(retry.path("flag").asText()).isEqualTo("success");
            assertThat(retry.path("deliveryOrderId").asText()).isEqualTo(id);
            assertThat(retry.path("message").asText()).isEqualTo("ok, already received");
            // the same document forwarded as a new call (a gateway retry): still one order
            JsonNode forwarded = ok(erp, Envelope.ofCall(order), "call-a-again", NEW);
            assertThat(forwarded.path("deliveryOrderId").asText()).isEqualTo(id);
            // another document is another order
            JsonNode other = ok(erp, Envelope.ofEntry(request("taobao.qimen.deliveryorder.create",
                    "text/xml;charset=utf-8", StandardCharsets.UTF_8, deliveryOrder("DO-B-2"), "call-b"),
                    8, 1, "DO-B-2"), "8", NEW);
            assertThat(other.path("deliveryOrderId").asText()).isNotEqualTo(id).startsWith("ERP-OB-");

            JsonNode recorded = JSON.readTree(erp.get("/deliveryorders").body());
            assertThat(recorded.path("deliveries").asInt()).isEqualTo(4);
            assertThat(recorded.path("orders")).hasSize(2);
            assertThat(recorded.at("/orders/0/deliveryOrderCode").asText()).isEqualTo("DO-A-1");
            assertThat(recorded.at("/orders/0/webhookId").asText()).isEqualTo("7");
            assertThat(recorded.at("/orders/0/entryId").asLong()).isEqualTo(7);
            assertThat(recorded.at("/orders/0/attempt").asInt()).isEqualTo(1);
            assertThat(recorded.at("/orders/1/deliveryOrderCode").asText()).isEqualTo("DO-B-2");
            // an order without its code is refused with a Qimen code, recorded nowhere
            JsonNode refused = ok(erp, call("taobao.qimen.deliveryorder.create", "text/xml;charset=utf-8",
                    "<request><deliveryOrder><warehouseCode>WH-HZ-01</warehouseCode></deliveryOrder></request>"), NEW);
            assertThat(refused.path("flag").asText()).isEqualTo("failure");
            assertThat(refused.path("code").asText()).isEqualTo("missing-parameter");
            assertThat(JSON.readTree(erp.get("/deliveryorders").body()).path("orders")).hasSize(2);
            // the same refusal as an inbox delivery is not a 2xx: the entry is retried, then dead, never lost as done
            byte[] noCode = Envelope.ofEntry(request("taobao.qimen.deliveryorder.create", "text/xml;charset=utf-8",
                    StandardCharsets.UTF_8, "<request><deliveryOrder><warehouseCode>WH-HZ-01</warehouseCode>"
                            + "</deliveryOrder></request>", "call-c"), 9, 1, "");
            HttpResponse<String> undelivered = send(erp, noCode, "9", now(), NEW);
            assertThat(undelivered.statusCode()).as(undelivered.body() + "\n" + erp.log()).isEqualTo(422);
            assertThat(JSON.readTree(undelivered.body()).path("code").asText()).isEqualTo("missing-parameter");
            HttpResponse<String> unknownPush = send(erp, Envelope.ofEntry(request("taobao.qimen.returnorder.create",
                    "text/xml;charset=utf-8", StandardCharsets.UTF_8, "<request/>", "call-d"), 10, 1, ""), "10", now(),
                    NEW);
            assertThat(unknownPush.statusCode()).isEqualTo(422);
            assertThat(JSON.readTree(unknownPush.body()).path("code").asText()).isEqualTo("invalid-method");
            assertThat(JSON.readTree(erp.get("/deliveryorders").body()).path("orders")).hasSize(2);
        }
    }

    @ParameterizedTest
    @EnumSource(Language.class)
    void hostileOrUnexpectedCallsAnsweredNeverACrash(Language language) throws Exception {
        try (ErpExample erp = ErpExample.start(language, dir, Map.of("ERP_SECRET", NEW))) {
            String laughs = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                    + "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
                    + "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
                    + "<request><criteriaList><criteria><itemCode>&lol3;</itemCode></criteria></criteriaList></request>";
            String xxe = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
                    + "<request><criteriaList><criteria><itemCode>&x;</itemCode></criteria></criteriaList></request>";
            for (String xml : List.of(laughs, xxe, "<request><criteriaList><criteria><itemCode>&x;</itemCode>"
                    + "</criteria></criteriaList></request>", "<request><criteriaList>", "<a></b>", "just text")) {
                JsonNode answer = ok(erp, call("taobao.qimen.inventory.query", "text/xml;charset=utf-8", xml), NEW);
                assertThat(answer.path("flag").asText()).as(xml + "\n" + erp.log()).isEqualTo("failure");
                assertThat(answer.path("code").asText()).as(xml).isEqualTo("invalid-body");
                assertThat(answer.toString()).doesNotContain("root:");
            }
            // a body that is not text in its charset travels as bodyBase64: this ERP does not read such bodies
            byte[] notUtf8 = {'<', 'r', '>', (byte) 0xc3, (byte) 0x28, '<', '/', 'r', '>'};
            QimenRequest binary = QimenRequest.builder("taobao.qimen.inventory.query").param("app_key", "12345678")
                    .contentType("text/xml;charset=utf-8", StandardCharsets.UTF_8)
                    .body(notUtf8, ContentKind.XML, MissingNode.getInstance()).callId("call-bin").build();
            assertThat(new String(Envelope.ofCall(binary), StandardCharsets.UTF_8)).contains("\"bodyBase64\"");
            JsonNode b64 = ok(erp, Envelope.ofCall(binary), "bin", NEW);
            assertThat(b64.path("code").asText()).as(b64.toString()).isEqualTo("invalid-body");
            JsonNode unknown = ok(erp, call("taobao.qimen.returnorder.create", "text/xml;charset=utf-8",
                    "<request/>"), NEW);
            assertThat(unknown.path("flag").asText()).isEqualTo("failure");
            assertThat(unknown.path("code").asText()).isEqualTo("invalid-method");
            JsonNode empty = ok(erp, call("taobao.qimen.inventory.query", "text/xml;charset=utf-8",
                    "<request><criteriaList/></request>"), NEW);
            assertThat(empty.path("code").asText()).isEqualTo("missing-parameter");
            assertThat(erp.alive()).as(erp.log()).isTrue();
            assertThat(erp.get("/health").statusCode()).isEqualTo(200);
        }
    }

    // --- helpers ---

    private static String whsec() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return "whsec_" + Base64.getEncoder().encodeToString(key);
    }

    private String secretFile(String content) throws Exception {
        Path file = Files.createTempFile(dir, "secret-", ".txt");
        Files.writeString(file, content + "\n");
        return file.toString();
    }

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    static String deliveryOrder(String code) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><deliveryOrder><deliveryOrderCode>" + code
                + "</deliveryOrderCode><orderType>JYCK</orderType><warehouseCode>WH-HZ-01</warehouseCode>"
                + "<receiverInfo><name>张三</name><mobile>13800000000</mobile></receiverInfo></deliveryOrder>"
                + "<orderLines><orderLine><itemCode>SKU-TEE-WHT-M</itemCode><planQty>2</planQty></orderLine>"
                + "</orderLines></request>";
    }

    private static QimenRequest request(String method, String contentType, Charset charset, String body, String callId) {
        return QimenRequest.builder(method).param("app_key", "12345678").param("customerId", "CUST001")
                .param("v", "2.0").param("sign_method", "md5").param("timestamp", "2026-12-01 08:00:00")
                .contentType(contentType, charset)
                .body(body.getBytes(charset), contentType.contains("json") ? ContentKind.JSON : ContentKind.XML,
                        MissingNode.getInstance())
                .callId(callId).build();
    }

    /** A forwarded call's envelope, as the server builds it. */
    private static byte[] call(String method, String contentType, String body) {
        return call(method, contentType, StandardCharsets.UTF_8, body, "call-1");
    }

    private static byte[] call(String method, String contentType, Charset charset, String body, String callId) {
        return Envelope.ofCall(request(method, contentType, charset, body, callId));
    }

    private static Map<String, String> headers(String id, long timestamp, byte[] body, String... secrets) {
        List<byte[]> keys = new ArrayList<>();
        for (String s : secrets) {
            keys.add(WebhookSignature.key(s));
        }
        return Map.of(WebhookSignature.ID, id, WebhookSignature.TIMESTAMP, Long.toString(timestamp),
                WebhookSignature.SIGNATURE, WebhookSignature.sign(id, timestamp, body, keys));
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return copy;
    }

    private static HttpResponse<String> send(ErpExample erp, byte[] body, String id, long timestamp, String... secrets)
            throws Exception {
        return erp.post(body, headers(id, timestamp, body, secrets));
    }

    private static JsonNode ok(ErpExample erp, byte[] envelope, String secret) throws Exception {
        return ok(erp, envelope, "msg-" + System.nanoTime(), secret);
    }

    /** Sends a signed envelope; expects HTTP 200 with a JSON answer. */
    private static JsonNode ok(ErpExample erp, byte[] envelope, String id, String secret) throws Exception {
        HttpResponse<String> r = send(erp, envelope, id, now(), secret);
        assertThat(r.statusCode()).as(r.body() + "\n" + erp.log()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        return JSON.readTree(r.body());
    }
}
