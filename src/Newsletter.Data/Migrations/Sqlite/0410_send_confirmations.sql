-- Which exact version of an issue a test send was (first 16 hex digits of the SHA-256 of its source); NULL for older rows.
ALTER TABLE test_sends ADD COLUMN version TEXT;

CREATE INDEX ix_test_sends_version ON test_sends (version);

-- Every confirmed real send (CLI `publish`/`schedule` answered yes or --yes, the web's second click): who, when, to how
-- many, and whether configuration errors were overridden with --force (and which).
CREATE TABLE send_confirmations (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    campaign_id   INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    confirmed_at  TEXT NOT NULL,
    confirmed_by  TEXT NOT NULL,
    recipients    INTEGER NOT NULL,
    forced        INTEGER NOT NULL,
    doctor_errors TEXT NOT NULL
);

CREATE INDEX ix_send_confirmations_campaign ON send_confirmations (campaign_id);
