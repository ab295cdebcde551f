-- One row per running send (a lease owner, "host:pid:run"), its heartbeat written every Delivery:HeartbeatInterval.
-- An owner silent for longer than Delivery:HeartbeatInterval + Delivery:FailoverGrace is dead: another node deletes
-- its row and releases its leases in one transaction, without waiting for Delivery:LeaseDuration. A frozen owner that
-- wakes finds its row gone (its heartbeat updates nothing) and stops sending. On SQLite (one machine, outcome journals)
-- the rows are written the same, but a dead sender is found by its process id instead.
CREATE TABLE lease_owners (
    owner        TEXT PRIMARY KEY,
    node         TEXT NOT NULL,
    campaign_id  INTEGER NOT NULL,
    started_at   TEXT    NOT NULL,
    heartbeat_at TEXT    NOT NULL
);
