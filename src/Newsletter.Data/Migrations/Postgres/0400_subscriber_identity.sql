-- Identity that is never reused (see the SQLite script of the same number for the bug this closes). PostgreSQL's
-- identity sequence never goes back by itself, but the outbox referred to subscribers by id only, so a row re-created
-- with an old id (a restore, a manual fix, a sequence reset) would inherit old campaigns. Now:
--   * outbox.subscriber_id references subscribers with ON DELETE SET NULL: erasing a subscriber keeps the delivery
--     record but severs its link;
--   * the identity sequence is moved past every id the outbox ever referred to.

-- First, while the outbox still names them all: never hand out an id an outbox row names.
SELECT setval(pg_get_serial_sequence('subscribers', 'id'),
    GREATEST((SELECT COALESCE(MAX(id), 0) FROM subscribers), (SELECT COALESCE(MAX(subscriber_id), 0) FROM outbox), 1),
    (SELECT COUNT(*) > 0 FROM subscribers) OR (SELECT COUNT(*) > 0 FROM outbox));

ALTER TABLE outbox ALTER COLUMN subscriber_id DROP NOT NULL;

-- A row whose subscriber is gone, or whose subscriber row was created after the campaign (the campaign cannot have
-- targeted that person), keeps its record without the link.
UPDATE outbox o SET subscriber_id = NULL
FROM campaigns c
WHERE c.id = o.campaign_id
  AND (NOT EXISTS (SELECT 1 FROM subscribers s WHERE s.id = o.subscriber_id)
       OR EXISTS (SELECT 1 FROM subscribers s WHERE s.id = o.subscriber_id AND s.created_at > c.created_at));

-- Erasing a subscriber finds its outbox rows (ON DELETE SET NULL) through this index, not a scan of every campaign.
CREATE INDEX ix_outbox_subscriber ON outbox (subscriber_id) WHERE subscriber_id IS NOT NULL;

ALTER TABLE outbox ADD CONSTRAINT fk_outbox_subscriber FOREIGN KEY (subscriber_id) REFERENCES subscribers (id) ON DELETE SET NULL;
