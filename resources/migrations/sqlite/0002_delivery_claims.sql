-- Vestnik schema 2 (SQLite): claims on deliveries. A retry scanner moves due rows to 'sending' with a
-- lease (who claimed the row and until when), so two workers never re-dispatch the same retry, and a row
-- whose worker died becomes due again once its lease has run out.

ALTER TABLE deliveries ADD COLUMN claimed_by TEXT;
ALTER TABLE deliveries ADD COLUMN claim_expires_at BIGINT;
CREATE INDEX deliveries_claims ON deliveries (status, claim_expires_at);
