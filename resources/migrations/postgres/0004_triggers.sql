-- Vestnik schema 4: trigger rules (event type + condition -> template, with quiet hours and a frequency
-- cap), the events already processed (idempotency window, with the send jobs each one produced so a repeat
-- re-sends exactly those), the rules' firings (for the caps), and send jobs deferred past quiet hours.

CREATE TABLE trigger_rules (
    id                 BIGSERIAL PRIMARY KEY,
    name               TEXT NOT NULL,
    event_type         TEXT NOT NULL,
    condition          TEXT NOT NULL DEFAULT '',
    template_id        TEXT NOT NULL,
    app_id             TEXT NOT NULL DEFAULT '',
    enabled            BOOLEAN NOT NULL DEFAULT TRUE,
    quiet_start_minute INTEGER,
    quiet_end_minute   INTEGER,
    cap_count          INTEGER NOT NULL DEFAULT 0,
    cap_window_seconds BIGINT NOT NULL DEFAULT 86400,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL
);
CREATE INDEX trigger_rules_by_type ON trigger_rules (event_type);

CREATE TABLE processed_events (
    event_id    TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL,
    jobs        TEXT NOT NULL
);
CREATE INDEX processed_events_by_time ON processed_events (received_at);

CREATE TABLE trigger_fires (
    rule_id  BIGINT NOT NULL,
    user_id  TEXT NOT NULL,
    event_id TEXT NOT NULL,
    fired_at BIGINT NOT NULL,
    PRIMARY KEY (rule_id, user_id, event_id)
);
CREATE INDEX trigger_fires_by_time ON trigger_fires (rule_id, user_id, fired_at);

CREATE TABLE scheduled_sends (
    job_key          TEXT PRIMARY KEY,
    user_id          TEXT NOT NULL,
    body             TEXT NOT NULL,
    due_at           BIGINT NOT NULL,
    claimed_by       TEXT,
    claim_expires_at BIGINT
);
CREATE INDEX scheduled_sends_due ON scheduled_sends (due_at);
