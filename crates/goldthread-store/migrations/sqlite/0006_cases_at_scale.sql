-- Case work at scale: worklists served from indexes over open cases only (closed cases are
-- most of a year's rows and never on a worklist).

CREATE INDEX cases_open_worklist
    ON cases (team_organisation_id, priority DESC, due_on, reference)
    WHERE state <> 'closed';
CREATE INDEX cases_open_programme_worklist
    ON cases (team_organisation_id, programme_id, priority DESC, due_on, reference)
    WHERE state <> 'closed';

-- Disabled Facilities Grant applications on home adaptations cases: the whole application as
-- JSON (means test, milestones, contractor jobs), with the columns the timescale dashboard
-- reads. `urgent` is 0 or 1.
CREATE TABLE dfg_applications (
    case_id      TEXT PRIMARY KEY REFERENCES cases (id),
    urgent       BIGINT NOT NULL,
    enquiry_on   TEXT NOT NULL,
    completed_on TEXT,
    grant_pence  BIGINT,
    application  TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL
);
