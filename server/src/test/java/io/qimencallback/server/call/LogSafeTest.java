package io.qimencallback.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {
    @Test
    void nothingACallerSendsCanForgeALogLine() {
        assertThat(LogSafe.value("a\nmethod=x\r\u0085\u2028\u202Eb c\"d")).isEqualTo("a_method_x____b_c_d");
        assertThat(LogSafe.value(null)).isEqualTo("-");
        assertThat(LogSafe.value("x".repeat(200))).hasSize(81).endsWith("…");
        assertThat(LogSafe.value("deliveryorder.create")).isEqualTo("deliveryorder.create");
    }

    @Test
    void redactedExceptionsKeepFramesAndDropMessages() {
        IllegalStateException e = new IllegalStateException("receiver 张三 13800000000",
                new RuntimeException("address 示例路1号"));
        Throwable r = Redacted.of(e);

        assertThat(r.getMessage()).isEqualTo("java.lang.IllegalStateException (message not logged)");
        assertThat(r.getStackTrace()).isEqualTo(e.getStackTrace());
        assertThat(r.getCause().getMessage()).isEqualTo("java.lang.RuntimeException (message not logged)");
        assertThat(r.toString() + r.getCause()).doesNotContain("张三", "138", "示例路");
    }
}
