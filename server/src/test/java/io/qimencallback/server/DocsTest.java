package io.qimencallback.server;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the Chinese READMEs from drifting away from the English ones. README.md changes often; whoever re-syncs the
 * translation needs to know exactly which code block or heading moved, so every failure names the block or heading and
 * its line numbers in both files. Code blocks are compared byte for byte: commands, configuration and sample output are
 * not translated.
 */
final class DocsTest {

    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().resolve("..").normalize();
    private static final Pattern FENCE = Pattern.compile("^( {0,3})(`{3,}|~{3,})(.*)$");
    private static final Pattern HEADING = Pattern.compile("^(#{1,6})\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]*)\\)");

    static Stream<Arguments> pairs() {
        return Stream.of(
                Arguments.of("README.md", "README.zh-CN.md"),
                Arguments.of("deploy/README.md", "deploy/README.zh-CN.md"));
    }

    static Stream<String> allDocs() {
        return Stream.of("README.md", "README.zh-CN.md", "deploy/README.md", "deploy/README.zh-CN.md");
    }

    @ParameterizedTest(name = "{1} has the code blocks of {0}")
    @MethodSource("pairs")
    void codeBlocksAreIdentical(String english, String chinese) throws IOException {
        Doc en = Doc.read(english);
        Doc zh = Doc.read(chinese);
        int common = Math.min(en.blocks.size(), zh.blocks.size());
        for (int i = 0; i < common; i++) {
            Block a = en.blocks.get(i);
            Block b = zh.blocks.get(i);
            if (!a.sameAs(b)) {
                fail(blockMismatch(en, zh, i) + "\n" + differingBlockCount(en, zh));
            }
        }
        if (en.blocks.size() != zh.blocks.size()) {
            StringBuilder m = new StringBuilder();
            m.append(chinese).append(" has drifted from ").append(english).append(": ").append(en.blocks.size())
                    .append(" code blocks in English, ").append(zh.blocks.size()).append(" in Chinese; the first ")
                    .append(common).append(" match.\n");
            if (en.blocks.size() > common) {
                m.append("Blocks only in ").append(english).append(" (add them, with their prose, at the end of ")
                        .append(chinese).append("):\n");
                en.blocks.subList(common, en.blocks.size()).forEach(x -> m.append("  ").append(x.describe(english)).append('\n'));
            } else {
                m.append("Blocks only in ").append(chinese).append(" (removed from English? remove them):\n");
                zh.blocks.subList(common, zh.blocks.size()).forEach(x -> m.append("  ").append(x.describe(chinese)).append('\n'));
            }
            fail(m.toString());
        }
        assertTrue(en.blocks.size() > 0, english + " has no code block at all: the parser is wrong");
    }

    @ParameterizedTest(name = "{1} has as many headings of each level as {0}")
    @MethodSource("pairs")
    void headingCountsMatch(String english, String chinese) throws IOException {
        Doc en = Doc.read(english);
        Doc zh = Doc.read(chinese);
        int[] a = en.levelCounts();
        int[] b = zh.levelCounts();
        assertTrue(a[1] + a[2] > 0, english + " has no heading at all: the parser is wrong");
        if (java.util.Arrays.equals(a, b)) {
            return;
        }
        StringBuilder m = new StringBuilder();
        m.append(chinese).append(" has drifted from ").append(english).append(": headings per level (#, ##, ###, ...) ")
                .append(counts(a)).append(" in English, ").append(counts(b)).append(" in Chinese.\n");
        int n = Math.max(en.headings.size(), zh.headings.size());
        int first = -1;
        for (int i = 0; i < n && first < 0; i++) {
            if (i >= en.headings.size() || i >= zh.headings.size()
                    || en.headings.get(i).level != zh.headings.get(i).level) {
                first = i;
            }
        }
        if (first >= 0) {
            m.append("First heading whose level differs: #").append(first + 1).append(" — ")
                    .append(headingAt(en, english, first)).append(" vs ").append(headingAt(zh, chinese, first)).append('\n');
        } else {
            m.append("The outlines agree level by level up to the end of the shorter one.\n");
        }
        m.append("Both outlines, side by side (> marks the first difference):\n");
        for (int i = 0; i < n; i++) {
            m.append(i == first ? "> " : "  ")
                    .append(String.format(Locale.ROOT, "%-60s | %s", headingAt(en, english, i), headingAt(zh, chinese, i)))
                    .append('\n');
        }
        fail(m.toString());
    }

