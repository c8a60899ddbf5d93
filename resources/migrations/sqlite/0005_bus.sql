-- Vestnik schema 5 (SQLite): SqlBus, the message bus as a table queue in the worker's own database.
-- A message's id is its offset. AUTOINCREMENT, so an id is never handed out twice, not even after the
-- newest messages were deleted: a consumer group reads the ids above its committed offset and would skip a
-- reused one. SQLite has one writer at a time, so ids are committed in the order they are handed out.

CREATE TABLE bus_messages (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    topic       TEXT NOT NULL,
    msg_key     BLOB NOT NULL,
    value       BLOB NOT NULL,
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
