-- Place-based programmes, the cases worked in them, and the double-entry budget ledger.

CREATE TABLE programmes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    host_organisation_id TEXT NOT NULL,
    definition TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    team_organisation_id TEXT NOT NULL,
    state TEXT NOT NULL,
    priority BIGINT NOT NULL,
    due_on TEXT NOT NULL,
    subject_name TEXT NOT NULL,
    nhs_number TEXT,
    pseudonym TEXT,
    district_gss TEXT,
    source TEXT NOT NULL,
    referrer_ods TEXT,
    ward TEXT,
    barrier TEXT,
    medically_fit_on TEXT,
    discharged_on TEXT,
    bed_days_saved BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    reached BIGINT NOT NULL DEFAULT 0,
    needs TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    outcome TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    closed_at TEXT
);
CREATE INDEX cases_worklist ON cases (team_organisation_id, state, priority DESC, due_on);
CREATE INDEX cases_programme ON cases (programme_id, created_at);

CREATE TABLE case_events (
    case_id TEXT NOT NULL REFERENCES cases (id),
    seq BIGINT NOT NULL,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT NOT NULL,
    state_after TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE case_referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    destination TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    sent_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX case_referrals_case ON case_referrals (case_id);

CREATE TABLE budgets (
    id TEXT PRIMARY KEY,
    programme_id TEXT NOT NULL REFERENCES programmes (id),
    organisation_id TEXT NOT NULL,
    financial_year TEXT NOT NULL,
    name TEXT NOT NULL,
    balance_pence BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    UNIQUE (programme_id, organisation_id, financial_year)
);

CREATE TABLE ledger_transactions (
    id TEXT PRIMARY KEY,
    budget_id TEXT NOT NULL REFERENCES budgets (id),
    kind TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    payee TEXT,
    purpose TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    paid_on TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    override_by TEXT,
    override_reason TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX ledger_transactions_budget ON ledger_transactions (budget_id, paid_on);
CREATE INDEX ledger_transactions_case ON ledger_transactions (case_id);

CREATE TABLE ledger_entries (
    transaction_id TEXT NOT NULL REFERENCES ledger_transactions (id),
    line BIGINT NOT NULL,
    budget_id TEXT NOT NULL REFERENCES budgets (id),
    account TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    PRIMARY KEY (transaction_id, line)
);
CREATE INDEX ledger_entries_budget ON ledger_entries (budget_id, account);
