package io.qimencallback.server.inbox;

import io.qimencallback.protocol.MethodNames;
import java.util.List;
import java.util.regex.Pattern;

/** Glob patterns ({@code *} = any run of characters) over normalized method names. */
public final class MethodGlobs {
    private final List<Pattern> patterns;

    public MethodGlobs(List<String> globs) {
        this.patterns = globs.stream().map(MethodGlobs::compile).toList();
    }

    static Pattern compile(String glob) {
        // written as the gateway sends it (taobao.qimen.deliveryorder.*) or normalized: both mean the same
        String g = glob.startsWith("*") ? glob : MethodNames.normalize(glob);
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
