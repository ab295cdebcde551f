-- Bounces, complaints and mailed unsubscribes read from the return mailbox: one row per report and recipient.
-- report_key (the report's Message-ID, or a hash of it, + recipient) makes processing a report twice count once.
-- campaign_id / subscriber_id / outbox_id are null when the report matched nothing (kept and counted, never guessed).
CREATE TABLE bounces (
    id            INTEGER PRIMARY KEY,
    report_key    TEXT NOT NULL UNIQUE,
    received_at   TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('bounce', 'complaint', 'unsubscribe')),
    class         TEXT NOT NULL CHECK (class IN ('hard', 'soft')),
    address       TEXT NOT NULL,
    status        TEXT NOT NULL,
    smtp_code     INTEGER,
    reason        TEXT NOT NULL,
    diagnostic    TEXT NOT NULL,
    matched_by    TEXT NOT NULL CHECK (matched_by IN ('verp', 'message-id', 'campaign', 'address', 'token', 'none')),
    campaign_id   INTEGER,
    subscriber_id INTEGER,
    outbox_id     INTEGER,
    raw_report    BLOB
);

-- The soft-bounce window counts a subscriber's recent rows; campaign pages list a campaign's.
CREATE INDEX ix_bounces_subscriber ON bounces (subscriber_id, received_at);
CREATE INDEX ix_bounces_campaign ON bounces (campaign_id, received_at);
-- Finding the row a returned Message-ID names.
CREATE INDEX ix_outbox_message_id ON outbox (message_id);
