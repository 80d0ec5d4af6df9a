package io.qimencallback.server;

import static io.qimencallback.server.testing.Cli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.qimencallback.server.testing.Cli.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** How the command line answers bad input, {@code help}, {@code --version} and {@code completion}. */
class CommandLineUsageTest {
    private static final String CAPTURE = "../examples/captures/deliveryorder.create.http";
    private static final String URL = "http://127.0.0.1:1/qimen";

    /** Bad input for every verb: a bad enum, a bad number, a missing file, an unknown option, a missing argument. */
    static Stream<List<String>> badInput() {
        return Stream.of(
                List.of("hlep"),
                List.of("--bogus"),
                List.of("serve", "--port", "abc"),
                List.of("serve", "--admin-port", "70000"),
                List.of("serve", "--bogus"),
                List.of("sign", "--secret", "s", "--sign-method", "sha1"),
                List.of("sign", "--secret", "s", "--body", "/no/such/body.xml"),
                List.of("sign", "--secret", "s", "--charset", "no-such-charset"),
                List.of("send", URL, "--method", "m", "--app-key", "k", "--secret", "s", "--repeat", "many"),
                List.of("send", URL, "--method", "m", "--app-key", "k", "--secret", "s", "--body", "/no/such/body.xml"),
                List.of("send", URL, "--api", "no.such.api", "--app-key", "k", "--secret", "s"),
                List.of("send", URL, "--method", "m", "--secret", "s"),
                List.of("send", "--bogus"),
                List.of("selftest"),
                List.of("selftest", URL, "--app-key", "k", "--secret", "s", "--format", "yaml"),
                List.of("selftest", URL, "--app-key", "k", "--secret", "s", "--cacert", "/no/such/ca.pem"),
                List.of("selftest", URL, "--app-key", "k", "--secret", "s", "--timeout", "soon"),
                List.of("verify", "/no/such/capture.http", "--secret", "s"),
                List.of("verify", CAPTURE, "--secret", "s", "--sign-method", "sha1"),
                List.of("verify"),
                List.of("inbox"),
                List.of("inbox", "frobnicate"),
                List.of("inbox", "list", "--status", "bogus"),
                List.of("inbox", "list", "--limit", "lots"),
                List.of("inbox", "show", "abc"),
                List.of("inbox", "show"),
                List.of("inbox", "ack", "1", "2"),
                List.of("inbox", "retry", "-5x"),
                List.of("inbox", "replay", "x"),
                List.of("inbox", "export", "--since", "yesterday"),
                List.of("inbox", "export", "--status", "bogus"),
                List.of("wait-ready"),
                List.of("wait-ready", "ftp://127.0.0.1/health/ready"),
                List.of("wait-ready", "http://127.0.0.1:1/health/ready", "--timeout", "soon"),
                List.of("help", "nosuchverb"),
                List.of("help", "inbox", "nosuchverb"),
                List.of("completion", "--bogus"));
    }

    @ParameterizedTest
    @MethodSource("badInput")
    void badInputIsOneLineAndTheVerbsUsageExit2NeverAStackTrace(List<String> args) {
        Run r = run(args.toArray(String[]::new));

        assertThat(r.exit()).as("%s\n%s", r.out(), r.err()).isEqualTo(2);
        assertThat(r.out()).as("nothing on stdout").isEmpty();
        String[] lines = r.err().split("\n");
        assertThat(lines).as(r.err()).hasSize(2);
        String verb = verbPath(args);
        assertThat(lines[0]).startsWith("qimen-server" + verb + ": ");
        assertThat(lines[1]).startsWith("Usage: qimen-server" + verb).endsWith("(more: qimen-server help" + verb + ")");
        assertThat(r.err()).doesNotContain("\tat ", "Exception:", "Caused by");
    }

    /** The verbs named in {@code args} (as far as they are verbs), with a leading space. */
    private static String verbPath(List<String> args) {
        StringBuilder path = new StringBuilder();
        CommandLine cmd = Main.commandLine();
        for (String a : args) {
            CommandLine sub = cmd.getSubcommands().get(a);
            if (sub == null) {
                break;
            }
            path.append(' ').append(a);
            cmd = sub;
        }
        return path.toString();
    }

    @Test
    void everyVerbHasABadInputCase() {
        Set<String> covered = new TreeSet<>();
        badInput().forEach(args -> covered.add(verbPath(args)));
        Set<String> verbs = new TreeSet<>();
        collect(Main.commandLine(), "", verbs);
        assertThat(covered).containsAll(verbs);
    }

