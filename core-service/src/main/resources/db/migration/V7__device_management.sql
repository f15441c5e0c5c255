-- Device management (dm-api.md sections 2 and 4): devices and their last known tree, operations and
-- their commands (the per-device queue of work), sessions and their packages, the data repository,
-- alerts. Structured values that are only ever read whole (an operation's request, timeline and
-- results; a command's status; a package's report) are JSONB documents; what is searched, ordered or
-- constrained is a column. The domain decides every rule; the indexes below make the database enforce
-- the ones that must hold across core instances.

-- One row per device that ever talked to us or was named by an operation. Its row lock
-- (SELECT ... FOR UPDATE in lockDevice) serialises every use case that changes the device's queue,
-- sessions or alerts, across instances. The profile is the last sessionStart (DevInfo, DevDetail,
-- supported MOs); the alert allowance lives here so every instance counts the same tokens.
CREATE TABLE dm_device (
    dev_id               VARCHAR(300) NOT NULL PRIMARY KEY,
    -- DevInfo
    man                  VARCHAR(200),
    mod                  VARCHAR(200),
    dm_v                 VARCHAR(50),
    lang                 VARCHAR(50),
    -- DevDetail
    dev_typ              VARCHAR(200),
    oem                  VARCHAR(200),
    fw_v                 VARCHAR(200),
    sw_v                 VARCHAR(200),
    hw_v                 VARCHAR(200),
    -- JSON array of the MO identifiers the client named in its last Package#1
    supported_mos        JSONB        NOT NULL,
    last_seen            TIMESTAMP WITH TIME ZONE,
    -- the alert token bucket: tokens left at alert_bucket_at (both set, or neither)
    alert_tokens         DOUBLE PRECISION,
    alert_bucket_at      TIMESTAMP WITH TIME ZONE,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dm_device_bucket_whole CHECK ((alert_tokens IS NULL) = (alert_bucket_at IS NULL))
);

-- The last known value of each node (OES8, CC5): replaced by every GET that reports it.
CREATE TABLE dm_node_value (
    dev_id       VARCHAR(300)  NOT NULL REFERENCES dm_device (dev_id),
    uri          VARCHAR(1000) NOT NULL,
    format       VARCHAR(40),
    value        TEXT,
    reported_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (dev_id, uri)
);
/* [jooq ignore start] */
-- Byte order: a subtree is a prefix range ("./DevDetail/" ...) that the primary key can scan, and the
-- tree is listed in the same order on every installation, whatever the database's default collation.
ALTER TABLE dm_node_value ALTER COLUMN uri TYPE VARCHAR(1000) COLLATE "C";
/* [jooq ignore stop] */

-- Acceptance order of operations: a session binds queued work in this order (2.1). A sequence, not
-- a timestamp, so two instances accepting in the same microsecond still agree.
CREATE SEQUENCE dm_operation_seq;

CREATE TABLE dm_operation (
    id                 VARCHAR(40)  NOT NULL PRIMARY KEY,
    seq                BIGINT       NOT NULL,
    -- CLIENT (an external system's OAuth client) or JOB; operations are visible only to their requester
    requester_kind     VARCHAR(10)  NOT NULL,
    requester_id       VARCHAR(300) NOT NULL,
    dev_id             VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    -- the wire name ("retrieve", "firmwareUpdate", ...), copied out of the request for operators' queries
    type               VARCHAR(40)  NOT NULL,
    -- copied out of the request: the idempotency key, unique per requester (section 4)
    client_correlator  VARCHAR(256),
    -- the whole request as accepted (arguments, mode, notifyUrl, callbackData, timeout): a retry with
    -- the same clientCorrelator is "the same body" when it equals this. May hold configure values.
    request            JSONB        NOT NULL,
    -- QUEUED, DELIVERED or a final state (SUCCEEDED, FAILED, CANCELLED, TIMED_OUT, REJECTED)
    state              VARCHAR(10)  NOT NULL,
    status_code        INTEGER,
    result_code        INTEGER,
    result_text        TEXT,
    -- JSON array of {uri, format, value}
    results            JSONB        NOT NULL,
    -- JSON array of {state, time}: every state the operation went through, in order
    timeline           JSONB        NOT NULL,
    accepted_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    -- accepted_at + timeoutSeconds: the only clock that ends an operation (section 4)
    deadline           TIMESTAMP WITH TIME ZONE NOT NULL,
    -- the session the operation's commands were bound to (no foreign key: the first package of a
    -- session is named like it, and nothing here needs the session row)
    session_id         VARCHAR(40),
    CONSTRAINT dm_operation_requester_valid CHECK (requester_kind IN ('CLIENT', 'JOB')),
    CONSTRAINT dm_operation_state_valid CHECK (state IN ('QUEUED', 'DELIVERED', 'SUCCEEDED', 'FAILED', 'CANCELLED',
        'TIMED_OUT', 'REJECTED'))
);
CREATE UNIQUE INDEX dm_operation_seq_unique ON dm_operation (seq);
-- Section 4: a clientCorrelator identifies one operation per requester, even under concurrent retries.
CREATE UNIQUE INDEX dm_operation_client_correlator ON dm_operation (requester_kind, requester_id, client_correlator)
    WHERE client_correlator IS NOT NULL;
