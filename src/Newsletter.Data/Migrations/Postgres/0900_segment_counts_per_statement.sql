-- Segment counts kept per statement instead of per row (issue 20): an import inserts thousands of memberships with one
-- statement (binary COPY into a staging table, then INSERT … SELECT), and one grouped upsert per statement replaces a
-- plpgsql call and an upsert per membership. Erasing subscribers (cascaded deletes) is counted the same way. A status
-- change stays per row (UPDATE OF a column cannot have transition tables).

DROP TRIGGER trg_subscriber_segments_insert_delete ON subscriber_segments;

CREATE FUNCTION subscriber_segments_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO segment_counts (segment_key, status, n)
    SELECT segment_key, status, COUNT(*) FROM inserted_rows GROUP BY segment_key, status
    ON CONFLICT (segment_key, status) DO UPDATE SET n = segment_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION subscriber_segments_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE segment_counts c SET n = c.n - d.n
    FROM (SELECT segment_key, status, COUNT(*) AS n FROM deleted_rows GROUP BY segment_key, status) d
    WHERE c.segment_key = d.segment_key AND c.status = d.status;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_subscriber_segments_inserted AFTER INSERT ON subscriber_segments
REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION subscriber_segments_count_inserted();

CREATE TRIGGER trg_subscriber_segments_deleted AFTER DELETE ON subscriber_segments
REFERENCING OLD TABLE AS deleted_rows FOR EACH STATEMENT EXECUTE FUNCTION subscriber_segments_count_deleted();
