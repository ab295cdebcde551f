-- Sessions carry the account's security stamp: changing it (new password, role, lock, sign-out everywhere, logout)
-- ends every cookie issued before. Accounts from before this migration get a stamp of their own.
ALTER TABLE users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
UPDATE users SET security_stamp = lower(hex(randomblob(16)));

-- Failed sign-ins per client address (IPv4, or an IPv6 /64) in a fixed window, shared by every node.
CREATE TABLE sign_in_throttle (
    client       TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_until TEXT NOT NULL
);

-- ASP.NET Core data-protection keys (cookies, antiforgery tokens), shared by every node, encrypted with
-- Web:DataProtectionKey (AES-GCM) before they are stored.
CREATE TABLE data_protection_keys (
    name       TEXT PRIMARY KEY,
    xml        TEXT NOT NULL,
    created_at TEXT NOT NULL
);
