-- Issue 19: retried creates, authCode expiry, names unique whatever their case.

-- The Pending code sealed (AES-256-GCM under a key derived from the operator's code secret, bound to
-- code_hash): a secondary's retried create with the same clientCorrelator gets the same code back.
-- Never the code in clear; cleared with the hash when the code is redeemed, replaced or expired.
ALTER TABLE twinning ADD COLUMN code_sealed VARCHAR(100);

-- HLF-SD-009: the authCode is shown to the secondary until it expires.
ALTER TABLE twinning ADD COLUMN auth_code_expires_at TIMESTAMP WITH TIME ZONE;

/* [jooq ignore start] */
-- Codes stored before: an authorization code lives minutes (RFC 6749 4.1.2: at most 10 recommended).
UPDATE twinning SET auth_code_expires_at = COALESCE(activated_at, created_at) + INTERVAL '10 minutes'
    WHERE auth_code IS NOT NULL;
UPDATE twinning SET auth_code = NULL WHERE auth_code IS NOT NULL AND auth_code_expires_at <= now();

-- HLF-TE-007: names are unique per primary among its live secondaries, whatever their case. The use
-- cases compare NFC + full case folding; the index holds the same rule as far as lower() goes (it
-- backs the check under concurrency). Names that differ only in case get a suffix first.
UPDATE twinning t SET name = left(t.name, 60) || '-' || d.n
    FROM (SELECT id, row_number() OVER (PARTITION BY primary_address, lower(name) ORDER BY activated_at, id) AS n
            FROM twinning WHERE status IN ('ON', 'OFF') AND name IS NOT NULL) d
    WHERE t.id = d.id AND d.n > 1;
CREATE UNIQUE INDEX twinning_name_per_primary_ci ON twinning (primary_address, lower(name))
    WHERE status IN ('ON', 'OFF');
DROP INDEX twinning_name_per_primary;
/* [jooq ignore stop] */

-- Self-care portal: the subscriber's own name for a line ("Work phone"); null: none.
ALTER TABLE subscriber_line ADD COLUMN nickname VARCHAR(32);
