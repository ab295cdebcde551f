-- Identity that is never reused. Before this, subscribers.id was a plain INTEGER PRIMARY KEY: SQLite hands out
-- max(id)+1, so removing the newest subscriber gave their id to the next one added, and the outbox (which referred to
-- subscribers by id only) then pointed old campaigns at the new person: `campaigns retry-failed` delivered an old
-- campaign to someone it never targeted. Now:
--   * subscribers.id is AUTOINCREMENT: an id, once handed out, is never handed out again (sqlite_sequence keeps the
--     high-water mark, raised here past every id the outbox ever referred to);
--   * outbox.subscriber_id references subscribers with ON DELETE SET NULL: erasing a subscriber keeps the delivery
--     record (status, reply, Message-ID) but severs its link, so no later row, whatever its id, can inherit it.
--
-- SQLite cannot change a key or add a foreign key in place: both tables are rebuilt. DbUp runs this in a transaction
-- on a connection with foreign keys on, where PRAGMA foreign_keys cannot be turned off, so dropping the old
-- subscribers table cascades to subscriber_segments (and its count triggers): the memberships are kept aside and put
-- back, which restores segment_counts through the same triggers.

CREATE TABLE subscribers_new (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
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

INSERT INTO subscribers_new (id, email, name, organisation, title, segments, district, industries, status, status_reason,
    salutation, source, consent_at, consent_note, created_at, updated_at)
SELECT id, email, name, organisation, title, segments, district, industries, status, status_reason,
    salutation, source, consent_at, consent_note, created_at, updated_at
FROM subscribers;

CREATE TEMP TABLE kept_memberships AS SELECT segment_key, subscriber_id, status FROM subscriber_segments;

DROP TABLE subscribers;
ALTER TABLE subscribers_new RENAME TO subscribers;

INSERT INTO subscriber_segments (segment_key, subscriber_id, status)
SELECT segment_key, subscriber_id, status FROM kept_memberships;
DROP TABLE kept_memberships;

CREATE TRIGGER trg_subscribers_status AFTER UPDATE OF status ON subscribers
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE subscriber_segments SET status = NEW.status WHERE subscriber_id = NEW.id;
END;

-- Never hand out an id an outbox row still names (a subscriber removed before this migration).
INSERT INTO sqlite_sequence (name, seq) SELECT 'subscribers', 0 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'subscribers');
UPDATE sqlite_sequence SET seq = MAX(seq, COALESCE((SELECT MAX(id) FROM subscribers), 0), COALESCE((SELECT MAX(subscriber_id) FROM outbox), 0))
WHERE name = 'subscribers';

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    -- NULL once the subscriber was erased: the delivery record stays, the link to a person goes.
    subscriber_id    INTEGER REFERENCES subscribers (id) ON DELETE SET NULL,
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

-- A row whose subscriber is gone, or whose subscriber row was created after the campaign (an id reused by the old
-- scheme: the campaign cannot have targeted that person), keeps its record without the link.
INSERT INTO outbox_new (id, campaign_id, subscriber_id, variant, status, attempts, message_id, next_attempt_at,
    first_attempt_at, last_attempt_at, last_reply, lease_owner, lease_until)
SELECT o.id, o.campaign_id,
    CASE WHEN s.id IS NULL OR julianday(s.created_at) > julianday(c.created_at) THEN NULL ELSE o.subscriber_id END,
    o.variant, o.status, o.attempts, o.message_id, o.next_attempt_at, o.first_attempt_at, o.last_attempt_at, o.last_reply,
    o.lease_owner, o.lease_until
FROM outbox o
JOIN campaigns c ON c.id = o.campaign_id
LEFT JOIN subscribers s ON s.id = o.subscriber_id;

DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;

CREATE INDEX ix_outbox_due ON outbox (campaign_id, status, id);
CREATE INDEX ix_outbox_lease_owner ON outbox (lease_owner) WHERE lease_owner IS NOT NULL;
-- Erasing a subscriber finds its outbox rows (ON DELETE SET NULL) through this index, not a scan of every campaign.
CREATE INDEX ix_outbox_subscriber ON outbox (subscriber_id) WHERE subscriber_id IS NOT NULL;