-- A requester's list, newest first.
CREATE INDEX dm_operation_by_requester ON dm_operation (requester_kind, requester_id, seq);
-- A device's queue: the work a starting session binds, in acceptance order.
CREATE INDEX dm_operation_queued ON dm_operation (dev_id, seq) WHERE state = 'QUEUED';
-- The timeout sweep reads only operations that can still time out.
CREATE INDEX dm_operation_overdue ON dm_operation (deadline) WHERE state IN ('QUEUED', 'DELIVERED');

-- The commands an operation was planned into, in order; bound to a package (package_id, cmd_id) when
-- a session starts, and given the device's status by the package's report.
CREATE TABLE dm_command (
    id              VARCHAR(40)   NOT NULL PRIMARY KEY,
    operation_id    VARCHAR(40)   NOT NULL REFERENCES dm_operation (id),
    position        INTEGER       NOT NULL,
    dev_id          VARCHAR(300)  NOT NULL REFERENCES dm_device (dev_id),
    -- GET, HGET, HPUT, HPOST, DELETE, EXEC, SUB, UNSUB, SHOW, END
    op              VARCHAR(8)    NOT NULL,
    uri             VARCHAR(1000),
    data            TEXT,
    -- server-made; ties a later result alert to this command (2.2)
    correlator      VARCHAR(40),
    -- the data repository item an HGET/HPUT/HPOST points to; the URL is rendered, never stored
    data_item_id    VARCHAR(40),
    -- the software package a FUMO/SCOMO command downloads
    package_ref     VARCHAR(200),
    -- the session package it was sent in (no foreign key: commands are bound before their package row
    -- is written, in the same transaction)
    package_id      VARCHAR(40),
    cmd_id          VARCHAR(16),
    -- the reported {cmdId, sc, results}, once reported
    status          JSONB,
    reported_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT dm_command_op_valid CHECK (op IN ('GET', 'HGET', 'HPUT', 'HPOST', 'DELETE', 'EXEC', 'SUB', 'UNSUB',
        'SHOW', 'END'))
);
CREATE UNIQUE INDEX dm_command_order ON dm_command (operation_id, position);
CREATE UNIQUE INDEX dm_command_correlator ON dm_command (correlator) WHERE correlator IS NOT NULL;

-- DM sessions (2.1). Pending: a promise of work of one mode; started: its packages are fixed.
CREATE TABLE dm_session (
    id                  VARCHAR(40)  NOT NULL PRIMARY KEY,
    dev_id              VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    -- the session's mode: BACKGROUND, INFORMATIVE or USER_INTERACTION, and customer care (CC1)
    ui_mode             VARCHAR(20)  NOT NULL,
    customer_care       BOOLEAN      NOT NULL,
    -- PENDING, STARTED or ENDED
    state               VARCHAR(8)   NOT NULL,
    -- PENDING, OK, FAILURE, ABORTED or EXPIRED; empty while started
    result              VARCHAR(8),
    created_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    started_at          TIMESTAMP WITH TIME ZONE,
    ended_at            TIMESTAMP WITH TIME ZONE,
    end_reason          VARCHAR(500),
    -- JSON array of the package ids in order; the first is the session's own id
    package_ids         JSONB        NOT NULL,
    current_package     INTEGER      NOT NULL,
    -- package_ids[current_package] (when there are packages): the package the device must report next,
    -- a column so that the sweep of unreported sessions is a join
    current_package_id  VARCHAR(40),
    any_failure         BOOLEAN      NOT NULL,
    CONSTRAINT dm_session_state_valid CHECK (state IN ('PENDING', 'STARTED', 'ENDED')),
    CONSTRAINT dm_session_result_valid CHECK (result IN ('PENDING', 'OK', 'FAILURE', 'ABORTED', 'EXPIRED'))
);
-- 2.1: a device has at most one pending and at most one started session. The device lock makes the
-- use cases respect it; these indexes make the database refuse a second one whatever the code does.
CREATE UNIQUE INDEX dm_session_one_pending ON dm_session (dev_id) WHERE state = 'PENDING';
CREATE UNIQUE INDEX dm_session_one_started ON dm_session (dev_id) WHERE state = 'STARTED';
-- A device's session history, newest end first.
CREATE INDEX dm_session_ended ON dm_session (dev_id, ended_at) WHERE state = 'ENDED';

