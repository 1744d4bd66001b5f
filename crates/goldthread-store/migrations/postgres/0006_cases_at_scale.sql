-- Case work at scale: worklists served from indexes over open cases only (closed cases are
-- most of a year's rows and never on a worklist).

CREATE INDEX cases_open_worklist
    ON cases (team_organisation_id, priority DESC, due_on, reference)
    WHERE state <> 'closed';
CREATE INDEX cases_open_programme_worklist
    ON cases (team_organisation_id, programme_id, priority DESC, due_on, reference)
    WHERE state <> 'closed';
