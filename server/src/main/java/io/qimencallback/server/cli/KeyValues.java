package io.qimencallback.server.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers shared by the commands. */
final class KeyValues {
    private KeyValues() {
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The MIME type of a body file: JSON when it starts with { or [, XML otherwise. */
    static String sniffMime(byte[] body) {
        for (byte b : body) {
            if (!Character.isWhitespace(b)) {
                return b == '{' || b == '[' ? "application/json" : "text/xml";
            }
        }
        return "text/xml";
    }

}
