//! Letters from templates, and when they are due.
//!
//! In the Waiting Well evaluation 31% of people did not remember being contacted and follow-up
//! was "minimal". So a case that could not be reached after the programme's number of attempts
//! is due a "we tried to reach you" letter, and a case with actions in progress is due a
//! follow-up letter once the programme's follow-up interval has passed since anything was last
//! done. A template names its fields as `{{field}}`; rendering refuses a template that names a
//! field it does not know, so a typo never reaches a person's doormat.

use chrono::NaiveDate;
use serde::Serialize;

use super::case::{CaseState, CaseStatus};
use super::Programme;

/// A letter template.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize)]
pub struct LetterTemplate {
    /// Short stable code, used in URLs and the case log.
    pub code: &'static str,
    /// The letter's heading.
    pub title: &'static str,
    /// The body, with `{{field}}` placeholders (see [`LetterFacts`]).
    pub body: &'static str,
}

/// "We tried to reach you": after the programme's contact attempts all failed.
pub const TRIED_TO_REACH: LetterTemplate = LetterTemplate {
    code: "tried-to-reach",
    title: "We tried to reach you",
    body: "Dear {{name}},\n\n\
        We are the {{programme}} team at {{team}}. We tried to contact you {{attempts}} times \
        about support while you wait, but could not reach you.\n\n\
        We may be able to help with things at home, money, or getting out and about. If you \
        would like to talk, please contact us and quote {{reference}}.\n\n\
        If you do not want us to contact you again, let us know and we will close your record.\n\n\
        Yours sincerely,\n{{team}}\n{{date}}",
};

/// A follow-up while actions are in progress.
pub const FOLLOW_UP: LetterTemplate = LetterTemplate {
    code: "follow-up",
    title: "Checking in on the help we arranged",
    body: "Dear {{name}},\n\n\
        The {{programme}} team at {{team}} arranged some help for you. We are writing to check \
        it is going as it should. If anything has not happened, or you need something else, \
        please contact us and quote {{reference}}.\n\n\
        Yours sincerely,\n{{team}}\n{{date}}",
};

/// Every template.
pub const TEMPLATES: [LetterTemplate; 2] = [TRIED_TO_REACH, FOLLOW_UP];

/// The template with this code.
pub fn template(code: &str) -> Option<LetterTemplate> {
    TEMPLATES.into_iter().find(|t| t.code == code)
}

/// What a letter may say about its case.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct LetterFacts {
    /// The person's name.
    pub name: String,
    /// The case reference.
    pub reference: String,
    /// The programme's name.
    pub programme: String,
    /// The team's (organisation's) name.
    pub team: String,
    /// Contact attempts so far.
    pub attempts: u32,
    /// The letter's date.
    pub date: NaiveDate,
}

/// A template that names a field no letter has.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("letter template {template}: {{{{{field}}}}} is not a field (use name, reference, programme, team, attempts or date)")]
pub struct UnknownField {
    /// The template.
    pub template: String,
    /// The field it named.
    pub field: String,
}

/// The letter's text.
pub fn render(t: &LetterTemplate, facts: &LetterFacts) -> Result<String, UnknownField> {
    let mut out = String::with_capacity(t.body.len() + 64);
    let mut rest = t.body;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let close = after.find("}}").unwrap_or(after.len());
        let field = after[..close].trim();
        let value = match field {
            "name" => facts.name.clone(),
            "reference" => facts.reference.clone(),
            "programme" => facts.programme.clone(),
            "team" => facts.team.clone(),
            "attempts" => facts.attempts.to_string(),
            "date" => facts.date.format("%-d %B %Y").to_string(),
            other => {
                return Err(UnknownField {
                    template: t.code.to_owned(),
                    field: other.to_owned(),
                })
            }
        };
        out.push_str(&value);
        rest = after.get(close + 2..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

/// The note a sent letter leaves in the case log, so the log shows every letter and a letter
/// is not due twice.
pub fn sent_note(t: &LetterTemplate) -> String {
    format!("Letter sent: {}", t.title)
}

/// The letters a case is due as of `today`, given when anything was last done on it and the
/// notes already in its log.
pub fn due<'a>(
    status: &CaseStatus,
    programme: &Programme,
    last_activity: NaiveDate,
    today: NaiveDate,
    notes: impl IntoIterator<Item = &'a str>,
) -> Vec<LetterTemplate> {
    let notes: Vec<&str> = notes.into_iter().collect();
    let sent_since = |t: &LetterTemplate| notes.iter().any(|n| *n == sent_note(t));
    let mut out = Vec::new();
    if status.state == CaseState::NotReached && !sent_since(&TRIED_TO_REACH) {
        out.push(TRIED_TO_REACH);
    }
    let waited = (today - last_activity).num_days();
    if status.state == CaseState::ActionsInProgress
        && waited >= i64::from(programme.service_levels.follow_up_days)
    {
        out.push(FOLLOW_UP);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisation::OrganisationId;
    use crate::programme::case::{CaseEvent, Channel, ContactResult};
    use crate::programme::catalogue;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn facts() -> LetterFacts {
        LetterFacts {
            name: "Margaret Brown".into(),
            reference: "WW-202603-00042".into(),
            programme: "Waiting Well".into(),
            team: "Great Yarmouth Borough Council".into(),
            attempts: 3,
            date: date(2026, 3, 9),
        }
    }

    #[test]
    fn a_letter_fills_every_field() {
        let text = render(&TRIED_TO_REACH, &facts()).unwrap();
        assert!(text.starts_with("Dear Margaret Brown,"));
        assert!(text.contains("tried to contact you 3 times"));
        assert!(text.contains("quote WW-202603-00042"));
        assert!(text.ends_with("9 March 2026"));
        assert!(!text.contains("{{"));
    }

    #[test]
    fn a_template_naming_an_unknown_field_is_refused() {
        let t = LetterTemplate {
            code: "typo",
            title: "Typo",
            body: "Dear {{nmae}}",
        };
        assert_eq!(render(&t, &facts()).unwrap_err().field, "nmae");
    }

    #[test]
    fn someone_not_reached_is_due_one_letter_and_only_once() {
        let p = catalogue::waiting_well(OrganisationId::for_code("E07000145"));
        let mut s = CaseStatus::referred(p.host);
        let miss = CaseEvent::Contact {
            channel: Channel::Phone,
            result: ContactResult::NoAnswer,
        };
        let today = date(2026, 3, 9);
        for _ in 0..p.service_levels.max_contact_attempts {
            assert!(due(&s, &p, today, today, []).is_empty());
            s.apply(&miss, &p).unwrap();
        }
        assert_eq!(due(&s, &p, today, today, []), [TRIED_TO_REACH]);
        let note = sent_note(&TRIED_TO_REACH);
        assert!(due(&s, &p, today, today, [note.as_str()]).is_empty());
    }
}
