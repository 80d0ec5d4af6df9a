package io.qimencallback.protocol.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HandlerRegistryTest {

    record Fixed(Set<String> methods) implements QimenHandler {
        @Override
        public QimenResponse handle(QimenRequest request) {
            return QimenResponse.success();
        }
    }

    @Test
    void findsByNormalizedName() {
        QimenHandler h = new Fixed(Set.of("taobao.qimen.deliveryorder.create", "taobao.crm.order.detail.get"));
        HandlerRegistry registry = HandlerRegistry.builder().add(h).build();

        assertThat(registry.find("deliveryorder.create")).containsSame(h);
        assertThat(registry.find("qimen.taobao.crm.order.detail.get")).containsSame(h);
        assertThat(registry.find("entryorder.create")).isEmpty();
    }

    @Test
    void twoHandlersForOneMethodFailNamingBoth() {
        HandlerRegistry.Builder b = HandlerRegistry.builder().add(new Fixed(Set.of("deliveryorder.create")));

        assertThatThrownBy(() -> b.add(new Fixed(Set.of("taobao.qimen.deliveryorder.create"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deliveryorder.create")
                .hasMessageContaining("HandlerRegistryTest$Fixed", "and");
    }

    @Test
    void serviceLoaderFindsRegisteredProviders() {
        HandlerRegistry registry = HandlerRegistry.builder().discover(getClass().getClassLoader(), null).build();

        assertThat(registry.find("test.ping")).get().isInstanceOf(PingHandler.class);
        assertThat(registry.registrations().get("test.ping").source()).contains(PingHandler.class.getName());
    }
}
