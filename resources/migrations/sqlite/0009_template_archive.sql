-- Vestnik schema 9 (SQLite): a template is deleted by archiving it. Its versions stay: deliveries,
-- stored retries and the senders' caches name them by (id, version), and saving the template again continues the
-- numbering (and takes it out of the archive) instead of starting at version 1 with another text.

ALTER TABLE templates ADD COLUMN archived_at BIGINT;
