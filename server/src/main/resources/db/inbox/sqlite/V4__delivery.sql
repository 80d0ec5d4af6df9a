-- The call an entry was stored from (CallContext id: the access log's and the console's id), handed to its consumer
-- as the request's callId; NULL for entries stored before this column (delivered as 'inbox-<id>'). Where the last
-- delivery went, as the consumer said ('HTTP 200', 'topic t partition p offset o'); NULL until one succeeded.
ALTER TABLE qimen_inbox ADD COLUMN call_id TEXT;
ALTER TABLE qimen_inbox ADD COLUMN delivered_to TEXT;
