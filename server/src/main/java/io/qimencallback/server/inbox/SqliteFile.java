package io.qimencallback.server.inbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * The inbox's SQLite file as it was opened: its identity (device and inode on Unix, the file key) and its header. An
 * open connection keeps writing to a deleted or replaced file, and SQLite in WAL mode does not notice; checking
 * costs a stat and a 16-byte read per commit.
 */
final class SqliteFile {
    private static final byte[] MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final Path wal;
    /** Null where the file system has no file keys: then only presence and header are checked. */
    private final Object key;

    private SqliteFile(Path file, Object key) {
        this.file = file;
        this.wal = file.resolveSibling(file.getFileName() + "-wal");
        this.key = key;
    }

    /** The file as it is now, after the store opened and migrated it. */
    static SqliteFile opened(Path file) {
        try {
            return new SqliteFile(file, Files.readAttributes(file, BasicFileAttributes.class).fileKey());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the attributes of the inbox file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fails unless the file at the path is the opened one with a SQLite header, and — after a transaction, when the
     * connection has it open — its write-ahead log is there too.
     */
    void verify(boolean afterTransaction) throws InboxFileChanged {
        Object now;
        try {
            now = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            throw changed("is gone (deleted or moved away while the server runs)");
        } catch (IOException e) {
            throw changed("cannot be checked: " + e.getMessage());
        }
        if (key != null && !key.equals(now)) {
            throw changed("was replaced while the server runs (opened " + key + ", now " + now + ")");
        }
        byte[] header = new byte[MAGIC.length];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.wrap(header);
            while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
                // a short read of 16 bytes is unlikely; loop anyway
            }
        } catch (IOException e) {
            throw changed("cannot be read: " + e.getMessage());
        }
        if (!Arrays.equals(header, MAGIC)) {
            throw changed("has no SQLite header any more (overwritten or corrupt)");
        }
        if (afterTransaction && !Files.exists(wal)) {
            throw changed("lost its write-ahead log " + wal.getFileName() + " (deleted while the server runs)");
        }
    }

    private InboxFileChanged changed(String what) {
        return new InboxFileChanged("the inbox file " + file + " " + what + "; appends fail until the file the"
                + " server opened is back at that path, or the server is restarted on a restored file");
    }
}
