-- Audience: segments, subscribers, their segment memberships, the suppression list and application secrets.
-- Timestamps are ISO-8601 UTC text; lists (segments, industries) are also kept '|'-joined on the subscriber row so a
-- send reads each recipient in one row, while subscriber_segments serves filtering and counting.

CREATE TABLE segments (
    key        TEXT PRIMARY KEY,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    built_in   INTEGER NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 1000,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO segments (key, name_zh, name_en, built_in, sort_order) VALUES
    ('municipal', '市级领导', 'Municipal leaders', 1, 1),
    ('county', '县级领导', 'County leaders', 1, 2),
    ('enterprise', '重点企业', 'Key enterprises', 1, 3),
    ('test-recipients', '测试收件人', 'Test recipients', 0, 100);

CREATE TABLE subscribers (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    organisation  TEXT,
    title         TEXT,
    segments      TEXT NOT NULL,
    district      TEXT,
    industries    TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'unsubscribed', 'bounced', 'complained')),
    status_reason TEXT,
    salutation    TEXT,
    source        TEXT,
    consent_at    TEXT,
    consent_note  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);

-- status is repeated here so counts per segment and status read one index, without touching subscribers.
CREATE TABLE subscriber_segments (
    segment_key   TEXT NOT NULL REFERENCES segments (key),
    subscriber_id INTEGER NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
    status        TEXT NOT NULL,
    PRIMARY KEY (segment_key, subscriber_id)
) WITHOUT ROWID;

CREATE INDEX ix_subscriber_segments_subscriber ON subscriber_segments (subscriber_id);
CREATE INDEX ix_subscriber_segments_status ON subscriber_segments (segment_key, status);

CREATE TRIGGER trg_subscribers_status AFTER UPDATE OF status ON subscribers
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE subscriber_segments SET status = NEW.status WHERE subscriber_id = NEW.id;
END;

-- Removed addresses: only the SHA-256 of the normalised address is kept.
CREATE TABLE suppressions (
    email_sha256 TEXT PRIMARY KEY,
    reason       TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
