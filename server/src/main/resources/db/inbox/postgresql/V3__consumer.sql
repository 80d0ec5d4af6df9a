-- Who an entry is for, decided by the route table when it was stored: 'target:<name>' (a target's deliver), 'handler'
-- (the Java inbox handler claiming its method) or '' (kept for the inbox API). NULL: stored before this column existed;
-- the server fills it from its route table at start (InboxDispatcher.adopt).
ALTER TABLE qimen_inbox ADD COLUMN consumer TEXT;

CREATE INDEX qimen_inbox_consumer_due ON qimen_inbox (consumer, status, next_attempt_at);
