-- Organisations edited on the web or uploaded from a spreadsheet: every change is attributed
-- (who, when, how, which fields from what to what), and an upload is held between its preview
-- and its confirmation so that the confirmation applies exactly what was previewed.
CREATE TABLE organisation_uploads (
    id                 TEXT PRIMARY KEY,
    account_id         TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    file_name          TEXT NOT NULL,
    stored_fingerprint TEXT NOT NULL,
    rows_json          TEXT NOT NULL,
    applied_at         TEXT
);

CREATE TABLE organisation_changes (
    id              TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    at              TEXT NOT NULL,
    changed_by      TEXT NOT NULL,
    how             TEXT NOT NULL,
    upload_id       TEXT REFERENCES organisation_uploads (id),
    fields          TEXT NOT NULL
);
CREATE INDEX organisation_changes_by_organisation ON organisation_changes (organisation_id, at);
