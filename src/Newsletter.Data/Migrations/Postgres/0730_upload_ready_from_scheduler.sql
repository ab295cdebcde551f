-- Issue 16: one notion of "ready". An upload is ready when the scheduler's ready_issues (or a campaign) reads its
-- file; the upload's own flag duplicated that and is dropped. Every upload marked ready has its ready_issues row (the
-- web marked both) or its campaign (scheduling or sending set the flag), so no state is lost.
ALTER TABLE uploaded_issues DROP COLUMN state;
