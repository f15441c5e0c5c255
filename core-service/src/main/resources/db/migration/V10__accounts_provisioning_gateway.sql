-- Who owns a device (dm-api.md section 3; seed 003 ES9, ES12) and waking sleeping devices (section 7).

-- Subscriber data from the operator's BSS (PUT /dmwsi/v1/subscribers/{subscriberId}): shared by both
-- families. The lines stay in subscriber_line (V4), where the self-care portal reads them; a subscriber
-- row says the BSS provisioned this subscriber (GET answers 404 without one).
CREATE TABLE subscriber (
    subscriber_id   VARCHAR(200) NOT NULL PRIMARY KEY,
    provisioned_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
/* [jooq ignore start] */
-- lines seeded before provisioning existed belong to a provisioned subscriber from now on
INSERT INTO subscriber (subscriber_id, provisioned_at)
    SELECT subscriber_id, MIN(created_at) FROM subscriber_line GROUP BY subscriber_id;
/* [jooq ignore stop] */

-- The SIM of a line (ICCID, ITU-T E.118); a SIM is in one line at a time.
ALTER TABLE subscriber_line ADD COLUMN iccid VARCHAR(22);
CREATE UNIQUE INDEX subscriber_line_iccid ON subscriber_line (iccid);

-- The devices the BSS says are on a line (a device is on at most one line). They are bound there
-- (dm_device.line, Confirmed) by the provisioning change that lists them.
CREATE TABLE subscriber_device (
    dev_id          VARCHAR(300) NOT NULL PRIMARY KEY,
    device_address  VARCHAR(300) NOT NULL REFERENCES subscriber_line (device_address) ON DELETE CASCADE,
    position        INTEGER      NOT NULL
);
CREATE INDEX subscriber_device_by_line ON subscriber_device (device_address);

-- DM account registrations (POST /dm/v2/devices/new): a device an account registered on one of its
-- lines, with the name it gave it, and the outstanding one-time code the device shows (SHOW) to prove
-- the binding: only its HMAC-SHA-256 under the operator key, its expiry and the wrong attempts so far.
-- The binding itself is dm_device.line (the latest proof wins); a registration whose device is not on
-- one of the account's lines is Unconfirmed.
CREATE TABLE dm_registration (
    subscriber_id    VARCHAR(200) NOT NULL,
    dev_id           VARCHAR(300) NOT NULL,
    line             VARCHAR(20)  NOT NULL,
    name             VARCHAR(64),
    code_hash        VARCHAR(64),
    code_expires_at  TIMESTAMP WITH TIME ZONE,
    code_failures    INTEGER      NOT NULL,
    -- the operation that carries the SHOW to the device (cancelled when a new code replaces it)
    code_operation   VARCHAR(40),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (subscriber_id, dev_id)
);
CREATE INDEX dm_registration_by_device ON dm_registration (dev_id);

-- An account's SHOW operations (its requester kind), and the data item a SHOW points to: a page made
-- when the device fetches it (the code is derived under the operator key, never stored in clear).
ALTER TABLE dm_operation DROP CONSTRAINT dm_operation_requester_valid;
ALTER TABLE dm_operation ADD CONSTRAINT dm_operation_requester_valid
    CHECK (requester_kind IN ('CLIENT', 'JOB', 'ACCOUNT'));
ALTER TABLE dm_data_item DROP CONSTRAINT dm_data_item_kind_valid;
ALTER TABLE dm_data_item ADD CONSTRAINT dm_data_item_kind_valid
    CHECK (kind IN ('VALUE', 'UPLOAD', 'STANDING_UPLOAD', 'CLOSED', 'CODE'));

-- The device-notification gateway (section 7): a pending session not started 30 s after it became
-- pending is handed to the operator's gateway once, through the outbox.
ALTER TABLE dm_session ADD COLUMN gateway_notified BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX dm_session_awaiting_gateway ON dm_session (created_at)
    WHERE state = 'PENDING' AND gateway_notified = FALSE;