    private static void collect(CommandLine cmd, String path, Set<String> into) {
        into.add(path);
        cmd.getSubcommands().forEach((name, sub) -> collect(sub, path + " " + name, into));
    }

    @Test
    void everyOptionAndParameterIsDescribed() {
        List<String> undescribed = new ArrayList<>();
        walk(Main.commandLine().getCommandSpec(), undescribed);
        assertThat(undescribed).isEmpty();
    }

    private static void walk(CommandSpec spec, List<String> undescribed) {
        spec.options().stream().filter(o -> String.join("", o.description()).isBlank())
                .forEach(o -> undescribed.add(spec.qualifiedName(" ") + " " + o.longestName()));
        spec.positionalParameters().stream().filter(p -> String.join("", p.description()).isBlank())
                .forEach(p -> undescribed.add(spec.qualifiedName(" ") + " " + p.paramLabel()));
        spec.subcommands().values().forEach(sub -> walk(sub.getCommandSpec(), undescribed));
    }

    @Test
    void aRealProcessAnswersBadInputTheSameWay() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "inbox", "list", "--status", "bogus")
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(err).isEqualTo(2);
        assertThat(err).isEqualTo("qimen-server inbox list: Invalid value for option '--status': unknown status 'bogus'"
                + " (new, processing, done, failed, dead)\n"
                + "Usage: qimen-server inbox list [OPTIONS]  (more: qimen-server help inbox list)\n");
        assertThat(p.getInputStream().readAllBytes()).isEmpty();
    }

    @Test
    void aMistypedVerbGetsASuggestion() {
        assertThat(run("selftset").err()).startsWith("qimen-server: Unmatched argument at index 0: 'selftset' (did you mean: ")
                .contains("selftest").contains("\nUsage: qimen-server VERB [OPTIONS]");
    }

    @Test
    void helpShowsTheVerbsAndEachVerbsUsage() {
        Run all = run("help");
        assertThat(all.exit()).isZero();
        assertThat(all.out()).startsWith("Usage: qimen-server").contains("serve", "send", "selftest", "verify", "inbox",
                "wait-ready", "help", "completion");

        Run send = run("help", "send");
        assertThat(send.exit()).isZero();
        assertThat(send.out()).startsWith("Usage: qimen-server send").contains("--repeat", "--json");

        Run list = run("help", "inbox", "list");
        assertThat(list.exit()).isZero();
        assertThat(list.out()).startsWith("Usage: qimen-server inbox list").contains("--status", "--json");
        assertThat(run("inbox", "list", "--help").out()).isEqualTo(list.out());
    }

    @Test
    void versionIsThePomVersion() throws Exception {
        String pom = Files.readString(Path.of("../pom.xml"));
        Matcher m = Pattern.compile("<artifactId>qimen-callback-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        Run r = run("--version");
        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("qimen-server " + m.group(1));
    }

    @Test
    void completionCompletesVerbsAndOptionsInBash(@TempDir Path dir) throws Exception {
        Run r = run("completion");
        assertThat(r.exit()).isZero();
        Path script = Files.writeString(dir.resolve("qimen-server-completion.bash"), r.out());

        assertThat(complete(script, "qimen-server", "wa")).containsExactly("wait-ready");
        assertThat(complete(script, "qimen-server", "inbox", "re")).containsExactlyInAnyOrder("retry", "replay");
        assertThat(complete(script, "qimen-server", "inbox", "list", "--st")).containsExactly("--status");
    }

    /** What bash completes for the last word, with the script sourced, as in an interactive shell. */
    private static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder sh = new StringBuilder("source '" + script + "'\nCOMP_WORDS=(");
        for (String w : words) {
            sh.append('\'').append(w).append("' ");
        }
        sh.append(")\nCOMP_CWORD=").append(words.length - 1).append("\nCOMP_LINE=\"${COMP_WORDS[*]}\"\n")
                .append("COMP_POINT=${#COMP_LINE}\n")
                .append("$(complete -p qimen-server | sed -E 's/.*-F ([^ ]+).*/\\1/') qimen-server\n")
                .append("printf '%s\\n' \"${COMPREPLY[@]}\"\n");
        Process p = new ProcessBuilder("bash", "-c", sh.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // compopt complains outside a real completion
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
