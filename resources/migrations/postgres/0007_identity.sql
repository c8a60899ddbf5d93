-- Vestnik schema 7 (PostgreSQL): the worker as an OAuth2 issuer. Service clients (secret stored as SHA-256),
-- console users (password stored as an scrypt string, lockout counters), the console's refresh tokens (stored
-- as SHA-256, rotated within a family), the JWT signing keys (private key sealed), and the audit log.
-- Nothing here holds a secret in the clear.

CREATE TABLE api_clients (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    secret_hash BYTEA NOT NULL,
    scopes      TEXT NOT NULL,  -- space-separated, as in the `scope` claim
    created_at  BIGINT NOT NULL,
    disabled_at BIGINT
);

CREATE TABLE console_users (
    login           TEXT PRIMARY KEY,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'marketer', 'analyst')),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    BIGINT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    disabled_at     BIGINT
);

-- A family is one login session: every refresh replaces its token by a new one of the same family, and a
-- replaced token presented again revokes the whole family (it was stolen, or the session was).
CREATE TABLE refresh_tokens (
    token_hash  BYTEA PRIMARY KEY,
    login       TEXT NOT NULL REFERENCES console_users(login) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked_at  BIGINT,
    replaced_by BYTEA
);
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_login ON refresh_tokens (login);
CREATE INDEX refresh_tokens_by_expiry ON refresh_tokens (expires_at);

-- retired_at: from then on the key no longer verifies (set when a newer key takes over, to the moment the
-- last token it signed has expired). seal_key_id names the sealing key, for re-sealing after its rotation.
CREATE TABLE signing_keys (
    kid                TEXT PRIMARY KEY,
    algorithm          TEXT NOT NULL CHECK (algorithm IN ('ES256', 'RS256')),
    private_key_sealed BYTEA NOT NULL,
    seal_key_id        TEXT NOT NULL,
    created_at         BIGINT NOT NULL,
    retired_at         BIGINT
);

CREATE TABLE audit_log (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             BIGINT NOT NULL,
    actor          TEXT NOT NULL,
    actor_kind     TEXT NOT NULL CHECK (actor_kind IN ('user', 'service', 'system')),
    action         TEXT NOT NULL,
    target         TEXT NOT NULL DEFAULT '',
    detail         TEXT NOT NULL DEFAULT '{}',
    remote_address TEXT NOT NULL DEFAULT ''
);
-- Newest first, with or without one of the filters.
CREATE INDEX audit_log_by_time ON audit_log (at, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, at, id);
CREATE INDEX audit_log_by_action ON audit_log (action, at, id);
CREATE INDEX audit_log_by_target ON audit_log (target, at, id);
