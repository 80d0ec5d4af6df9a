package io.qimencallback.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void plainServeInvocationsSkipTheParserAndEverythingElseUsesIt() {
        assertThat(Main.plainServe(new String[0])).contains(Optional.empty());
        assertThat(Main.plainServe(new String[] {"serve"})).contains(Optional.empty());
        assertThat(Main.plainServe(new String[] {"--config", "q.yml"})).contains(Optional.of(Path.of("q.yml")));
        assertThat(Main.plainServe(new String[] {"serve", "--config=q.yml"})).contains(Optional.of(Path.of("q.yml")));
        assertThat(Main.plainServe(new String[] {"--help"})).isEmpty();
        assertThat(Main.plainServe(new String[] {"serve", "--help"})).isEmpty();
        assertThat(Main.plainServe(new String[] {"--config"})).isEmpty();
        assertThat(Main.plainServe(new String[] {"sign", "--secret", "s"})).isEmpty();
    }
}
