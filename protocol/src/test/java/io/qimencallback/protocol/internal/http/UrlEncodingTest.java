package io.qimencallback.protocol.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UrlEncodingTest {
    private static final Charset UTF8 = StandardCharsets.UTF_8;

    @Test
    void plusAndPercentTwentyAreBothSpaces() {
        assertThat(UrlEncoding.parseQuery("timestamp=2024-05-20+10%3A30%3A00&b=2024-05-20%2010:30:00", UTF8))
                .containsEntry("timestamp", "2024-05-20 10:30:00")
                .containsEntry("b", "2024-05-20 10:30:00");
    }

    @Test
    void followsSpiUtilsSplitSemantics() {
        assertThat(UrlEncoding.parseQuery("bare&empty=&trail=v==&three=a=b&ok=1&", UTF8))
                .containsEntry("bare", "")
                .containsEntry("empty", "")
                .containsEntry("trail", "v")
                .doesNotContainKey("three")
                .containsEntry("ok", "1");
    }

    @Test
    void decodesWithTheRequestCharset() {
        Charset gbk = Charset.forName("GBK");
        String encoded = UrlEncoding.encode("淘宝", gbk);
        assertThat(UrlEncoding.parseQuery("n=" + encoded, gbk)).containsEntry("n", "淘宝");
        assertThat(UrlEncoding.parseQuery("n=%E6%B7%98%E5%AE%9D", UTF8)).containsEntry("n", "淘宝");
    }

    @Test
    void malformedEscapesAreKeptLiterally() {
        assertThat(UrlEncoding.decode("100%+sure%zz%4", UTF8)).isEqualTo("100% sure%zz%4");
    }

    @Test
    void formFirstValueWinsAndEqualsInValueIsKept() {
        assertThat(UrlEncoding.parseForm("a=1&a=2&b=x=y&=nameless", UTF8))
                .containsEntry("a", "1").containsEntry("b", "x=y").hasSize(2);
    }
}
