-- Scheduling: issues marked ready for recurring plans, the plans, a record of every firing (one per plan and fire
-- time, so a plan never fires twice for one time), and the campaign reports already sent.
-- Scheduled campaigns themselves are campaigns rows in state 'scheduled' with scheduled_at (UTC).

CREATE TABLE ready_issues (
    id          INTEGER PRIMARY KEY,
    issue_key   TEXT NOT NULL UNIQUE,      -- marking the same issue again refreshes its text
    title       TEXT NOT NULL,
    source_path TEXT NOT NULL,
    source_text TEXT NOT NULL,
    ready_at    TEXT NOT NULL
);

CREATE TABLE schedule_plans (
    id         INTEGER PRIMARY KEY,
    cron       TEXT NOT NULL,              -- Quartz cron expression, seconds first
    segments   TEXT NOT NULL,              -- '|'-joined keys, in priority order
    time_zone  TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE schedule_firings (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('campaign', 'plan')),
    target_id   INTEGER NOT NULL,          -- campaign id or plan id
    fire_time   TEXT NOT NULL,             -- the planned time fired for (UTC)
    fired_at    TEXT NOT NULL,
    node        TEXT NOT NULL,
    outcome     TEXT NOT NULL,             -- started, missed, nothing-to-send, failed
    campaign_id INTEGER,
    detail      TEXT,
    UNIQUE (kind, target_id, fire_time)
);

CREATE TABLE campaign_reports (
    campaign_id INTEGER PRIMARY KEY,
    sent_at     TEXT NOT NULL
);