-- The packages of a started session (2.1, 2.2).
CREATE TABLE dm_package (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    session_id    VARCHAR(40)  NOT NULL REFERENCES dm_session (id),
    dev_id        VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    position      INTEGER      NOT NULL,
    -- JSON array of the command ids in the package, in order (their cmdIds are 1, 2, ...)
    command_ids   JSONB        NOT NULL,
    last          BOOLEAN      NOT NULL,
    -- when the device received it; the sweep of unreported sessions reads it
    issued_at     TIMESTAMP WITH TIME ZONE,
    -- the statuses as reported (JSON array of {cmdId, sc, results}), kept so that a retried report
    -- after a lost response is recognised as the same one and answered again (2.1)
    report        JSONB,
    reported_at   TIMESTAMP WITH TIME ZONE
);
CREATE UNIQUE INDEX dm_package_order ON dm_package (session_id, position);

-- The data repository (2.3): VALUE items an HGET fetches (configure values, secrets included, erased
-- when their operation ends), UPLOAD and STANDING_UPLOAD items that receive HPUT/HPOST. The 1 MiB
-- limit of an upload is the domain's (413 before any transaction).
CREATE TABLE dm_data_item (
    id            VARCHAR(40)  NOT NULL PRIMARY KEY,
    dev_id        VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    operation_id  VARCHAR(40)  NOT NULL REFERENCES dm_operation (id),
    command_id    VARCHAR(40),
    kind          VARCHAR(16)  NOT NULL,
    media_type    VARCHAR(200),
    content       BYTEA,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dm_data_item_kind_valid CHECK (kind IN ('VALUE', 'UPLOAD', 'STANDING_UPLOAD'))
);
CREATE INDEX dm_data_item_by_operation ON dm_data_item (operation_id);

-- What devices sent to upload items, readable by the operation's requester (2.3, D1).
CREATE TABLE dm_upload (
    -- arrival order: an operation's uploads are listed oldest first
    id            BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    item_id       VARCHAR(40)  NOT NULL REFERENCES dm_data_item (id),
    operation_id  VARCHAR(40)  NOT NULL REFERENCES dm_operation (id),
    dev_id        VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    media_type    VARCHAR(200),
    content       BYTEA        NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX dm_upload_by_operation ON dm_upload (operation_id, id);

-- Every accepted alert (2.2), whether or not it changed anything.
CREATE TABLE dm_alert (
    receipt_id    VARCHAR(40)  NOT NULL PRIMARY KEY,
    -- arrival order
    seq           BIGINT GENERATED BY DEFAULT AS IDENTITY,
    dev_id        VARCHAR(300) NOT NULL REFERENCES dm_device (dev_id),
    -- the device's own id of the alert: a retry with the same one counts once
    alert_id      VARCHAR(200),
    type          VARCHAR(300),
    uri           VARCHAR(1000),
    correlator    VARCHAR(40),
    result_code   INTEGER,
    -- INFORMATIONAL or CRITICAL
    mark          VARCHAR(16),
    -- the alert's data element as received (JSON text), passed through to subscribers unchanged
    data          TEXT,
    event_time    TIMESTAMP WITH TIME ZONE,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    -- set when the correlator belongs to a command sent to this device
    operation_id  VARCHAR(40)  REFERENCES dm_operation (id)
);
CREATE UNIQUE INDEX dm_alert_seq ON dm_alert (seq);
-- 2.2: an alertId is unique per device; a concurrent retry cannot be recorded twice.
CREATE UNIQUE INDEX dm_alert_once ON dm_alert (dev_id, alert_id) WHERE alert_id IS NOT NULL;
