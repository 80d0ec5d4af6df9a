-- The inbox: one row per verified call that no synchronous handler answered. Times are epoch milliseconds.
CREATE TABLE qimen_inbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at     INTEGER NOT NULL,
    raw_method      TEXT    NOT NULL,
    method          TEXT    NOT NULL,
    app_key         TEXT    NOT NULL,
    customer_id     TEXT    NOT NULL,
    format          TEXT    NOT NULL,
    params          TEXT    NOT NULL,
    content_type    TEXT,
    body            BLOB    NOT NULL,
    remote          TEXT,
    business_key    TEXT    NOT NULL,
    content_hash    TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    next_attempt_at INTEGER NOT NULL,
    locked_by       TEXT,
    locked_until    INTEGER,
    updated_at      INTEGER NOT NULL,
    -- a redelivery is the same method, app, customer and business key; apps do not share keys, so that one app
    -- cannot shadow another's documents
    CONSTRAINT qimen_inbox_business_key UNIQUE (method, app_key, customer_id, business_key)
);

CREATE INDEX qimen_inbox_due ON qimen_inbox (status, next_attempt_at);
CREATE INDEX qimen_inbox_received ON qimen_inbox (received_at);
