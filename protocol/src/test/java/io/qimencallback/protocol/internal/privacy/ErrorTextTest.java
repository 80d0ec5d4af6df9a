package io.qimencallback.protocol.internal.privacy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void classAndMessageOfEachCauseMaskedAndOnOneLine() {
        Exception e = new IllegalStateException("ERP answered HTTP 500 for 13812345678\nsecond line",
                new IOException("<receiverName>张三</receiverName>", new NullPointerException()));
        assertThat(ErrorText.of(e)).isEqualTo("java.lang.IllegalStateException: ERP answered HTTP 500 for"
                + " 138****5678\\nsecond line; cause: java.io.IOException: <receiverName>张**</receiverName>;"
                + " cause: java.lang.NullPointerException");
    }

    @Test
    void controlCharactersAreEscapedAndLongMessagesCut() {
        assertThat(ErrorText.message("a\u001b[31m\u202Eb\\c\td\r")).isEqualTo("a\\u001b[31m\\u202eb\\\\c\\td\\r");
        String cut = ErrorText.message("x".repeat(1000));
        assertThat(cut).startsWith("x".repeat(ErrorText.MAX_MESSAGE) + "…[700 more characters]");
    }

    @Test
    void aLoopOfCausesAndALongChainEnd() {
        IllegalStateException a = new IllegalStateException("a");
        IllegalStateException b = new IllegalStateException("b", a);
        a.initCause(b);
        assertThat(ErrorText.of(a)).isEqualTo("java.lang.IllegalStateException: a; cause: java.lang.IllegalStateException: b");
        Throwable chain = new RuntimeException("0");
        for (int i = 1; i < 10; i++) {
            chain = new RuntimeException(Integer.toString(i), chain);
        }
        assertThat(ErrorText.of(chain)).endsWith("; …").contains("RuntimeException: 5").doesNotContain(": 4");
    }
}