    @ParameterizedTest(name = "links to headings in {0} resolve")
    @MethodSource("allDocs")
    void anchorLinksResolve(String name) throws IOException {
        Doc doc = Doc.read(name);
        List<String> broken = new ArrayList<>();
        for (Link link : doc.links) {
            int hash = link.target.indexOf('#');
            if (hash < 0 || link.target.startsWith("http")) {
                continue;
            }
            String file = link.target.substring(0, hash);
            String anchor = link.target.substring(hash + 1);
            String targetName = file.isEmpty() ? name : normalize(parentOf(name) + file);
            if (allDocs().noneMatch(targetName::equals)) {
                continue; // bench/README.md and the like: not ours to check
            }
            Doc target = targetName.equals(name) ? doc : Doc.read(targetName);
            if (!target.anchors().contains(anchor)) {
                broken.add(name + ":" + link.line + " links to " + link.target + ", but " + targetName
                        + " has no heading with that anchor; its anchors: " + target.anchors());
            }
        }
        assertTrue(broken.isEmpty(), "Broken links to headings:\n" + String.join("\n", broken));
    }

    @ParameterizedTest(name = "{0} and {1} link to each other at the top")
    @MethodSource("pairs")
    void twinsLinkToEachOther(String english, String chinese) throws IOException {
        String zhFile = Path.of(chinese).getFileName().toString();
        String enFile = Path.of(english).getFileName().toString();
        String enTop = String.join("\n", Doc.read(english).lines.subList(0, 5));
        String zhTop = String.join("\n", Doc.read(chinese).lines.subList(0, 5));
        assertTrue(enTop.contains("](" + zhFile + ")"), english + " must link to " + zhFile + " in its first lines");
        assertTrue(zhTop.contains("](" + enFile + ")"), chinese + " must link to " + enFile + " in its first lines");
    }

    private static String blockMismatch(Doc en, Doc zh, int i) {
        Block a = en.blocks.get(i);
        Block b = zh.blocks.get(i);
        StringBuilder m = new StringBuilder();
        m.append(zh.name).append(" has drifted from ").append(en.name).append(": code block #").append(i + 1)
                .append(" differs (blocks #1..#").append(i).append(" match).\n");
        m.append("  English: ").append(a.describe(en.name)).append('\n');
        m.append("  Chinese: ").append(b.describe(zh.name)).append('\n');
        if (!a.info.equals(b.info)) {
            m.append("  fence info string: ```").append(a.info).append(" vs ```").append(b.info).append('\n');
        } else {
            int k = 0;
            while (k < a.body.size() && k < b.body.size() && a.body.get(k).equals(b.body.get(k))) {
                k++;
            }
            m.append("  first differing line: line ").append(k + 1).append(" of the block (")
                    .append(en.name).append(':').append(a.start + 1 + k).append(", ")
                    .append(zh.name).append(':').append(b.start + 1 + k).append(")\n");
            m.append("    English: ").append(k < a.body.size() ? quote(a.body.get(k)) : "(block ends)").append('\n');
            m.append("    Chinese: ").append(k < b.body.size() ? quote(b.body.get(k)) : "(block ends)").append('\n');
        }
        int inZh = indexOf(zh.blocks, a, i + 1);
        int inEn = indexOf(en.blocks, b, i + 1);
        if (inEn >= 0 && (inZh < 0 || inEn - i <= inZh - i)) {
            m.append("  hint: Chinese block #").append(i + 1).append(" equals English block #").append(inEn + 1)
                    .append(": English blocks #").append(i + 1).append("..#").append(inEn).append(" are new (")
                    .append(en.name).append(':').append(a.start).append('-').append(en.blocks.get(inEn - 1).end)
                    .append("); translate that passage and insert it before ").append(zh.name).append(':')
                    .append(b.start).append('\n');
        } else if (inZh >= 0) {
            m.append("  hint: English block #").append(i + 1).append(" equals Chinese block #").append(inZh + 1)
                    .append(": Chinese blocks #").append(i + 1).append("..#").append(inZh).append(" (").append(zh.name)
                    .append(':').append(b.start).append('-').append(zh.blocks.get(inZh - 1).end)
                    .append(") were removed from English; remove them with their prose\n");
        } else {
            m.append("  hint: the block changed in English: copy ").append(en.name).append(" lines ").append(a.start)
                    .append('-').append(a.end).append(" over ").append(zh.name).append(" lines ").append(b.start)
                    .append('-').append(b.end).append(", then check the prose around it\n");
        }
        return m.toString();
    }

    private static String differingBlockCount(Doc en, Doc zh) {
        int common = Math.min(en.blocks.size(), zh.blocks.size());
        int differing = 0;
        for (int i = 0; i < common; i++) {
            if (!en.blocks.get(i).sameAs(zh.blocks.get(i))) {
                differing++;
            }
        }
        return "  in all: " + en.blocks.size() + " blocks in English, " + zh.blocks.size() + " in Chinese, "
                + differing + " of the first " + common + " differ position by position";
    }

