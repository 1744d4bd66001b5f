-- Editing the outcomes framework on the web: the disclosure rule becomes versioned like the
-- rest (who, when, why), and SPC rebases are recorded human decisions.
CREATE TABLE disclosure_versions (
    icb_code      TEXT NOT NULL REFERENCES systems (icb_code),
    version       BIGINT NOT NULL CHECK (version >= 1),
    suppress_from BIGINT NOT NULL CHECK (suppress_from >= 0),
    suppress_to   BIGINT NOT NULL CHECK (suppress_to >= 0),
    rounding_base BIGINT NOT NULL CHECK (rounding_base >= 1),
    changed_by    TEXT NOT NULL,
    reason        TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (icb_code, version)
);

CREATE TABLE spc_rebases (
    icb_code       TEXT NOT NULL REFERENCES systems (icb_code),
    indicator_code TEXT NOT NULL,
    area_code      TEXT NOT NULL,
    sex            TEXT NOT NULL CHECK (sex IN ('persons', 'male', 'female')),
    from_period    TEXT NOT NULL,
    reason         TEXT NOT NULL,
    decided_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (icb_code, indicator_code, area_code, sex, from_period)
);
