-- Sharing data safely: accounts and roles, sessions, data-sharing agreements, datasets with
-- pseudonymised rows (identifiers only in the uploading organisation's partition), opt-outs,
-- cohorts, and the append-only hash-chained audit trail.

CREATE TABLE accounts (
    id              TEXT PRIMARY KEY,
    email           TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT,
    oidc_issuer     TEXT,
    oidc_subject    TEXT,
    is_demo         BIGINT NOT NULL DEFAULT 0,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until    TEXT,
    created_at      TEXT NOT NULL,
    UNIQUE (oidc_issuer, oidc_subject)
);

CREATE TABLE account_roles (
    account_id      TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    role            TEXT NOT NULL CHECK (role IN ('system_administrator', 'ig_lead', 'analyst', 'case_worker', 'viewer')),
    PRIMARY KEY (account_id, organisation_id, role)
);

-- Sessions and API tokens are stored by the SHA-256 of the token, never the token itself.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    label      TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

-- Instance secrets (the pseudonymisation key, the session key); `is_demo` marks published ones.
CREATE TABLE instance_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    is_demo    BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE agreements (
    id                 TEXT PRIMARY KEY,
    reference          TEXT NOT NULL UNIQUE,
    title              TEXT NOT NULL,
    purpose            TEXT NOT NULL,
    description        TEXT NOT NULL,
    lawful_basis       TEXT NOT NULL,
    article9           TEXT NOT NULL,
    tier               TEXT NOT NULL,
    retain_identifiers BIGINT NOT NULL,
    opt_out_exemption  TEXT,
    retention_days     BIGINT NOT NULL,
    security           TEXT NOT NULL,
    dpia               TEXT NOT NULL,
    start_date         TEXT NOT NULL,
    review_date        TEXT NOT NULL,
    expiry_date        TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'suspended', 'revoked')),
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE TABLE agreement_parties (
    agreement_id     TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    organisation_id  TEXT NOT NULL REFERENCES organisations (id),
    party_role       TEXT NOT NULL,
    ods_code         TEXT,
    ico_registration TEXT NOT NULL,
    dspt_status      TEXT NOT NULL,
    approved_at      TEXT,
    PRIMARY KEY (agreement_id, organisation_id)
);

CREATE TABLE agreement_fields (
    agreement_id    TEXT NOT NULL REFERENCES agreements (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL,
    dataset_kind    TEXT NOT NULL,
    field           TEXT NOT NULL,
    PRIMARY KEY (agreement_id, organisation_id, dataset_kind, field)
);

CREATE TABLE datasets (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    agreement_id    TEXT NOT NULL REFERENCES agreements (id),
    kind            TEXT NOT NULL,
    name            TEXT NOT NULL,
    row_count       BIGINT NOT NULL,
    uploaded_by     TEXT NOT NULL,
    uploaded_at     TEXT NOT NULL,
    delete_after    TEXT NOT NULL
);

-- Pseudonymised rows: a keyed pseudonym and the shareable fields (JSON), never an identifier.
CREATE TABLE dataset_rows (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    line       BIGINT NOT NULL,
    pseudonym  TEXT NOT NULL,
    fields     TEXT NOT NULL,
    PRIMARY KEY (dataset_id, line)
);
CREATE INDEX dataset_rows_by_pseudonym ON dataset_rows (pseudonym);

-- The uploading organisation's own partition: raw identifiers, kept only where the agreement
-- allows, read only by that organisation's case workers for direct care.
CREATE TABLE identity_partition (
    dataset_id      TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL,
    pseudonym       TEXT NOT NULL,
    nhs_number      TEXT,
    given_name      TEXT NOT NULL,
    family_name     TEXT NOT NULL,
    date_of_birth   TEXT NOT NULL,
    postcode        TEXT NOT NULL,
    PRIMARY KEY (dataset_id, pseudonym)
);

-- Opt-outs by keyed pseudonym of the NHS number (the list is pseudonymised at the door too).
CREATE TABLE opt_outs (
    pseudonym   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('national', 'gp_type1')),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (pseudonym, kind)
);

CREATE TABLE cohorts (
    id           TEXT PRIMARY KEY,
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    name         TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    left_dataset  TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    right_dataset TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    member_count BIGINT NOT NULL
);

CREATE TABLE cohort_members (
    cohort_id TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    pseudonym TEXT NOT NULL,
    PRIMARY KEY (cohort_id, pseudonym)
);

-- Append-only: the store only ever INSERTs here; each row carries the previous row's hash.
CREATE TABLE audit_events (
    seq          BIGINT PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    organisation TEXT,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL,
    agreement    TEXT,
    purpose      TEXT,
    subject      TEXT NOT NULL,
    detail       TEXT NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE INDEX audit_events_by_actor ON audit_events (actor);
