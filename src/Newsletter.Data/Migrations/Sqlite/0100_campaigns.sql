-- Campaigns and their outbox: one row per (campaign, subscriber), the single source of truth of what was sent.
-- The outbox keeps no copy of personal data: names and addresses are joined from subscribers at send time, so an
-- erased subscriber leaves only ids and delivery outcomes behind.

CREATE TABLE campaigns (
    id           INTEGER PRIMARY KEY,
    issue_key    TEXT NOT NULL,
    segments_key TEXT NOT NULL,
    segments     TEXT NOT NULL,            -- '|'-joined, in priority order
    title        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('scheduled', 'running', 'paused', 'completed', 'cancelled', 'missed')),
    state_reason TEXT,
    scheduled_at TEXT,
    source_path  TEXT NOT NULL,
    source_text  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

-- One live campaign per issue and segment set: publishing again continues it. A cancelled one may be started anew.
CREATE UNIQUE INDEX ux_campaigns_issue ON campaigns (issue_key, segments_key) WHERE state <> 'cancelled';

CREATE TABLE campaign_variants (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    key         TEXT NOT NULL,
    subject     TEXT NOT NULL,
    preheader   TEXT,
    html        TEXT NOT NULL,
    text        TEXT NOT NULL,
    PRIMARY KEY (campaign_id, key)
);

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    subscriber_id    INTEGER NOT NULL,     -- no foreign key: erasing a subscriber keeps the delivery record
    variant          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'deferred', 'failed', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    message_id       TEXT NOT NULL,
    next_attempt_at  TEXT,
    first_attempt_at TEXT,
    last_attempt_at  TEXT,
    last_reply       TEXT,
    lease_owner      TEXT,
    lease_until      TEXT,
    UNIQUE (campaign_id, subscriber_id)
);

-- Claims read due rows of one campaign in id order.
CREATE INDEX ix_outbox_due ON outbox (campaign_id, status, id);
