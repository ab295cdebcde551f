-- The two foreign keys of subscriber_segments checked once per statement instead of once per row (issue 20). A foreign
-- key runs two catalogued queries for every membership inserted (find and lock the segment, find and lock the
-- subscriber): at 1,000,000 memberships that was most of an import's time on the server. The triggers below keep the
-- same guarantees, with the same locks, per statement:
--   * an inserted (or re-keyed) membership names an existing segment and an existing subscriber; both are locked
--     FOR KEY SHARE, as the foreign key locks them, so a concurrent delete waits for this transaction and then fails
--     (segment) or removes the new memberships too (subscriber) — except a subscriber row this transaction wrote
--     itself, which no one else can delete meanwhile;
--   * deleting a subscriber deletes its memberships (was ON DELETE CASCADE);
--   * a segment with members cannot be deleted or re-keyed (was NO ACTION).
-- Errors keep the foreign key's SQLSTATE 23503 and name the missing key.

ALTER TABLE subscriber_segments DROP CONSTRAINT subscriber_segments_segment_key_fkey;
ALTER TABLE subscriber_segments DROP CONSTRAINT subscriber_segments_subscriber_id_fkey;

-- Every lookup is a probe of the key's index (LATERAL, scalar subqueries): a join the planner is free to choose could
-- scan the whole list for each statement, and an import runs one statement per batch.
CREATE FUNCTION subscriber_segments_check_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
    others BOOLEAN;
BEGIN
    PERFORM 1 FROM (SELECT DISTINCT segment_key FROM inserted_rows) i,
        LATERAL (SELECT 1 FROM segments s WHERE s.key = i.segment_key FOR KEY SHARE OF s) l;
    SELECT i.segment_key INTO missing FROM (SELECT DISTINCT segment_key FROM inserted_rows) i
    WHERE (SELECT TRUE FROM segments s WHERE s.key = i.segment_key) IS NULL LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'insert or update on table "subscriber_segments": segment "%" does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    -- One probe per subscriber: missing (NULL), or written by this transaction (TRUE), or older (FALSE). A row version
    -- this transaction wrote (a subscriber it inserted, or updated) needs no lock: no one else can delete it before this
    -- transaction ends, it is invisible to them or they wait on its older version. Locking a million subscribers
    -- inserted by the same import would cost most of what this trigger saves.
    SELECT MIN(i.subscriber_id) FILTER (WHERE o.own IS NULL)::TEXT, BOOL_OR(NOT o.own) INTO missing, others
    FROM (SELECT DISTINCT subscriber_id FROM inserted_rows) i,
        LATERAL (SELECT (SELECT s.xmin = pg_current_xact_id()::xid FROM subscribers s WHERE s.id = i.subscriber_id) AS own) o;
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'insert or update on table "subscriber_segments": subscriber % does not exist', missing
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    IF others THEN
        -- Locked as the foreign key locks them; then looked up again, with a new snapshot: one deleted while this
        -- statement waited for its deleter is gone.
        PERFORM 1 FROM (SELECT DISTINCT subscriber_id FROM inserted_rows) i,
            LATERAL (SELECT 1 FROM subscribers s WHERE s.id = i.subscriber_id AND s.xmin <> pg_current_xact_id()::xid FOR KEY SHARE OF s) l;
        SELECT MIN(i.subscriber_id)::TEXT INTO missing FROM (SELECT DISTINCT subscriber_id FROM inserted_rows) i
        WHERE (SELECT TRUE FROM subscribers s WHERE s.id = i.subscriber_id) IS NULL;
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'insert or update on table "subscriber_segments": subscriber % does not exist', missing
                USING ERRCODE = 'foreign_key_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_subscriber_segments_checked AFTER INSERT ON subscriber_segments
REFERENCING NEW TABLE AS inserted_rows FOR EACH STATEMENT EXECUTE FUNCTION subscriber_segments_check_inserted();

-- Nothing in the application re-keys a membership; should anything do it, the same check per row.
CREATE FUNCTION subscriber_segments_check_rekeyed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM segments s WHERE s.key = NEW.segment_key FOR KEY SHARE OF s;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "subscriber_segments": segment "%" does not exist', NEW.segment_key
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM 1 FROM subscribers s WHERE s.id = NEW.subscriber_id FOR KEY SHARE OF s;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'insert or update on table "subscriber_segments": subscriber % does not exist', NEW.subscriber_id
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_subscriber_segments_rekeyed AFTER UPDATE OF segment_key, subscriber_id ON subscriber_segments
FOR EACH ROW WHEN (NEW.segment_key IS DISTINCT FROM OLD.segment_key OR NEW.subscriber_id IS DISTINCT FROM OLD.subscriber_id)
EXECUTE FUNCTION subscriber_segments_check_rekeyed();

CREATE FUNCTION subscribers_delete_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM subscriber_segments m WHERE m.subscriber_id IN (SELECT id FROM deleted_subscribers);
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_subscribers_deleted AFTER DELETE ON subscribers
REFERENCING OLD TABLE AS deleted_subscribers FOR EACH STATEMENT EXECUTE FUNCTION subscribers_delete_memberships();

CREATE FUNCTION segments_keep_members() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM subscriber_segments WHERE segment_key = OLD.key) THEN
        RAISE EXCEPTION 'segment "%" still has members', OLD.key USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER trg_segments_members_deleted AFTER DELETE ON segments
FOR EACH ROW EXECUTE FUNCTION segments_keep_members();

CREATE TRIGGER trg_segments_members_rekeyed AFTER UPDATE OF key ON segments
FOR EACH ROW WHEN (NEW.key IS DISTINCT FROM OLD.key) EXECUTE FUNCTION segments_keep_members();