    private static int indexOf(List<Block> blocks, Block wanted, int from) {
        for (int j = from; j < blocks.size(); j++) {
            if (blocks.get(j).sameAs(wanted)) {
                return j;
            }
        }
        return -1;
    }

    private static String headingAt(Doc doc, String name, int i) {
        if (i >= doc.headings.size()) {
            return "(none)";
        }
        Heading h = doc.headings.get(i);
        return name + ":" + h.line + " " + "#".repeat(h.level) + " " + h.text;
    }

    private static String counts(int[] c) {
        StringBuilder s = new StringBuilder();
        for (int level = 1; level <= 6; level++) {
            if (c[level] > 0) {
                s.append(s.length() == 0 ? "" : ", ").append("#".repeat(level)).append(' ').append(c[level]);
            }
        }
        return "[" + s + "]";
    }

    private static String quote(String line) {
        return "\"" + (line.length() > 160 ? line.substring(0, 160) + "…" : line) + "\"";
    }

    private static String parentOf(String name) {
        int slash = name.lastIndexOf('/');
        return slash < 0 ? "" : name.substring(0, slash + 1);
    }

    private static String normalize(String path) {
        return Path.of(path).normalize().toString().replace('\\', '/');
    }

    /** GitHub's heading anchor: lower case, punctuation (ASCII or full-width) dropped, spaces to hyphens. */
    static String slug(String headingText) {
        String text = headingText.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1").toLowerCase(Locale.ROOT);
        StringBuilder s = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c == ' ') {
                s.append('-');
            } else if (c == '-' || c == '_' || Character.isLetterOrDigit(c)
                    || Character.getType(c) == Character.NON_SPACING_MARK) {
                s.appendCodePoint(c);
            }
        });
        return s.toString();
    }

    private record Block(int start, int end, String info, List<String> body) {
        boolean sameAs(Block other) {
            return info.equals(other.info) && body.equals(other.body);
        }

        String describe(String file) {
            String first = body.isEmpty() ? "(empty)" : quote(body.get(0));
            return file + ":" + start + "-" + end + " ```" + info + " starting " + first;
        }
    }

    private record Heading(int line, int level, String text) {}

    private record Link(int line, String target) {}

    private static final class Doc {
        final String name;
        final List<String> lines;
        final List<Block> blocks = new ArrayList<>();
        final List<Heading> headings = new ArrayList<>();
        final List<Link> links = new ArrayList<>();

        private Doc(String name, List<String> lines) {
            this.name = name;
            this.lines = lines;
            parse();
        }

        static Doc read(String name) throws IOException {
            Path path = ROOT.resolve(name);
            if (!Files.isRegularFile(path)) {
                fail("missing " + path + " (DocsTest reads the READMEs relative to the server module's parent)");
            }
            return new Doc(name, Files.readAllLines(path, StandardCharsets.UTF_8));
        }

        private void parse() {
            String fence = null;
            int start = 0;
            String info = "";
            List<String> body = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                int lineNo = i + 1;
                Matcher f = FENCE.matcher(line);
                if (fence == null) {
                    if (f.matches()) {
                        fence = f.group(2);
                        start = lineNo;
                        info = f.group(3).trim();
                        body = new ArrayList<>();
                        continue;
                    }
                    Matcher h = HEADING.matcher(line);
                    if (h.matches()) {
                        headings.add(new Heading(lineNo, h.group(1).length(), h.group(2)));
                    }
                    Matcher l = LINK.matcher(line);
                    while (l.find()) {
                        links.add(new Link(lineNo, l.group(1)));
                    }
                } else if (f.matches() && f.group(2).charAt(0) == fence.charAt(0)
                        && f.group(2).length() >= fence.length() && f.group(3).isBlank()) {
                    blocks.add(new Block(start, lineNo, info, List.copyOf(body)));
                    fence = null;
                } else {
                    body.add(line);
                }
            }
            if (fence != null) {
                fail(name + ":" + start + ": code block opened with " + fence + " is never closed");
            }
        }

        int[] levelCounts() {
            int[] c = new int[7];
            headings.forEach(h -> c[h.level]++);
            return c;
        }

        Set<String> anchors() {
            Map<String, Integer> seen = new HashMap<>();
            Set<String> out = new LinkedHashSet<>();
            for (Heading h : headings) {
                String base = slug(h.text);
                int n = seen.merge(base, 1, Integer::sum) - 1;
                out.add(n == 0 ? base : base + "-" + n);
            }
            return out;
        }
    }
}
