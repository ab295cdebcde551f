-- Issue 21: what readers did with a campaign, one row per event, and the figures kept once the rows are gone.
-- No personal data beyond need: no IP address and no user agent, only a coarse client family ('gmail-proxy',
-- 'apple-proxy', 'yahoo-proxy', 'other'). subscriber_id is severed (SET NULL) when the subscriber is erased; outbox_id
-- keeps the event counted for the recipient. Tracking:RetentionDays after a campaign's first send its figures are
-- written to campaign_figures, campaigns.figures_frozen_at is set and its event rows are deleted (see SqlReaderEvents).
CREATE TABLE reader_events (
    id            INTEGER PRIMARY KEY,
    campaign_id   INTEGER REFERENCES campaigns (id) ON DELETE CASCADE,   -- null: an unsubscribe through no campaign's link
    outbox_id     INTEGER,
    subscriber_id INTEGER REFERENCES subscribers (id) ON DELETE SET NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('webview', 'open', 'click', 'unsubscribe')),
    link          INTEGER,   -- click: the link's number in the variant's HTML, from 1
    source        TEXT,      -- unsubscribe: 'one-click', 'page', 'mailed', 'admin'
    client        TEXT,      -- open: the coarse client family
    at            TEXT NOT NULL
);

-- Figures read a campaign's events by kind; the 7-day unsubscribe window reads a subscriber's; pruning reads by time.
CREATE INDEX ix_reader_events_campaign ON reader_events (campaign_id, kind);
CREATE INDEX ix_reader_events_subscriber ON reader_events (subscriber_id, kind, at) WHERE subscriber_id IS NOT NULL;
CREATE INDEX ix_reader_events_at ON reader_events (at);

-- A campaign's figures frozen when its events were pruned: one row per segment (variant) and figure name
-- ('webViews', 'unsubscribed', 'opens', 'proxyOpens', 'clicks', 'clicks:3' for link 3 ...).
CREATE TABLE campaign_figures (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    variant     TEXT NOT NULL,
    name        TEXT NOT NULL,
    value       INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, variant, name)
);

ALTER TABLE campaigns ADD COLUMN figures_frozen_at TEXT;
-- Open pixel and click redirects for this campaign (publish --tracking, or Tracking:Enabled when it was created).
ALTER TABLE campaigns ADD COLUMN tracking INTEGER NOT NULL DEFAULT 0;
