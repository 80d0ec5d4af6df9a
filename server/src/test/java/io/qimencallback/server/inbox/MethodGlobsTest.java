package io.qimencallback.server.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** inbox_methods and key-field globs match normalized (trimmed, lower-case) method names however they are written. */
class MethodGlobsTest {

    @Test
    void aGlobStartingWithAStarIsTrimmedAndLowerCased() {
        MethodGlobs globs = new MethodGlobs(List.of(" *.Create", "*.BatchConfirm "));
        assertThat(globs.matches("deliveryorder.create")).isTrue();
        assertThat(globs.matches("entryorder.batchconfirm")).isTrue();
        assertThat(globs.matches("deliveryorder.confirm")).isFalse();
    }

    @Test
    void aGlobWrittenAsTheGatewaySendsItMeansTheNormalizedName() {
        MethodGlobs globs = new MethodGlobs(List.of("Taobao.Qimen.DeliveryOrder.*"));
        assertThat(globs.matches("deliveryorder.create")).isTrue();
        assertThat(globs.matches("entryorder.create")).isFalse();
        assertThat(MethodGlobs.normalize("*.WDT.Push")).isEqualTo("*.wdt.push");
    }
}
