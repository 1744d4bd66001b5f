-- Indicators, shared outcomes, the golden thread and prevention spend.
-- Definitions, outcomes and objectives are versioned: a change adds a row, never edits one.
CREATE TABLE indicator_definitions (
    code       TEXT NOT NULL,
    version    BIGINT NOT NULL CHECK (version >= 1),
    name       TEXT NOT NULL,
    definition TEXT NOT NULL,
    source     TEXT NOT NULL,
    unit       TEXT NOT NULL,
    theme      TEXT NOT NULL,
    polarity   TEXT NOT NULL CHECK (polarity IN ('high_is_good', 'low_is_good', 'no_judgement')),
    method     TEXT NOT NULL,
    multiplier DOUBLE PRECISION NOT NULL,
    benchmark  TEXT NOT NULL,
    as_of      TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (code, version)
);

CREATE TABLE indicator_values (
    indicator_code  TEXT NOT NULL,
    area_code       TEXT NOT NULL,
    area_name       TEXT NOT NULL,
    period_label    TEXT NOT NULL,
    period_sortable BIGINT NOT NULL,
    sex             TEXT NOT NULL CHECK (sex IN ('persons', 'male', 'female')),
    value           DOUBLE PRECISION,
    lower95         DOUBLE PRECISION,
    upper95         DOUBLE PRECISION,
    lower998        DOUBLE PRECISION,
    upper998        DOUBLE PRECISION,
    count           DOUBLE PRECISION,
    denominator     DOUBLE PRECISION,
    source_call     TEXT,
    note            TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    PRIMARY KEY (indicator_code, area_code, period_label, sex)
);
CREATE INDEX indicator_values_by_area ON indicator_values (area_code, indicator_code);

CREATE TABLE ambitions (
    icb_code    TEXT NOT NULL REFERENCES systems (icb_code),
    key         TEXT NOT NULL,
    position    BIGINT NOT NULL,
    title       TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (icb_code, key)
);

CREATE TABLE outcome_versions (
    icb_code   TEXT NOT NULL REFERENCES systems (icb_code),
    key        TEXT NOT NULL,
    version    BIGINT NOT NULL CHECK (version >= 1),
    body       TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (icb_code, key, version)
);

CREATE TABLE objective_versions (
    icb_code   TEXT NOT NULL REFERENCES systems (icb_code),
    version    BIGINT NOT NULL CHECK (version >= 1),
    body       TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (icb_code, version)
);

CREATE TABLE budget_lines (
    icb_code        TEXT NOT NULL REFERENCES systems (icb_code),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    year_start      BIGINT NOT NULL,
    service         TEXT NOT NULL,
    pooled_fund     TEXT,
    category        TEXT NOT NULL CHECK (category IN ('primary_prevention', 'secondary_prevention', 'tertiary_prevention', 'treatment')),
    amount_pence    BIGINT NOT NULL,
    PRIMARY KEY (icb_code, organisation_id, year_start, service)
);

CREATE TABLE prevention_definitions (
    icb_code   TEXT NOT NULL REFERENCES systems (icb_code),
    version    BIGINT NOT NULL CHECK (version >= 1),
    counts     TEXT NOT NULL,
    statement  TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (icb_code, version)
);

CREATE TABLE disclosure_settings (
    icb_code      TEXT PRIMARY KEY REFERENCES systems (icb_code),
    suppress_from BIGINT NOT NULL CHECK (suppress_from >= 0),
    suppress_to   BIGINT NOT NULL CHECK (suppress_to >= 0),
    rounding_base BIGINT NOT NULL CHECK (rounding_base >= 1),
    changed_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
