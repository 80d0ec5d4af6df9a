package io.qimencallback.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CallContextTest {
    @ParameterizedTest
    @CsvSource(nullValues = "null", value = {
        "format=json&method=x, json",
        "method=x&format=XML, xml",
        "method=x&format=xml&format=json, json",
        "method=x&noformat=json, null",
        "method=x&format=jsonp, null",
        "method=x&format=, null",
        "'', null"})
    void formatHintReadsTheLastFormatPair(String query, String expected) {
        assertThat(CallContext.formatHint(query)).isEqualTo(expected);
    }
}
