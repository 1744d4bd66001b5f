-- Reference geography and integrated care systems.
-- Portable subset: TEXT, BIGINT, DOUBLE PRECISION; timestamps are RFC 3339 text in UTC.
CREATE TABLE reference_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL
);

CREATE TABLE authorities (
    code                  TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    tier                  TEXT NOT NULL CHECK (tier IN ('county', 'district', 'unitary', 'metropolitan', 'london_borough')),
    upper_tier_code       TEXT NOT NULL,
    region_code           TEXT NOT NULL REFERENCES regions (code),
    population_mid2020    BIGINT,
    population_census2021 BIGINT
);

CREATE TABLE icbs (
    code      TEXT PRIMARY KEY,
    ods_code  TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    code_2022 TEXT NOT NULL
);

CREATE TABLE authority_icb (
    authority_code       TEXT NOT NULL REFERENCES authorities (code),
    icb_code             TEXT NOT NULL REFERENCES icbs (code),
    lsoa_count           BIGINT NOT NULL CHECK (lsoa_count > 0),
    authority_lsoa_count BIGINT NOT NULL CHECK (authority_lsoa_count >= lsoa_count),
    PRIMARY KEY (authority_code, icb_code)
);
CREATE INDEX authority_icb_by_icb ON authority_icb (icb_code);

CREATE TABLE organisations (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ods_code   TEXT UNIQUE,
    gss_code   TEXT UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE systems (
    icb_code   TEXT PRIMARY KEY REFERENCES icbs (code),
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE system_members (
    icb_code        TEXT NOT NULL REFERENCES systems (icb_code) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    PRIMARY KEY (icb_code, organisation_id)
);
