package io.qimencallback.server.inbox;

import java.sql.SQLException;

/**
 * The SQLite file at the inbox's path is not the one the server opened (deleted, moved, replaced) or is no SQLite
 * file any more: a commit would go to a file a restart does not see, so the append fails instead.
 */
final class InboxFileChanged extends SQLException {
    InboxFileChanged(String message) {
        super(message);
    }
}
