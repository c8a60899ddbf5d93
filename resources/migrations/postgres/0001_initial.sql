-- Vestnik schema 1 (PostgreSQL). Timestamps are milliseconds since the Unix epoch, UTC.

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    locale      TEXT NOT NULL DEFAULT '',
    timezone    TEXT NOT NULL DEFAULT '',
    attributes  JSONB NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);

CREATE TABLE user_activity (
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    event_type  TEXT NOT NULL,
    count       BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, event_type)
);
CREATE INDEX user_activity_by_type ON user_activity (event_type, last_at);

CREATE TABLE apps (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE provider_credentials (
    app_id      TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    provider    TEXT NOT NULL CHECK (provider IN ('fcm', 'apns')),
    sealed      BYTEA NOT NULL,
    key_id      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (app_id, provider)
);

CREATE TABLE devices (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    app_id              TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    platform            TEXT NOT NULL CHECK (platform IN ('android', 'ios', 'web')),
    token_sealed        BYTEA NOT NULL,
    token_hash          BYTEA NOT NULL,
    locale              TEXT NOT NULL DEFAULT '',
    active              BOOLEAN NOT NULL DEFAULT TRUE,
    registered_at       BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    deactivated_at      BIGINT,
    deactivation_reason TEXT,
    UNIQUE (app_id, token_hash)
);
CREATE INDEX devices_by_user ON devices (user_id);

CREATE TABLE templates (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    latest_version  INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

CREATE TABLE template_versions (
    template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    content     TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (template_id, version)
);

-- One row per notification x device; the notification id is deterministic (source + user + device).
CREATE TABLE deliveries (
    notification_id     TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL,
    device_id           BIGINT NOT NULL,
    app_id              TEXT NOT NULL,
    platform            TEXT NOT NULL,
    template_id         TEXT,
    template_version    INTEGER,
    campaign_id         TEXT,
    event_id            TEXT,
    status              TEXT NOT NULL,
    attempts            INTEGER NOT NULL DEFAULT 0,
    next_attempt_at     BIGINT,
    provider_message_id TEXT,
    error_code          TEXT,
    error_message       TEXT,
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    sent_at             BIGINT,
    delivered_at        BIGINT,
    opened_at           BIGINT,
    clicked_at          BIGINT,
    converted_at        BIGINT,
    failed_at           BIGINT
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
CREATE INDEX deliveries_by_user ON deliveries (user_id, created_at);
CREATE INDEX deliveries_by_campaign ON deliveries (campaign_id, status);

-- The status trail: every transition of a delivery, in order.
CREATE TABLE delivery_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notification_id TEXT NOT NULL REFERENCES deliveries(notification_id) ON DELETE CASCADE,
    status          TEXT NOT NULL,
    at              BIGINT NOT NULL,
    detail          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX delivery_events_by_notification ON delivery_events (notification_id, id);
