-- Recurring plans may narrow their segments by district (区县) and industry (行业) like campaigns (0102): each firing
-- publishes a campaign with the plan's tags. The lists are '|'-joined, sorted; '' means no narrowing.

ALTER TABLE schedule_plans ADD COLUMN districts TEXT NOT NULL DEFAULT '';
ALTER TABLE schedule_plans ADD COLUMN industries TEXT NOT NULL DEFAULT '';
