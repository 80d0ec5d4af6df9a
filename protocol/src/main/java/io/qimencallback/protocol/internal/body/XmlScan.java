package io.qimencallback.protocol.internal.body;

import io.qimencallback.protocol.ErrorCode;
import io.qimencallback.protocol.QimenException;
import java.io.ByteArrayInputStream;
import java.io.StringReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * XML read straight from the hardened StAX reader, without Jackson's token layer on top: the well-formedness check
 * before dispatch and the one-value lookup a handler makes, both streaming. Measured on the 2.4 KiB sample order, the
 * token layer (text collection, whitespace checks) was most of what checking a body cost.
 */
final class XmlScan {
    /** The same nesting limit as the tree parser's. */
    static final int MAX_DEPTH = 200;
    private static final XMLInputFactory IN = BodyParser.hardenedXmlInput();

    static {
        // text is only looked at where a value is wanted; skipping it still checks it
        IN.setProperty(XMLInputFactory.IS_COALESCING, false);
    }

    private XmlScan() {
    }

    /** Refuses what the tree parser would refuse: not well-formed, nested too deep, a DTD, an unknown entity. */
    static void check(byte[] body, Charset charset) throws QimenException {
        XMLStreamReader r = open(body, charset);
        try {
            int depth = 0;
            boolean root = false;
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    root = true;
                    if (++depth > MAX_DEPTH) {
                        throw new QimenException(ErrorCode.INVALID_BODY, "body is nested deeper than " + MAX_DEPTH);
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                } else if (event == XMLStreamConstants.DTD) {
                    throw new QimenException(ErrorCode.INVALID_BODY, "XML with a DOCTYPE is not accepted");
                }
            }
            if (!root) {
                throw new QimenException(ErrorCode.INVALID_BODY, "body is empty");
            }
        } catch (XMLStreamException | RuntimeException e) {
            throw invalid(e);
        } finally {
            close(r);
        }
    }

    /** The text of the first element at {@code path} below the root that holds text only; empty when none. */
    static Optional<String> find(byte[] body, Charset charset, String path) throws QimenException {
        String[] want = path.split("/");
        XMLStreamReader r = open(body, charset);
        try {
            int depth = 0; // elements open below the root
            int matched = 0; // leading names of the path that the open elements match
            boolean inRoot = false;
            StringBuilder text = null;
            while (r.hasNext()) {
                int event = r.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    text = null;
                    if (!inRoot) {
                        inRoot = true;
                        continue;
                    }
                    if (depth == matched && matched < want.length && want[matched].equals(r.getLocalName())) {
                        matched++;
                        if (matched == want.length) {
                            text = new StringBuilder();
                        }
                    }
                    if (++depth > MAX_DEPTH) {
                        return Optional.empty();
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    if (text != null) {
                        return Optional.of(text.toString());
                    }
                    if (depth == 0) {
                        return Optional.empty(); // the root closed
                    }
                    if (matched == depth) {
                        matched--;
                    }
                    depth--;
                } else if (text != null && (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA
                        || event == XMLStreamConstants.SPACE)) {
                    text.append(r.getText());
                }
            }
            return Optional.empty();
        } catch (XMLStreamException | RuntimeException e) {
            throw invalid(e);
        } finally {
            close(r);
        }
    }

    private static XMLStreamReader open(byte[] body, Charset charset) throws QimenException {
        try {
            return charset.equals(StandardCharsets.UTF_8) ? IN.createXMLStreamReader(new ByteArrayInputStream(body))
                    : IN.createXMLStreamReader(new StringReader(new String(body, charset)));
        } catch (XMLStreamException | RuntimeException e) {
            throw invalid(e);
        }
    }

    private static QimenException invalid(Exception e) {
        if (e instanceof QimenException q) {
            return q;
        }
        String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        if (msg.length() > 160) {
            msg = msg.substring(0, 160) + "…";
        }
        return new QimenException(ErrorCode.INVALID_BODY, "body is not well-formed XML" + (msg.isEmpty() ? "" : ": " + msg));
    }

    private static void close(XMLStreamReader r) {
        try {
            r.close();
        } catch (XMLStreamException ignored) {
            // nothing was held open: the input is a byte array
        }
    }
}
