-- Mapping the system: organisations' profiles and identifiers, boards and seats, joint roles,
-- and the Open Referral UK service directory.
ALTER TABLE organisations ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN email TEXT;
ALTER TABLE organisations ADD COLUMN phone TEXT;
ALTER TABLE organisations ADD COLUMN companies_house TEXT;
ALTER TABLE organisations ADD COLUMN charity_number TEXT;

CREATE TABLE boards (
    id         TEXT PRIMARY KEY,
    icb_code   TEXT NOT NULL REFERENCES icbs (code),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    host_id    TEXT REFERENCES organisations (id),
    updated_at TEXT NOT NULL
);
CREATE INDEX boards_by_icb ON boards (icb_code);

CREATE TABLE board_areas (
    board_id  TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    area_code TEXT NOT NULL,
    PRIMARY KEY (board_id, area_code)
);

CREATE TABLE seats (
    board_id        TEXT NOT NULL REFERENCES boards (id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    person          TEXT NOT NULL,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    role            TEXT NOT NULL,
    voting          BIGINT NOT NULL CHECK (voting IN (0, 1)),
    since           TEXT,
    PRIMARY KEY (board_id, position)
);
CREATE INDEX seats_by_organisation ON seats (organisation_id);

CREATE TABLE joint_roles (
    id       TEXT PRIMARY KEY,
    icb_code TEXT NOT NULL REFERENCES icbs (code),
    person   TEXT NOT NULL,
    title    TEXT NOT NULL
);

CREATE TABLE joint_role_splits (
    joint_role_id   TEXT NOT NULL REFERENCES joint_roles (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    percent         BIGINT NOT NULL CHECK (percent > 0 AND percent <= 100),
    PRIMARY KEY (joint_role_id, organisation_id)
);

CREATE TABLE taxonomy_terms (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    parent_id   TEXT
);

-- A service is kept whole as its JSON record; the columns and index tables beside it exist for
-- searching and filtering, and are rewritten with the record in one transaction.
CREATE TABLE services (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    description     TEXT NOT NULL,
    search_text     TEXT NOT NULL,
    status          TEXT NOT NULL,
    last_verified   TEXT,
    last_updated    TEXT NOT NULL,
    record          TEXT NOT NULL
);
CREATE INDEX services_by_organisation ON services (organisation_id);
CREATE INDEX services_by_name ON services (name, id);
CREATE INDEX services_by_last_verified ON services (last_verified);

CREATE TABLE service_terms (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    term_id    TEXT NOT NULL REFERENCES taxonomy_terms (id),
    PRIMARY KEY (service_id, term_id)
);
CREATE INDEX service_terms_by_term ON service_terms (term_id, service_id);

CREATE TABLE service_area_codes (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    gss_code   TEXT NOT NULL,
    PRIMARY KEY (service_id, gss_code)
);
CREATE INDEX service_area_codes_by_code ON service_area_codes (gss_code, service_id);

-- Full-text search: a weighted vector kept by PostgreSQL itself, with a GIN index.
ALTER TABLE services ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', name), 'A') || setweight(to_tsvector('english', search_text), 'B')
) STORED;
CREATE INDEX services_search ON services USING GIN (search);
