package io.qimencallback.server.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.internal.sign.SignMethod;
import org.junit.jupiter.api.Test;

class SelfTestTest {

    @Test
    void tamperingChangesTheLastDigitOutsidePercentEscapes() {
        assertThat(SelfTest.tamper("<request><planQty>29</planQty></request>"))
                .isEqualTo("<request><planQty>28</planQty></request>");
        assertThat(SelfTest.tamper("<qty>10</qty>")).isEqualTo("<qty>11</qty>");
        // the digits of %7D are left alone, so that the form still decodes
        assertThat(SelfTest.tamper("pageSize=20&extendProps=%7B%22a%22%3A%22b%22%7D"))
                .isEqualTo("pageSize=21&extendProps=%7B%22a%22%3A%22b%22%7D");
        assertThat(SelfTest.tamper("no digits")).isEqualTo("no digits ");
    }

    @Test
    void aWrongSignLooksLikeASign() {
        assertThat(SelfTest.wrong("46379706CBFD137F602DFBFB4D93A820")).isEqualTo("06379706CBFD137F602DFBFB4D93A820");
        assertThat(SelfTest.wrong("0A")).isEqualTo("1A");
    }

    @Test
    void theCallerNeverShowsItsSecret() {
        assertThat(new SelfTest.Caller("12345678", "s3cret-value", SignMethod.MD5, null, null).toString())
                .doesNotContain("s3cret-value");
    }
}
