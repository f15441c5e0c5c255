-- The outbox becomes a general queue of outgoing messages (issue: one architecture for two APIs):
-- twinning notifications, messages for partner MNOs and, next, device-management pushes share it.
-- Each message has a queue (delivery is ordered within a queue), a typed target and a body.
ALTER TABLE notification RENAME TO outbox_message;
-- the ordering key: a subscription id, "peer:MCC-MNC:<twinning id>", ...
ALTER TABLE outbox_message RENAME COLUMN subscription_id TO queue;
-- where it goes: a callback URL (target_kind 'callback') or a partner MNO "MCC-MNC" ('partner')
ALTER TABLE outbox_message RENAME COLUMN notify_url TO target;
ALTER TABLE outbox_message ADD COLUMN target_kind VARCHAR(20) NOT NULL DEFAULT 'callback';
-- what it says: a twinning event type ("TwinningActivated"), "peer.update", ...
ALTER TABLE outbox_message RENAME COLUMN event_type TO kind;
ALTER TABLE outbox_message ALTER COLUMN kind TYPE VARCHAR(40);
-- the device or line the message concerns, for operators' queries
ALTER TABLE outbox_message RENAME COLUMN device_address TO about;
-- the event that produced it, when one did (twinning events); other producers leave it empty
ALTER TABLE outbox_message RENAME COLUMN event_id TO source_event_id;
ALTER TABLE outbox_message ALTER COLUMN source_event_id DROP NOT NULL;
/* [jooq ignore start] */
UPDATE outbox_message SET target_kind = 'partner', target = substring(target FROM 6) WHERE target LIKE 'peer:%';
/* [jooq ignore stop] */
ALTER TABLE outbox_message ALTER COLUMN target_kind DROP DEFAULT;
ALTER INDEX notification_seq RENAME TO outbox_message_seq;
ALTER INDEX notification_due RENAME TO outbox_message_due;
ALTER INDEX notification_pending_by_subscription RENAME TO outbox_message_pending_by_queue;
