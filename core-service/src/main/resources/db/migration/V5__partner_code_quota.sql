-- Counting a partner's unexpired codes (its quota) reads only Pending rows of that partner.
CREATE INDEX twinning_pending_by_secondary_mno ON twinning (secondary_mcc, secondary_mnc, code_expires_at)
    WHERE status = 'PENDING';
