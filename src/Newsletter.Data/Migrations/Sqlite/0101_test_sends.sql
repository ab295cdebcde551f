-- Test sends (newsletter send-test, the admin's "send me a test"): logged apart from campaigns, never in an outbox.
CREATE TABLE test_sends (
    id         INTEGER PRIMARY KEY,
    sent_at    TEXT NOT NULL,
    issue_key  TEXT NOT NULL,
    segment    TEXT NOT NULL,
    recipient  TEXT NOT NULL,
    delivered  INTEGER NOT NULL,
    result     TEXT NOT NULL
);

CREATE INDEX ix_test_sends_sent_at ON test_sends (sent_at);

-- Finding (and releasing) the leases of one sender, e.g. of a process that died.
CREATE INDEX ix_outbox_lease_owner ON outbox (lease_owner) WHERE lease_owner IS NOT NULL;
