-- Counts per segment and status kept by triggers, so `segments list` and the send summary read a few rows instead of
-- scanning a million memberships. Cascaded deletes (removing a subscriber) fire the delete trigger too.

CREATE TABLE segment_counts (
    segment_key TEXT NOT NULL,
    status      TEXT NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (segment_key, status)
) WITHOUT ROWID;

INSERT INTO segment_counts (segment_key, status, n)
SELECT segment_key, status, COUNT(*) FROM subscriber_segments GROUP BY segment_key, status;

CREATE TRIGGER trg_subscriber_segments_insert AFTER INSERT ON subscriber_segments
BEGIN
    INSERT INTO segment_counts (segment_key, status, n) VALUES (NEW.segment_key, NEW.status, 1)
    ON CONFLICT (segment_key, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER trg_subscriber_segments_delete AFTER DELETE ON subscriber_segments
BEGIN
    UPDATE segment_counts SET n = n - 1 WHERE segment_key = OLD.segment_key AND status = OLD.status;
END;

CREATE TRIGGER trg_subscriber_segments_status AFTER UPDATE OF status ON subscriber_segments
WHEN NEW.status <> OLD.status
BEGIN
    UPDATE segment_counts SET n = n - 1 WHERE segment_key = OLD.segment_key AND status = OLD.status;
    INSERT INTO segment_counts (segment_key, status, n) VALUES (NEW.segment_key, NEW.status, 1)
    ON CONFLICT (segment_key, status) DO UPDATE SET n = n + 1;
END;

-- Counting no longer reads this index; one index less to maintain on every import row.
DROP INDEX ix_subscriber_segments_status;
