-- Counts per segment and status kept by triggers, so `segments list` and the send summary read a few rows instead of
-- scanning a million memberships.

CREATE TABLE segment_counts (
    segment_key TEXT NOT NULL,
    status      TEXT NOT NULL,
    n           BIGINT NOT NULL,
    PRIMARY KEY (segment_key, status)
);

INSERT INTO segment_counts (segment_key, status, n)
SELECT segment_key, status, COUNT(*) FROM subscriber_segments GROUP BY segment_key, status;

CREATE FUNCTION subscriber_segments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE segment_counts SET n = n - 1 WHERE segment_key = OLD.segment_key AND status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO segment_counts (segment_key, status, n) VALUES (NEW.segment_key, NEW.status, 1)
        ON CONFLICT (segment_key, status) DO UPDATE SET n = segment_counts.n + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_subscriber_segments_insert_delete AFTER INSERT OR DELETE ON subscriber_segments
FOR EACH ROW EXECUTE FUNCTION subscriber_segments_count();

CREATE TRIGGER trg_subscriber_segments_status AFTER UPDATE OF status ON subscriber_segments
FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION subscriber_segments_count();

DROP INDEX ix_subscriber_segments_status;
