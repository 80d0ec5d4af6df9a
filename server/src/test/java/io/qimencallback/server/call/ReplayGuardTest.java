package io.qimencallback.server.call;

import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T08:00:00Z"));

    @Test
    void aSignatureSeenWithinItsWindowGivesTheFirstAnswer() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        CompletableFuture<QimenResponse> first = new CompletableFuture<>();
        assertThat(guard.earlier("app", "s1")).isNull();
        assertThat(guard.remember("app", "s1", clock.instant().plusSeconds(60), first)).isNull();
        first.complete(QimenResponse.success().with("n", "1"));

        assertThat(guard.earlier("app", "s1")).isSameAs(first);
        assertThat(guard.earlier("other-app", "s1")).as("per app").isNull();
        clock.advance(Duration.ofSeconds(61));
        assertThat(guard.earlier("app", "s1")).as("expired with its window").isNull();
    }

    @Test
    void answersTheServerCouldNotGiveAreForgottenSoThatARetryRunsAgain() {
        ReplayGuard guard = new ReplayGuard(10, clock);
        for (ErrorCode code : new ErrorCode[] {ErrorCode.SYSTEM_ERROR, ErrorCode.OVERLOADED, ErrorCode.HANDLER_TIMEOUT}) {
            CompletableFuture<QimenResponse> answer = new CompletableFuture<>();
            guard.remember("app", code.code(), clock.instant().plusSeconds(60), answer);
            answer.complete(QimenResponse.failure(code));
            assertThat(guard.earlier("app", code.code())).as(code.code()).isNull();
        }
        CompletableFuture<QimenResponse> refused = new CompletableFuture<>();
        guard.remember("app", "business", clock.instant().plusSeconds(60), refused);
        refused.complete(QimenResponse.failure("order-closed", "the order is closed"));
        assertThat(guard.earlier("app", "business")).as("a handler's own failure is an answer").isSameAs(refused);
    }

    @Test
    void aFullWindowForgetsItsOldestAndCountsIt() {
        ReplayGuard guard = new ReplayGuard(2, clock);
        for (String s : new String[] {"a", "b", "c"}) {
            guard.remember("app", s, clock.instant().plusSeconds(60), CompletableFuture.completedFuture(QimenResponse.success()));
        }
        assertThat(guard.earlier("app", "a")).isNull();
        assertThat(guard.earlier("app", "c")).isNotNull();
        assertThat(guard.evictions()).isEqualTo(1);
    }

    @Test
    void offRemembersNothing() {
        ReplayGuard guard = ReplayGuard.off();
        assertThat(guard.remember("app", "s", Instant.MAX, new CompletableFuture<>())).isNull();
        assertThat(guard.earlier("app", "s")).isNull();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
