package io.qimencallback.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
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
    private static final String RULE = "Code blocks (commands, configuration, sample output) are not translated: each one in"
            + " the Chinese file must be a byte-for-byte copy of the English one, in the same order.";
    private static final Pattern INLINE_CODE = Pattern.compile("`([^`]+)`");
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
        assertTrue(en.blocks.size() > 0, english + " has no code block at all: the parser is wrong");
        String drift = codeBlockDrift(en, Doc.read(chinese));
        assertTrue(drift == null, drift);
    }

    @ParameterizedTest(name = "{1} has as many headings of each level as {0}")
    @MethodSource("pairs")
    void headingCountsMatch(String english, String chinese) throws IOException {
        Doc en = Doc.read(english);
        assertTrue(en.headings.size() > 1, english + " has no heading at all: the parser is wrong");
        String drift = headingDrift(en, Doc.read(chinese));
        assertTrue(drift == null, drift);
    }

    @ParameterizedTest(name = "{1} has the inline code of {0}")
    @MethodSource("pairs")
    void inlineCodeIsTheSame(String english, String chinese) throws IOException {
        String drift = inlineCodeDrift(Doc.read(english), Doc.read(chinese));
        assertTrue(drift == null, drift);
    }

    // The checks themselves, on made-up documents: each must catch its kind of drift and say where.

    @Test
    void aChangedBlockIsNamedWithItsLinesInBothFiles() {
        Doc en = doc("README.md", "# T", "", "```sh", "mvn verify", "```", "", "## A", "```", "a", "b", "```");
        Doc zh = doc("README.zh-CN.md", "English", "# T", "", "```sh", "mvn verify", "```", "## 甲", "```", "a", "c", "```");
        assertEquals(null, codeBlockDrift(en, en));
        String m = codeBlockDrift(en, zh);
        assertNotNull(m);
        assertTrue(m.contains("code block #2 differs"), m);
        assertTrue(m.contains("README.md:8-11 ``` under \"## A\"") && m.contains("README.zh-CN.md:8-11 ``` under \"## 甲\""), m);
        assertTrue(m.contains("new or changed in README.md (translate the prose around them, copy the blocks):\n    #2 "), m);
        assertTrue(m.contains("README.md:10, README.zh-CN.md:10"), m);
        assertTrue(m.contains("\"b\"") && m.contains("\"c\""), m);
        assertTrue(m.contains("copy README.md lines 8-11 over README.zh-CN.md lines 8-11"), m);
    }

    @Test
    void aBlockAddedInEnglishIsReportedAsNew() {
        Doc en = doc("README.md", "```", "one", "```", "```sh", "new", "```", "```", "two", "```");
        Doc zh = doc("README.zh-CN.md", "```", "one", "```", "```", "two", "```");
        String m = codeBlockDrift(en, zh);
        assertNotNull(m);
        assertTrue(m.contains("English blocks #2..#2 are new (README.md:4-6)"), m);
        assertTrue(m.contains("insert it before README.zh-CN.md:4"), m);
        String removed = codeBlockDrift(zh, en);
        assertTrue(removed.contains("were removed from English"), removed);
    }

    @Test
    void aMissingLastBlockIsListed() {
        Doc en = doc("README.md", "```", "one", "```", "~~~", "two", "~~~");
        Doc zh = doc("README.zh-CN.md", "```", "one", "```");
        String m = codeBlockDrift(en, zh);
        assertTrue(m.contains("2 code blocks in English, 1 in Chinese"), m);
        assertTrue(m.contains("README.md:4-6 ``` under \"(top)\""), m);
    }

    @Test
    void aFenceInfoStringCountsAndHashLinesInBlocksAreNoHeadings() {
        Doc en = doc("a.md", "# T", "```sh", "# a comment, not a heading", "```");
        Doc zh = doc("b.md", "# T", "```bash", "# a comment, not a heading", "```");
        assertEquals(1, en.headings.size());
        assertTrue(codeBlockDrift(en, zh).contains("fence info string: ```sh vs ```bash"));
    }

    @Test
    void aMissingHeadingIsShownInBothOutlines() {
        Doc en = doc("README.md", "# T", "## A", "### A1", "## B");
        Doc zh = doc("README.zh-CN.md", "# T", "## 甲", "## 乙");
        assertEquals(null, headingDrift(en, en));
        String m = headingDrift(en, zh);
        assertNotNull(m);
        assertTrue(m.contains("[# 1, ## 2, ### 1] in English, [# 1, ## 2] in Chinese"), m);
        assertTrue(m.contains("First heading whose level or number of code blocks differs: #3 — README.md:3 ### A1 [0]"
                + " vs README.zh-CN.md:3 ## 乙 [0]"), m);
    }

    @Test
    void anchorsFollowGitHub() {
        assertEquals("why-did-the-signature-fail-verify-and-diagnostics",
                slug("Why did the signature fail? (verify and diagnostics)"));
        assertEquals("docker-compose-server-prometheus-grafana", slug("docker-compose: server, Prometheus, Grafana"));
        assertEquals("签名为什么没通过verify-与签名诊断", slug("签名为什么没通过？verify 与签名诊断"));
        assertEquals("收件箱inbox", slug("收件箱（inbox）"));
        assertEquals("进程内-tls", slug("进程内 TLS"));
    }

    @Test
    void inlineCodeIsCountedWhereverItIs() {
        Doc en = doc("README.md", "Set `QIMEN_PORT` and `QIMEN_BIND`,", "then `QIMEN_PORT` again; `a", "b`.");
        Doc zh = doc("README.zh-CN.md", "设置 `QIMEN_BIND` 和 `QIMEN_PORT`，`a b`。");
        assertTrue(inlineCodeDrift(en, zh).contains("`QIMEN_PORT` 2 times in README.md (lines 1, 2), 1 in README.zh-CN.md (line 1)"),
                inlineCodeDrift(en, zh));
        assertEquals(null, inlineCodeDrift(en, doc("x.md", "`a b` `QIMEN_PORT` `QIMEN_BIND` `QIMEN_PORT`")));
    }

    private static Doc doc(String name, String... lines) {
        return new Doc(name, List.of(lines));
    }

    /** Null when the Chinese file has exactly the code blocks of the English one, else what differs first, and where. */
    static String codeBlockDrift(Doc en, Doc zh) {
        int common = Math.min(en.blocks.size(), zh.blocks.size());
        for (int i = 0; i < common; i++) {
            if (!en.blocks.get(i).sameAs(zh.blocks.get(i))) {
                return blockMismatch(en, zh, i) + unmatchedBlocks(en, zh) + RULE;
            }
        }
        if (en.blocks.size() == zh.blocks.size()) {
            return null;
        }
        StringBuilder m = new StringBuilder();
        m.append(zh.name).append(" has drifted from ").append(en.name).append(": ").append(en.blocks.size())
                .append(" code blocks in English, ").append(zh.blocks.size()).append(" in Chinese; the first ")
                .append(common).append(" match.\n");
        if (en.blocks.size() > common) {
            m.append("Blocks only in ").append(en.name).append(" (add them, with their prose, at the end of ")
                    .append(zh.name).append("):\n");
            en.blocks.subList(common, en.blocks.size()).forEach(x -> m.append("  ").append(x.describe(en)).append('\n'));
        } else {
            m.append("Blocks only in ").append(zh.name).append(" (removed from English? remove them):\n");
            zh.blocks.subList(common, zh.blocks.size()).forEach(x -> m.append("  ").append(x.describe(zh)).append('\n'));
        }
        return m.append(RULE).toString();
    }

    /** Null when both files have as many headings of each level, else both outlines side by side. */
    static String headingDrift(Doc en, Doc zh) {
        int[] a = en.levelCounts();
        int[] b = zh.levelCounts();
        if (Arrays.equals(a, b)) {
            return null;
        }
        StringBuilder m = new StringBuilder();
        m.append(zh.name).append(" has drifted from ").append(en.name).append(": headings per level ")
                .append(counts(a)).append(" in English, ").append(counts(b)).append(" in Chinese.\n");
        int n = Math.max(en.headings.size(), zh.headings.size());
        int first = -1;
        for (int i = 0; i < n && first < 0; i++) {
            if (i >= en.headings.size() || i >= zh.headings.size()
                    || en.headings.get(i).level != zh.headings.get(i).level
                    || en.blocksUnder(i) != zh.blocksUnder(i)) {
                first = i;
            }
        }
        if (first >= 0) {
            m.append("First heading whose level or number of code blocks differs: #").append(first + 1).append(" — ")
                    .append(headingAt(en, first)).append(" vs ").append(headingAt(zh, first)).append('\n');
        }
        m.append("Both outlines, side by side, with the code blocks under each heading (> marks the first difference):\n");
        for (int i = 0; i < n; i++) {
            m.append(i == first ? "> " : "  ")
                    .append(String.format(Locale.ROOT, "%-60s | %s", headingAt(en, i), headingAt(zh, i)))
                    .append('\n');
        }
        return m.toString();
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

    /**
     * Null when both files hold the same inline code spans (`QIMEN_PORT`, metric names, paths...) as many times each, in
     * any order; else every span whose count differs, with its lines.
     */
    static String inlineCodeDrift(Doc en, Doc zh) {
        Map<String, List<Integer>> a = en.inlineCode();
        Map<String, List<Integer>> b = zh.inlineCode();
        Set<String> all = new java.util.TreeSet<>(a.keySet());
        all.addAll(b.keySet());
        StringBuilder m = new StringBuilder();
        for (String span : all) {
            List<Integer> x = a.getOrDefault(span, List.of());
            List<Integer> y = b.getOrDefault(span, List.of());
            if (x.size() != y.size()) {
                m.append("  `").append(span).append("` ").append(x.size()).append(" times in ").append(en.name)
                        .append(lines(x)).append(", ").append(y.size()).append(" in ").append(zh.name).append(lines(y))
                        .append('\n');
            }
        }
        if (m.length() == 0) {
            return null;
        }
        return zh.name + " has drifted from " + en.name + ": inline code (`...`, outside code blocks) differs. Names of"
                + " settings, metrics, commands and files are not translated, so each must appear as often in both:\n" + m;
    }

    private static String lines(List<Integer> lines) {
        if (lines.isEmpty()) {
            return "";
        }
        StringBuilder s = new StringBuilder(lines.size() == 1 ? " (line " : " (lines ");
        for (int i = 0; i < lines.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(lines.get(i));
        }
        return s.append(')').toString();
    }

    private static String blockMismatch(Doc en, Doc zh, int i) {
        Block a = en.blocks.get(i);
        Block b = zh.blocks.get(i);
        StringBuilder m = new StringBuilder();
        m.append(zh.name).append(" has drifted from ").append(en.name).append(": code block #").append(i + 1)
                .append(" differs (blocks #1..#").append(i).append(" match).\n");
        m.append("  English: ").append(a.describe(en)).append('\n');
        m.append("  Chinese: ").append(b.describe(zh)).append('\n');
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

    /** Every block of each side that the other lacks, by a longest common subsequence: the whole re-sync to do. */
    private static String unmatchedBlocks(Doc en, Doc zh) {
        List<Block> x = en.blocks;
        List<Block> y = zh.blocks;
        int[][] lcs = new int[x.size() + 1][y.size() + 1];
        for (int i = x.size() - 1; i >= 0; i--) {
            for (int j = y.size() - 1; j >= 0; j--) {
                lcs[i][j] = x.get(i).sameAs(y.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> onlyEn = new ArrayList<>();
        List<String> onlyZh = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < x.size() || j < y.size()) {
            if (i < x.size() && j < y.size() && x.get(i).sameAs(y.get(j))) {
                i++;
                j++;
            } else if (j >= y.size() || (i < x.size() && lcs[i + 1][j] >= lcs[i][j + 1])) {
                onlyEn.add("    #" + (i + 1) + " " + x.get(i).describe(en));
                i++;
            } else {
                onlyZh.add("    #" + (j + 1) + " " + y.get(j).describe(zh));
                j++;
            }
        }
        StringBuilder m = new StringBuilder();
        m.append("All differences (").append(x.size()).append(" blocks in English, ").append(y.size())
                .append(" in Chinese, ").append(lcs[0][0]).append(" in common):\n");
        m.append("  new or changed in ").append(en.name).append(" (translate the prose around them, copy the blocks):")
                .append(onlyEn.isEmpty() ? " none" : "").append('\n');
        onlyEn.forEach(line -> m.append(line).append('\n'));
        m.append("  in ").append(zh.name).append(" but no longer in English (replace or remove them):")
                .append(onlyZh.isEmpty() ? " none" : "").append('\n');
        onlyZh.forEach(line -> m.append(line).append('\n'));
        return m.toString();
    }

    private static int indexOf(List<Block> blocks, Block wanted, int from) {
        for (int j = from; j < blocks.size(); j++) {
            if (blocks.get(j).sameAs(wanted)) {
                return j;
            }
        }
        return -1;
    }

    private static String headingAt(Doc doc, int i) {
        if (i >= doc.headings.size()) {
            return "(none)";
        }
        Heading h = doc.headings.get(i);
        return doc.name + ":" + h.line + " " + "#".repeat(h.level) + " " + h.text + " [" + doc.blocksUnder(i) + "]";
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

        String describe(Doc doc) {
            String first = body.isEmpty() ? "(empty)" : quote(body.get(0));
            return doc.name + ":" + start + "-" + end + " ```" + info + " under \"" + doc.sectionOf(start) + "\", starting "
                    + first;
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

        /** Inline code spans outside code blocks (a span may wrap a line; its whitespace counts as one space). */
        Map<String, List<Integer>> inlineCode() {
            StringBuilder text = new StringBuilder();
            List<Integer> lineOf = new ArrayList<>();
            boolean inBlock = false;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                Matcher f = FENCE.matcher(line);
                if (f.matches()) {
                    inBlock = !inBlock;
                    continue;
                }
                if (!inBlock) {
                    for (int k = 0; k <= line.length(); k++) {
                        lineOf.add(i + 1);
                    }
                    text.append(line).append('\n');
                }
            }
            Map<String, List<Integer>> spans = new java.util.TreeMap<>();
            Matcher m = INLINE_CODE.matcher(text);
            while (m.find()) {
                String span = m.group(1).replaceAll("\\s+", " ");
                spans.computeIfAbsent(span, k -> new ArrayList<>()).add(lineOf.get(m.start()));
            }
            return spans;
        }

        /** The heading a line falls under, for locating a block. */
        String sectionOf(int line) {
            String section = "(top)";
            for (Heading h : headings) {
                if (h.line < line) {
                    section = "#".repeat(h.level) + " " + h.text;
                }
            }
            return section;
        }

        /** Code blocks between heading i and the next heading: a fingerprint that survives translation. */
        int blocksUnder(int i) {
            int from = headings.get(i).line;
            int to = i + 1 < headings.size() ? headings.get(i + 1).line : Integer.MAX_VALUE;
            return (int) blocks.stream().filter(b -> b.start > from && b.start < to).count();
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
