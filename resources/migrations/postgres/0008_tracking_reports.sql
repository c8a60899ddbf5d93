-- Vestnik schema 8 (PostgreSQL): the reports apps make about their pushes (POST /v1/track), one row per
-- notification, event and action. The primary key is what refuses a replayed report, also when two workers get
-- the same report at once; the delivery's status trail records the report in the same transaction.

CREATE TABLE tracking_reports (
    notification_id TEXT NOT NULL REFERENCES deliveries(notification_id) ON DELETE CASCADE,
    event           TEXT NOT NULL,             -- delivered, opened, clicked, dismissed
    action          TEXT NOT NULL DEFAULT '',  -- clicked: the button's action id; '' for the notification itself
    reported_at     BIGINT NOT NULL,
    PRIMARY KEY (notification_id, event, action)
);
