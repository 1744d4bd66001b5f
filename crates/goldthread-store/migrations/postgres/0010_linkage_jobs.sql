-- Linkage under agreement: each dataset row's keyed Bloom-filter encodings (made at upload, so
-- linkage never needs a raw value), the scheme they were made under, the linkage jobs run under
-- agreements (kept on the public register without personal data, even after retention deletes
-- their datasets), and the linked pairs of row pseudonyms each job produced.

CREATE TABLE dataset_encodings (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    scheme     TEXT NOT NULL
);

CREATE TABLE dataset_row_encodings (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    line       BIGINT NOT NULL,
    encoding   TEXT NOT NULL,
    PRIMARY KEY (dataset_id, line)
);

CREATE TABLE linkage_jobs (
    id              TEXT PRIMARY KEY,
    agreement_id    TEXT NOT NULL REFERENCES agreements (id),
    purpose         TEXT NOT NULL,
    name            TEXT NOT NULL,
    requested_by    TEXT NOT NULL,
    organisation_id TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    left_dataset    TEXT NOT NULL,
    right_dataset   TEXT NOT NULL,
    threshold       DOUBLE PRECISION NOT NULL,
    left_rows       BIGINT NOT NULL,
    right_rows      BIGINT NOT NULL,
    opted_out       BIGINT NOT NULL,
    candidate_pairs BIGINT NOT NULL,
    matches         BIGINT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('done', 'failed')),
    detail          TEXT NOT NULL,
    cohort_id       TEXT
);
CREATE INDEX linkage_jobs_by_agreement ON linkage_jobs (agreement_id);

CREATE TABLE cohort_pairs (
    cohort_id       TEXT NOT NULL REFERENCES cohorts (id) ON DELETE CASCADE,
    left_line       BIGINT NOT NULL,
    left_pseudonym  TEXT NOT NULL,
    right_line      BIGINT NOT NULL,
    right_pseudonym TEXT NOT NULL,
    probability     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (cohort_id, left_line, right_line)
);
