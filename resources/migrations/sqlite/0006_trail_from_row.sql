-- Vestnik schema 6 (SQLite): fewer writes per push. A delivery's usual trail, 'queued' when its row is
-- inserted and then 'sent' when a batch records the provider's acceptance, is read from the row itself
-- (created_at; sent_at and provider_message_id) instead of being stored again in delivery_events.
-- trail_flags says which entries the row stands for: 1 its 'queued', 2 its first 'sent', 4 stored entries
-- follow. A 'sent' is read from the row only while nothing was recorded before it, so the order is exact.
-- Rows from before this version keep their whole trail in delivery_events (flags 0). first_sent_detail
-- keeps the detail of a 'sent' read from the row once a later report changes provider_message_id.

ALTER TABLE deliveries ADD COLUMN trail_flags INTEGER NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN first_sent_detail TEXT;

-- The scans for due retries and lost claims look only at rows in those states: partial indexes cost nothing
-- for the rows that go from 'sending' to 'sent' in one go. The queries name the status as a literal.
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'retry_scheduled';
DROP INDEX deliveries_claims;
CREATE INDEX deliveries_claims ON deliveries (claim_expires_at) WHERE status = 'sending';
