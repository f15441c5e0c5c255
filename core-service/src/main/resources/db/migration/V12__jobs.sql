-- Bulk jobs (dm-api.md section 5). A job's targets are expanded into executions in batches (each
-- batch one transaction that also moves the job's cursor, so a crash resumes where the last commit
-- left off); executions are dispatched (each becomes an operation whose requester is the job) in
-- paced batches; counts per execution state are kept in a few rows per job and summed on read.

-- The operation of a job's execution belongs to the job; the job belongs to its client, named here
-- so that the transaction log and alerts reach that client (6.1).
ALTER TABLE dm_operation ADD COLUMN requester_client VARCHAR(300);

CREATE TABLE dm_job (
    id                 VARCHAR(40)  NOT NULL PRIMARY KEY,
    client_id          VARCHAR(300) NOT NULL,
    client_correlator  VARCHAR(256),
    -- the job as accepted (operation template, targets, schedule, rollout, abort, results), as JSON
    request            JSONB        NOT NULL,
    -- the devices or lines of a list target (JSON array of strings), read in slices; null for a filter
    target_list        JSONB,
    -- SCHEDULED, RUNNING, COMPLETED, CANCELLED, ABORTED
    state              VARCHAR(10)  NOT NULL,
    state_reason       VARCHAR(500),
    push_each          BOOLEAN      NOT NULL,
    created_at         TIMESTAMP WITH TIME ZONE NOT NULL,
    start_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    end_at             TIMESTAMP WITH TIME ZONE,
    -- when it began running: pacing counts from here, and a filter's snapshot is the devices known then
    running_since      TIMESTAMP WITH TIME ZONE,
    -- expansion: the next target index (lists) or the last devId (filter), and the next execution seq
    cursor_index       INTEGER      NOT NULL DEFAULT 0,
    cursor_dev_id      VARCHAR(300),
    next_seq           INTEGER      NOT NULL DEFAULT 1,
    expanded           BOOLEAN      NOT NULL DEFAULT false,
    -- executions made deliverable so far (pacing)
    dispatched         INTEGER      NOT NULL DEFAULT 0,
    -- every execution has ended; the completion was notified in the same transaction
    ended_at           TIMESTAMP WITH TIME ZONE,
    -- when a worker should look at it next (no earlier than the schedule, later while pacing waits)
    due_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dm_job_state_valid CHECK (state IN ('SCHEDULED', 'RUNNING', 'COMPLETED', 'CANCELLED', 'ABORTED'))
);
CREATE UNIQUE INDEX dm_job_client_correlator ON dm_job (client_id, client_correlator)
    WHERE client_correlator IS NOT NULL;
CREATE INDEX dm_job_by_client ON dm_job (client_id, created_at DESC, id);
-- The workers' queue: jobs with work left, by when they are due.
CREATE INDEX dm_job_due ON dm_job (due_at) WHERE ended_at IS NULL;
CREATE INDEX dm_job_ended ON dm_job (ended_at) WHERE ended_at IS NOT NULL;

-- One execution per target: (job, seq) is the target's place, so a resumed expansion cannot add one
-- twice; a device has at most one execution per job.
CREATE TABLE dm_job_execution (
    job_id        VARCHAR(40)   NOT NULL REFERENCES dm_job (id) ON DELETE CASCADE,
    seq           INTEGER       NOT NULL,
    target        VARCHAR(300)  NOT NULL,
    dev_id        VARCHAR(300),
    -- QUEUED (operation_id null: not yet dispatched), DELIVERED or a final state, as its operation
    state         VARCHAR(10)   NOT NULL,
    reason        VARCHAR(500),
    operation_id  VARCHAR(40),
    ended_at      TIMESTAMP WITH TIME ZONE,
    -- ended, and still to push to a pushEach job's callback
    unpushed      BOOLEAN       NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, seq)
);
CREATE UNIQUE INDEX dm_job_execution_device ON dm_job_execution (job_id, dev_id) WHERE dev_id IS NOT NULL;
CREATE UNIQUE INDEX dm_job_execution_operation ON dm_job_execution (operation_id) WHERE operation_id IS NOT NULL;
CREATE INDEX dm_job_execution_undispatched ON dm_job_execution (job_id, seq)
    WHERE state = 'QUEUED' AND operation_id IS NULL;
CREATE INDEX dm_job_execution_by_state ON dm_job_execution (job_id, state, seq);
CREATE INDEX dm_job_execution_unpushed ON dm_job_execution (job_id, seq) WHERE unpushed;

-- Counts per execution state, spread over a few rows per job (shard) so that executions ending at
-- once do not queue on one row; a job's counts are the sums. Deltas may be negative.
CREATE TABLE dm_job_count (
    job_id  VARCHAR(40) NOT NULL REFERENCES dm_job (id) ON DELETE CASCADE,
    shard   SMALLINT    NOT NULL,
    state   VARCHAR(10) NOT NULL,
    n       BIGINT      NOT NULL,
    PRIMARY KEY (job_id, shard, state)
);
