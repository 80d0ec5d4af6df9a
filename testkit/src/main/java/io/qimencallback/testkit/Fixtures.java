package io.qimencallback.testkit;

import io.qimencallback.server.client.Fixture;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The calls bundled with the server for joint debugging, one per API, with fake data (the same ones
 * {@code qimen send --fixture} sends): the ERP–WMS APIs a WMS receives ({@code deliveryorder.create},
 * {@code entryorder.create}, {@code returnorder.create}, {@code stockout.create}, {@code inventory.query},
 * {@code singleitem.synchronize}, {@code order.cancel}) and two WangDianTong calls.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /**
     * The APIs that have a fixture, as handlers name them.
     *
     * @return e.g. {@code deliveryorder.create}
     */
    public static List<String> apis() {
        return io.qimencallback.server.client.Fixtures.all().stream().map(Fixture::api).toList();
    }

    /**
     * The body of an API's fixture, with a fresh document code and the current time filled in: an XML document
     * ({@code <request>…</request>}) for the ERP–WMS APIs, JSON for the others (form fields as a flat JSON object).
     *
     * @param api in any form the server accepts ({@code taobao.qimen.deliveryorder.create} too)
     * @return the body's text
     * @throws IllegalArgumentException naming the APIs that have one, when this one has none
     */
    public static String body(String api) {
        return named(api).render(Instant.now(), Fixture.uniqueCode());
    }

    /**
     * {@code xml}, {@code json} or {@code form}: how the fixture's business data travels.
     *
     * @param api in any form the server accepts
     * @return the kind
     * @throws IllegalArgumentException when the API has no fixture
     */
    public static String kind(String api) {
        return named(api).kind().wireName();
    }

    static Fixture named(String api) {
        Objects.requireNonNull(api, "api");
        return io.qimencallback.server.client.Fixtures.find(api).orElseThrow(() -> new IllegalArgumentException(
                "no bundled fixture for " + api + "; there are: " + String.join(", ", apis())));
    }
}
