package io.qimencallback.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On an instance field, each test gets its own server: a fresh inbox, a fresh data directory. */
class PerTestServerTest {
    @RegisterExtension
    final QimenServerExtension server = QimenServerExtension.builder().build();

    @Test
    void first() {
        storeOneAndSeeOnlyIt();
    }

    @Test
    void second() {
        storeOneAndSeeOnlyIt();
    }

    private void storeOneAndSeeOnlyIt() {
        assertThat(server.inbox()).isEmpty();
        assertThat(server.gateway().call("deliveryorder.create").fixture().send().isSuccess()).isTrue();
        assertThat(server.inbox()).hasSize(1);
    }

    @Test
    void outsideJUnitStartAndCloseDoTheSameAndDeleteTheDataDirectory() {
        try (QimenServerExtension s = QimenServerExtension.builder().inbox(false).build().start()) {
            Path dir = s.dataDir();
            assertThat(s.gateway().call("deliveryorder.create").fixture().send().code()).isEqualTo("invalid-method");
            assertThatThrownBy(s::inbox).hasMessageContaining("inbox is off");
            assertThatThrownBy(s::start).hasMessageContaining("runs already");
            s.close();
            assertThat(Files.exists(dir)).isFalse();
            assertThatThrownBy(s::gateway).hasMessageContaining("not running");
        }
    }
}
