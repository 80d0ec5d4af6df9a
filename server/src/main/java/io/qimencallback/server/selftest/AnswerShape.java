package io.qimencallback.server.selftest;

import io.qimencallback.server.client.GatewayResponse;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Whether an answer is a well-formed Qimen answer, in the format that was asked for. */
final class AnswerShape {
    private static final Pattern XML_RESPONSE_ROOT = Pattern.compile("^\\s*(<\\?xml[^>]*\\?>)?\\s*<response[\\s/>]");

    private AnswerShape() {
    }

    /** What is wrong with the answer, if anything: HTTP status, shape, flag, code, format. */
    static Optional<String> problem(GatewayResponse r, String format) {
        if (r.status() != 200) {
            return Optional.of("HTTP " + r.status() + ": every Qimen answer, refusals included, must be HTTP 200"
                    + " with flag/code/message (the gateway console's self-test expects 200)");
        }
        String kind = kind(r.text());
        if (kind == null || r.flag() == null) {
            return Optional.of("not a Qimen answer (no flag): " + excerpt(r.text()));
        }
        if (kind.equals("xml") && !XML_RESPONSE_ROOT.matcher(r.text()).find()) {
            return Optional.of("XML answer whose root is not <response>: " + excerpt(r.text()));
        }
        if (!r.flag().equals("success") && !r.flag().equals("failure")) {
            return Optional.of("flag is '" + r.flag() + "': it must be success or failure (exact, lower case)");
        }
        if (r.flag().equals("failure") && (r.code() == null || r.code().isBlank())) {
            return Optional.of("flag=failure without a code");
        }
        if (!kind.equals(format.toLowerCase(Locale.ROOT))) {
            return Optional.of("answered " + kind + " to format=" + format + ": the answer must follow the format parameter");
        }
        return Optional.empty();
    }

    /** {@code xml}, {@code json} or null, from the first character of the answer. */
    private static String kind(String text) {
        String t = text.strip();
        if (t.startsWith("\uFEFF")) {
            t = t.substring(1).strip();
        }
        return t.startsWith("<") ? "xml" : t.startsWith("{") ? "json" : null;
    }

    static String excerpt(String text) {
        String t = text.strip().replaceAll("\\s+", " ");
        return t.isEmpty() ? "(empty body)" : t.length() > 120 ? t.substring(0, 120) + "…" : t;
    }

    static String flagAndCode(GatewayResponse r) {
        return r.flag() + " " + r.code() + (r.message() == null || r.message().isBlank() ? "" : " (" + r.message() + ")");
    }
}
