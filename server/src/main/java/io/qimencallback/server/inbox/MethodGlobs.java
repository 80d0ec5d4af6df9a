package io.qimencallback.server.inbox;

import io.qimencallback.protocol.MethodNames;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Glob patterns ({@code *} = any run of characters) over normalized method names. */
public final class MethodGlobs {
    private final List<Pattern> patterns;

    public MethodGlobs(List<String> globs) {
        this.patterns = globs.stream().map(MethodGlobs::compile).toList();
    }

    /**
     * A glob as method names are compared: trimmed and lower-cased always; one written as the gateway sends it
     * ({@code taobao.qimen.deliveryorder.*}) also loses its prefix as a method name would. A leading {@code *} stands
     * for any prefix, so only the case is normalized there ({@code *.wdt.x} must not become {@code wdt.x}).
     */
    public static String normalize(String glob) {
        String g = glob.trim();
        return g.startsWith("*") ? g.toLowerCase(Locale.ROOT) : MethodNames.normalize(g);
    }

    static Pattern compile(String glob) {
        String g = normalize(glob);
        StringBuilder re = new StringBuilder();
        for (String part : g.split("\\*", -1)) {
            if (re.length() > 0 || g.startsWith("*")) {
                re.append(".*");
            }
            re.append(Pattern.quote(part));
        }
        return Pattern.compile(g.equals("*") ? ".*" : re.toString());
    }

    public boolean matches(String normalizedMethod) {
        for (Pattern p : patterns) {
            if (p.matcher(normalizedMethod).matches()) {
                return true;
            }
        }
        return false;
    }
}
