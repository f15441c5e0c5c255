-- Signed packages (dm-api.md section 8, 5.7-5.9, ES1-ES6, EI9): the metadata an external system
-- registered and its originator's signature, the state of its content, and who may see it (the
-- registering client only). The content itself lives in the shared package store, a directory, under
-- its SHA-256: never in the database. (Named dm_signed_package: dm_package holds session packages.)
-- V12 is taken by the bulk jobs.
CREATE TABLE dm_signed_package (
    id                    VARCHAR(40)  NOT NULL PRIMARY KEY,
    client_id             VARCHAR(300) NOT NULL,
    name                  VARCHAR(200) NOT NULL,
    version               VARCHAR(200) NOT NULL,
    kind                  VARCHAR(20)  NOT NULL,
    target_man            VARCHAR(200),
    target_mod            VARCHAR(200),
    -- JSON array of version strings; empty: any version
    target_from_versions  JSONB        NOT NULL,
    size                  BIGINT       NOT NULL,
    -- lowercase hex: the content's name in the package store
    sha256                VARCHAR(64)  NOT NULL,
    -- the JWS (compact, detached payload) as registered
    signature             TEXT         NOT NULL,
    state                 VARCHAR(20)  NOT NULL,
    reject_reason         TEXT,
    created_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT dm_signed_package_kind_valid CHECK (kind IN ('FIRMWARE', 'SOFTWARE', 'CONFIGURATION')),
    CONSTRAINT dm_signed_package_state_valid CHECK (state IN ('AWAITING_CONTENT', 'VERIFIED', 'REJECTED')),
    CONSTRAINT dm_signed_package_size_valid CHECK (size >= 0)
);
-- A client's list, in id order (paged by id).
CREATE INDEX dm_signed_package_by_client ON dm_signed_package (client_id, id);
-- Whether other packages share a content before it is removed.
CREATE INDEX dm_signed_package_by_content ON dm_signed_package (sha256);
-- The commands that name a package: the live ones make a download allowed and a delete refused; all of
-- them are its installations (EI9).
CREATE INDEX dm_command_by_package_ref ON dm_command (package_ref) WHERE package_ref IS NOT NULL;
