-- Sign-in: OpenID Connect flows in progress, and failed sign-ins by client address (for the
-- rate limit on top of each account's lockout).

-- One row per authorisation request sent to the provider, stored by the SHA-256 of its state,
-- taken (deleted) when the provider sends the browser back: each flow is used at most once, and
-- is refused after it expires.
CREATE TABLE oidc_flows (
    state_hash    TEXT PRIMARY KEY,
    nonce         TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    next_path     TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX oidc_flows_by_expiry ON oidc_flows (expires_at);

-- Failed sign-ins by client address (password or OpenID Connect), kept for the rate limit's
-- window and then deleted.
CREATE TABLE sign_in_failures (
    client TEXT NOT NULL,
    at     TEXT NOT NULL
);
CREATE INDEX sign_in_failures_by_client ON sign_in_failures (client, at);
