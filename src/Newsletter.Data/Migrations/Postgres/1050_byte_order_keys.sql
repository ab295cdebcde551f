-- Addresses and segment keys compared byte by byte (issue 20). Both are stored normalised (addresses lower-cased by
-- EmailAddress.Normalize, segment keys are slugs), and equality under a deterministic collation is byte equality
-- anyway, so only the cost changes: every insert into the unique e-mail index and the membership key compared through
-- the database's locale (strcoll) before, through memcmp now. An import of 1,000,000 rows spent ~40 % of its insert
-- time there on a C.UTF-8 database, more on en_US/zh_CN. Sorting by these columns is now by code point.
-- (SQLite compares text by bytes already: no SQLite counterpart.)

ALTER TABLE subscribers ALTER COLUMN email TYPE TEXT COLLATE "C";

ALTER TABLE subscriber_segments DROP CONSTRAINT subscriber_segments_segment_key_fkey;
ALTER TABLE segments ALTER COLUMN key TYPE TEXT COLLATE "C";
ALTER TABLE subscriber_segments ALTER COLUMN segment_key TYPE TEXT COLLATE "C";
ALTER TABLE subscriber_segments ADD CONSTRAINT subscriber_segments_segment_key_fkey FOREIGN KEY (segment_key) REFERENCES segments (key);
ALTER TABLE segment_counts ALTER COLUMN segment_key TYPE TEXT COLLATE "C";
