-- Campaign tag filters: a campaign may narrow its segments to subscribers of some districts (区县) and industries
-- (行业). The filter is part of the campaign's identity: the same issue, segments and tags continue one live campaign;
-- other tags make another. tags_key is the canonical form (sorted, '' for none); the lists are '|'-joined.

ALTER TABLE campaigns ADD COLUMN districts TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN industries TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN tags_key TEXT NOT NULL DEFAULT '';

DROP INDEX ux_campaigns_issue;
CREATE UNIQUE INDEX ux_campaigns_issue ON campaigns (issue_key, segments_key, tags_key) WHERE state <> 'cancelled';
