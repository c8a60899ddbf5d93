-- Vestnik schema 3: the send job behind each delivery, and each delivery's deadline. A retry (in this
-- process or in another one after a restart) renders the push again from the stored job, and stops at
-- the stored deadline (creation time + the template's TTL for the device's platform).

CREATE TABLE send_jobs (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX send_jobs_created ON send_jobs (created_at);

ALTER TABLE deliveries ADD COLUMN job_id TEXT;
ALTER TABLE deliveries ADD COLUMN expires_at BIGINT;
