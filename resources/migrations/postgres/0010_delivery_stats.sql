-- Vestnik schema 10 (PostgreSQL): per-minute statistics of delivery outcomes for the console's dashboard, the trigger
-- rule behind each delivery, and the data fields seen per event type (the console's variable completion).

-- The trigger rule that made the delivery (its id as text); NULL for deliveries of campaigns, test pushes and
-- rows from before schema 10.
ALTER TABLE deliveries ADD COLUMN rule_id TEXT;
-- Set by every status change that stores a first-time timestamp: 1 when that timestamp was empty before the
-- change (the delivery reached the status for the first time), else 0. RETURNING sees only the new row, so this
-- is how the statement that made the change tells the statistics whether to count it.
ALTER TABLE deliveries ADD COLUMN newly_reached INTEGER NOT NULL DEFAULT 0;

-- How many deliveries reached each metric in each minute, a column per metric (named as the API names it). Every
-- count is kept at four scopes, so that each question the dashboard asks is one short range of the key whatever the
-- number of templates and rules: 0 per template and rule, 1 per template (rule_id ''), 2 per rule (template_id
-- ''), 3 for everything (both ''); at scope 0 a delivery without a template or rule has ''. Written in the
-- transaction that changes the deliveries, one upsert row per minute, template and rule at each scope; read by
-- GET /v1/stats without touching deliveries.
CREATE TABLE delivery_stats_minute (
    scope                   SMALLINT NOT NULL,
    template_id             TEXT NOT NULL DEFAULT '',
    rule_id                 TEXT NOT NULL DEFAULT '',
    minute_start            BIGINT NOT NULL,
    queued                  BIGINT NOT NULL DEFAULT 0,
    sent                    BIGINT NOT NULL DEFAULT 0,
    failed_invalid_token    BIGINT NOT NULL DEFAULT 0,
    failed_permanent        BIGINT NOT NULL DEFAULT 0,
    failed_credentials      BIGINT NOT NULL DEFAULT 0,
    retry                   BIGINT NOT NULL DEFAULT 0,
    delivered               BIGINT NOT NULL DEFAULT 0,
    opened                  BIGINT NOT NULL DEFAULT 0,
    clicked                 BIGINT NOT NULL DEFAULT 0,
    converted               BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, template_id, rule_id, minute_start)
);

-- The data fields (dotted paths into an event's data) the trigger role has seen per event type; a row is
-- written when a field is new to the process that saw it, not per event.
CREATE TABLE event_fields (
    event_type      TEXT NOT NULL,
    field           TEXT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    PRIMARY KEY (event_type, field)
);

-- The most recently updated users: the sample whose attribute keys the console offers as variables.
CREATE INDEX users_by_update ON users (updated_at);
