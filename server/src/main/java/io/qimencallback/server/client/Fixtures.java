package io.qimencallback.server.client;

import io.qimencallback.protocol.MethodNames;
import io.qimencallback.server.client.Fixture.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The calls bundled in the jar for joint debugging (联调), one per API, with fake data: the ERP–WMS APIs a WMS
 * receives, the official ERP–CRM query, and a WangDianTong custom-scenario call. Their bodies are resources in
 * {@code io/qimencallback/server/fixtures/}.
 */
public final class Fixtures {
    // WangDianTong's Qimen app key (protocol reference §8.1): callers address WDT with it
    private static final Map<String, String> TO_WDT = Map.of("target_app_key", "21363512");

    private static final List<Fixture> ALL = List.of(
            wms("deliveryorder.create"),
            wms("entryorder.create"),
            wms("returnorder.create"),
            wms("stockout.create"),
            wms("inventory.query"),
            wms("singleitem.synchronize"),
            wms("order.cancel"),
            // the SDK sends the CRM method without its "qimen." prefix (protocol reference §2.3); the business
            // fields are form fields (§7); extendProps.wdt_sign is WDT's inner signature, a placeholder here
            new Fixture("qimen.taobao.crm.order.detail.get", "taobao.crm.order.detail.get", Kind.FORM, "json", TO_WDT,
                    load("qimen.taobao.crm.order.detail.get.json")),
            // WDT flagship (旗舰版) custom scenario; wdt_sign is a placeholder, as above
            new Fixture("wdt.wms.stockout.sales.querywithdetail", "wdt.wms.stockout.sales.querywithdetail", Kind.JSON,
                    "json", TO_WDT, load("wdt.wms.stockout.sales.querywithdetail.json")));

    private Fixtures() {
    }

    public static List<Fixture> all() {
        return ALL;
    }

    /** By API name, in any form the server accepts ({@code taobao.qimen.deliveryorder.create} too), case-insensitive. */
    public static Optional<Fixture> find(String api) {
        Objects.requireNonNull(api, "api");
        String wanted = MethodNames.normalize(api);
        return ALL.stream().filter(f -> f.api().equals(wanted)).findFirst();
    }

    private static Fixture wms(String api) {
        return new Fixture(api, "taobao.qimen." + api, Kind.XML, "xml", Map.of(), load(api + ".xml"));
    }

    private static String load(String name) {
        String path = "/io/qimencallback/server/fixtures/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("fixture resource missing: " + path);
            }
            // the trailing newline of the file is not part of the body
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
