-- Who sent each test send (the web login; NULL for the command line), for the log on the issue page and the hourly limit.
ALTER TABLE test_sends ADD COLUMN sent_by TEXT;

CREATE INDEX ix_test_sends_sent_by ON test_sends (sent_by, sent_at);
CREATE INDEX ix_test_sends_issue ON test_sends (issue_key, id);
