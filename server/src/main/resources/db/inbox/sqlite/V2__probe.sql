-- One row the server rewrites while inbox appends fail, to learn without a call when a commit reaches the disk again
-- (InboxStore.probe): a server that reports not-ready gets no calls to find that out with.
CREATE TABLE qimen_inbox_probe (
    id        INTEGER PRIMARY KEY,
    probed_at INTEGER NOT NULL
);
