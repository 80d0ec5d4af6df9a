package io.qimencallback.server.recent;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.internal.http.HeaderLookup;
import io.qimencallback.protocol.internal.http.RawRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecentCallsTest {
    private static RawRequest raw(String query, byte[] body, String contentType) {
        HeaderLookup headers = new HeaderLookup() {
            @Override
            public String get(String name) {
                return name.equalsIgnoreCase("Content-Type") ? contentType : null;
            }

            @Override
            public List<String> getAll(String name) {
                return get(name) == null ? List.of() : List.of(get(name));
            }
        };
        return new RawRequest("POST", query, headers, body, "10.0.0.1", Instant.parse("2026-01-02T03:04:05Z"));
    }

    private static RecentCalls.Outcome ok(String method) {
        return new RecentCalls.Outcome(method, "k", "c", "success", "ok", "10.0.0.9", "xml");
    }

    @Test
    void keepsTheLastCallsNewestFirstAndFindsThemById() {
        RecentCalls calls = new RecentCalls(3);
        for (int i = 1; i <= 5; i++) {
            calls.record(raw("method=m" + i, new byte[0], null), ok("m" + i), 1_500_000);
        }
        assertThat(calls.latest(10)).extracting(RecentCall::method).containsExactly("m5", "m4", "m3");
        assertThat(calls.latest(2)).extracting(RecentCall::method).containsExactly("m5", "m4");
        assertThat(calls.size()).isEqualTo(3);
        RecentCall newest = calls.latest(1).get(0);
        assertThat(calls.find(newest.id())).contains(newest);
        assertThat(newest.latencyMillis()).isEqualTo(1.5);
        assertThat(newest.remote()).isEqualTo("10.0.0.9");
        assertThat(calls.find("1")).as("overwritten").isEmpty();
        assertThat(calls.find("zzzzzzzzzzzzzzzzzz")).isEmpty();
        assertThat(calls.find("-1")).isEmpty();
        assertThat(calls.find("")).isEmpty();
    }

    @Test
    void keepsAt64KiBOfBodyAndSaysSo() {
        RecentCalls calls = new RecentCalls(2);
        byte[] big = new byte[100_000];
        calls.record(raw("", big, "text/xml"), ok("big"), 0);
        RecentCall c = calls.latest(1).get(0);
        assertThat(c.body()).hasSize(RecentCall.MAX_BODY_BYTES);
        assertThat(c.bodyLength()).isEqualTo(100_000);
        assertThat(c.truncated()).isTrue();
    }

    @Test
    void keepsTheAnswerAsSentUpTo64KiBAndTheRequestLine() {
        RecentCalls calls = new RecentCalls(2);
        byte[] answer = "<response><flag>success</flag></response>".getBytes(StandardCharsets.UTF_8);
        calls.record(raw("method=m", new byte[0], null), ok("m"), 0, answer);
        RecentCall c = calls.latest(1).get(0);
        assertThat(c.answerText()).isEqualTo("<response><flag>success</flag></response>");
        assertThat(c.httpMethod()).isEqualTo("POST");
        calls.record(raw("", new byte[0], null), ok("big"), 0, new byte[100_000]);
        assertThat(calls.latest(1).get(0).answer()).hasSize(RecentCall.MAX_BODY_BYTES);
        calls.record(raw("", new byte[0], null), ok("refused"), 0);
        assertThat(calls.latest(1).get(0).answer()).as("an HTTP refusal has no answer").isEmpty();
    }

    @Test
    void paramsLeaveTheSignOutAndIncludeFormFields() {
        RecentCalls calls = new RecentCalls(2);
        byte[] form = "receiver_mobile=13812345678&x=%E4%B8%AD".getBytes(StandardCharsets.UTF_8);
        calls.record(raw("method=a.b&sign=ABC&app_key=k", form, "application/x-www-form-urlencoded"), ok("a.b"), 0);
        RecentCall c = calls.latest(1).get(0);
        assertThat(c.params()).containsEntry("method", "a.b").containsEntry("app_key", "k")
                .containsEntry("receiver_mobile", "13812345678").containsEntry("x", "中").doesNotContainKey("sign");
        assertThat(c.toString()).doesNotContain("13812345678");
    }

    @Test
    void offKeepsNothing() {
        RecentCalls calls = new RecentCalls(0);
        calls.record(raw("", new byte[0], null), ok("m"), 0);
        assertThat(calls.latest(10)).isEmpty();
        assertThat(calls.enabled()).isFalse();
        assertThat(calls.find("1")).isEmpty();
        assertThat(RecentCalls.off().enabled()).isFalse();
    }
}
