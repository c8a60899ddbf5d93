-- Vestnik schema 5 (PostgreSQL): SqlBus, the message bus as a table queue in the worker's own database.
-- A message's id is its offset. A sequence hands out ids in the order transactions ask for them, not in
-- the order they commit; producers take a per-topic advisory lock for the transaction before they insert,
-- so within a topic ids become visible in increasing order and a consumer reading the ids above its
-- committed offset never skips one that commits later.

CREATE TABLE bus_messages (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    topic       TEXT NOT NULL,
    msg_key     BYTEA NOT NULL,
    value       BYTEA NOT NULL,
    created_at  BIGINT NOT NULL
);
-- A consumer reads one topic in id order; retention deletes by age.
CREATE INDEX bus_messages_by_topic ON bus_messages (topic, id);
CREATE INDEX bus_messages_by_age ON bus_messages (created_at);

-- Per consumer group and topic: the id it reads next (everything below is done).
CREATE TABLE bus_offsets (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    next_offset BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, topic)
);

-- Per consumer group and topic: the one consumer that may read it, until when.
CREATE TABLE bus_leases (
    group_id    TEXT NOT NULL,
    topic       TEXT NOT NULL,
    owner       TEXT NOT NULL,
    expires_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, topic)
);
