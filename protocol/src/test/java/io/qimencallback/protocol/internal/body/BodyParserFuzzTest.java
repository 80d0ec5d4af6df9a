package io.qimencallback.protocol.internal.body;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import io.qimencallback.protocol.ContentKind;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The body parsers on any bytes (UTF-8, and GBK when the first byte is odd): a tree, or {@code invalid-body} with a
 * short message — never another exception, never a DTD acted on (Jazzer's file-system and network sanitizers would
 * report an XXE that reached either), the same tree every time.
 */
class BodyParserFuzzTest {
    private static final Charset GBK = Charset.forName("GBK");

    @FuzzTest(maxDuration = "20s")
    void xml(byte[] body) {
        check(ContentKind.XML, body);
    }

    @FuzzTest(maxDuration = "20s")
    void json(byte[] body) {
        check(ContentKind.JSON, body);
    }

    @FuzzTest(maxDuration = "20s")
    void form(byte[] body) {
        check(ContentKind.FORM, body);
    }

    private static void check(ContentKind kind, byte[] body) {
        Charset charset = body.length > 0 && (body[0] & 1) == 1 ? GBK : StandardCharsets.UTF_8;
        JsonNode tree;
        try {
            tree = BodyParser.parse(kind, body, charset);
        } catch (QimenException e) {
            assertThat(e.errorCode()).isEqualTo(ErrorCode.INVALID_BODY);
            assertThat(e.getMessage()).isNotBlank().hasSizeLessThan(400);
            return;
        }
        assertThat(tree).isNotNull();
        assertThat(tree.isMissingNode()).isFalse();
        if (kind == ContentKind.FORM) {
            assertThat(tree.isObject()).isTrue();
        }
        if (kind == ContentKind.XML) {
            assertThat(BodyParser.declaresDtd(body)).as("a DTD is refused, never parsed").isFalse();
        }
        try {
            assertThat(BodyParser.parse(kind, body, charset)).as("deterministic").isEqualTo(tree);
        } catch (QimenException e) {
            throw new AssertionError("parsed once, refused the second time", e);
        }
    }
}
