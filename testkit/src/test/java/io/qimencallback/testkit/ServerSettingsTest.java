package io.qimencallback.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qimencallback.protocol.QimenRequest;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.handler.InboxDelivery;
import io.qimencallback.protocol.handler.InboxHandler;
import io.qimencallback.protocol.handler.QimenHandler;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The builder's own settings reach the server: a test configures what it needs without the server's classes. */
class ServerSettingsTest {

    @Test
    void theHandlerTimeoutIsTheTests() {
        QimenHandler stuck = new QimenHandler() {
            @Override
            public Set<String> methods() {
                return Set.of("deliveryorder.create");
            }

            @Override
            public QimenResponse handle(QimenRequest request) throws InterruptedException {
                Thread.sleep(Duration.ofMinutes(2).toMillis()); // interrupted at the deadline
                return QimenResponse.success();
            }
        };
        try (QimenServerExtension s = QimenServerExtension.builder().handler(stuck)
                .handlerTimeout(Duration.ofMillis(300)).build().start()) {
            QimenAnswer a = s.gateway().call("deliveryorder.create").fixture().send();
            assertThat(a.code()).as(a.raw()).isEqualTo("handler-timeout");
        }
    }

    @Test
    void anInboxHandlerThatAlwaysFailsIsRetriedThenDeadAsConfigured() throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        InboxHandler failing = new InboxHandler() {
            @Override
            public Set<String> methods() {
                return Set.of("entryorder.create");
            }

            @Override
            public void deliver(InboxDelivery delivery) {
                attempts.incrementAndGet();
                throw new IllegalStateException("the ERP is down");
            }
        };
        try (QimenServerExtension s = QimenServerExtension.builder().inboxHandler(failing)
                .inboxMaxAttempts(2).inboxRetryDelay(Duration.ofMillis(50)).build().start()) {
            assertThat(s.gateway().call("entryorder.create").fixture().send().isSuccess()).isTrue();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            List<StoredCall> stored = s.inbox();
            while (!"dead".equals(stored.get(0).status()) && System.nanoTime() < deadline) {
                Thread.sleep(50);
                stored = s.inbox();
            }
            assertThat(stored).singleElement().satisfies(c -> {
                assertThat(c.status()).isEqualTo("dead");
                assertThat(c.attempts()).isEqualTo(2);
            });
            assertThat(attempts).hasValue(2);
        }
    }

    @Test
    void settingsOutOfRangeAreRefusedWhenGiven() {
        QimenServerExtension.Builder b = QimenServerExtension.builder();
        assertThatThrownBy(() -> b.handlerTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handler timeout");
        assertThatThrownBy(() -> b.inboxRetryDelay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.slowCallFraction(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> b.inboxMaxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.slowCallFraction(0)).isSameAs(b);
    }
}
