-- Retention of device-management history (TWIN_DM_RETENTION_DAYS): ended operations with their commands,
-- data items, uploads and alerts; ended sessions with their packages; alerts that answered no operation.
-- The sweep deletes them in batches; these indexes let it find each batch without scanning.

-- an operation has ended by its deadline at the latest, so a final operation whose deadline is older
-- than the retention period ended at least that long ago
CREATE INDEX dm_operation_ended ON dm_operation (deadline)
    WHERE state IN ('SUCCEEDED', 'FAILED', 'CANCELLED', 'TIMED_OUT', 'REJECTED');
-- deleting an operation checks its alerts (foreign key), and alerts of no operation are purged by age
CREATE INDEX dm_alert_by_operation ON dm_alert (operation_id) WHERE operation_id IS NOT NULL;
CREATE INDEX dm_alert_unbound_received ON dm_alert (received_at) WHERE operation_id IS NULL;
CREATE INDEX dm_session_ended_at ON dm_session (ended_at) WHERE state = 'ENDED';
-- an event still to fan out holds its operation back from the purge
CREATE INDEX dm_event_by_operation ON dm_event (operation_id) WHERE operation_id IS NOT NULL;
