package io.qimencallback.server.target.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qimencallback.protocol.ContentKind;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.QimenResponse;
import io.qimencallback.protocol.internal.body.BodyParser;
import io.qimencallback.server.call.LogSafe;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an internal target's answer into a {@link QimenResponse}. A malformed answer is a {@link Bad} whose reason
 * says what was wrong without quoting the answer (it may carry personal data).
 */
final class TargetAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SKIPPED = Set.of("flag", "code", "message", "sub_code", "sub_message");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");
    private static final Pattern POSITION = Pattern.compile("line \\d+, column \\d+");
    private static final Pattern CODE = Pattern.compile("[^\\p{Cntrl}]{1,64}");

    static {
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private TargetAnswer() {
    }

    /** An answer that cannot be used; the reason is safe to log. */
    static final class Bad extends Exception {
        Bad(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@code {"flag": "success"|"failure", "code": ..., "message": ..., ...fields}}. */
    static QimenResponse fields(byte[] body) throws Bad {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Bad("answer is not JSON (" + where(e.getLocation()) + ")");
        } catch (IOException e) {
            throw new Bad("answer is not JSON");
        }
        if (root == null || !root.isObject()) {
            throw new Bad("answer is not a JSON object {flag, code, message, ...}");
        }
        return response(root, "JSON answer");
    }

    /**
     * A Qimen answer as the target wrote it: XML {@code <response><flag/><code/><message/>...</response>} or JSON
     * {@code {"response": {...}}}, its fields kept as they are (rendered again in the caller's format).
     */
    static QimenResponse passthrough(byte[] body, Charset charset) throws Bad {
        int i = 0;
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            i = 3;
        }
        while (i < body.length && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n')) {
            i++;
        }
        if (i == body.length) {
            throw new Bad("answer is empty");
        }
        JsonNode root;
        String kind = body[i] == '<' ? "XML answer" : "JSON answer";
        try {
            if (body[i] == '<') {
                root = BodyParser.parse(ContentKind.XML, body, charset == null ? StandardCharsets.UTF_8 : charset);
            } else if (body[i] == '{') {
                root = BodyParser.parse(ContentKind.JSON, body, charset == null ? StandardCharsets.UTF_8 : charset);
                JsonNode inner = root.get("response");
                if (inner != null && inner.isObject()) {
                    root = inner;
                }
            } else {
                throw new Bad("answer is neither XML nor JSON");
            }
        } catch (QimenException e) {
            // the parser's message may quote the answer: only the position it names is kept
            java.util.regex.Matcher at = POSITION.matcher(e.getMessage());
            throw new Bad(kind + " is not well-formed" + (at.find() ? " (" + at.group() + ")" : ""));
        }
        if (!root.isObject()) {
            throw new Bad(kind + " has no <response> fields");
        }
        return response(root, kind);
    }

    private static QimenResponse response(JsonNode root, String kind) throws Bad {
        JsonNode flag = root.get("flag");
        if (flag == null || !flag.isTextual()) {
            throw new Bad(kind + " has no flag (success or failure)");
        }
        boolean success = switch (flag.asText()) {
            case QimenResponse.SUCCESS -> true;
            case QimenResponse.FAILURE -> false;
            default -> throw new Bad(kind + ": flag is neither success nor failure");
        };
        JsonNode code = root.get("code");
        if (code != null && !code.isValueNode()) {
            throw new Bad(kind + ": code is not a value");
        }
        String codeText = code == null || code.isNull() ? null : code.asText();
        if (codeText == null || codeText.isEmpty()) {
            if (!success) {
                throw new Bad(kind + ": a failure without a code");
            }
            codeText = "0";
        }
        if (!CODE.matcher(codeText).matches()) {
            throw new Bad(kind + ": code is longer than 64 characters or has control characters");
        }
        JsonNode message = root.get("message");
        if (message != null && !message.isValueNode()) {
            throw new Bad(kind + ": message is not a value");
        }
        String text = message == null || message.isNull() ? (success ? "ok" : codeText) : message.asText();
        // a success is answered code 0 whatever code the target gave: the Qimen shape has no other
        QimenResponse r = success ? QimenResponse.success(text) : QimenResponse.failure(codeText, text);
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (SKIPPED.contains(f.getKey())) {
                continue;
            }
            if (!NAME.matcher(f.getKey()).matches()) {
                throw new Bad(kind + ": field name '" + LogSafe.value(f.getKey()) + "' is not a valid element name");
            }
            r = r.with(f.getKey(), f.getValue());
        }
        return r;
    }

    private static String where(JsonLocation at) {
        return at == null ? "at its start" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
    }
}
