//! Cases: one person in one programme, moved through states by recorded events.
//!
//! The event log is the case's history (every contact attempt with its channel and result,
//! consent and legal basis, needs found, actions, notes, handovers, closure); the state is what
//! the events add up to. [`CaseStatus::apply`] is the single place the rules live: a case must
//! be reached before consent is recorded, have consent (or another legal basis) before needs are
//! assessed, and give a reason and alternatives when someone is found ineligible.

use serde::{Deserialize, Serialize};

use super::{Ineligibility, Programme};
use crate::organisation::OrganisationId;
use crate::ParseIdError;

/// A case's identifier.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CaseId(uuid::Uuid);

impl CaseId {
    /// A fresh identifier.
    pub fn new_random() -> Self {
        Self(uuid::Uuid::new_v4())
    }

    /// A stable identifier derived from a seed (for deterministic demo data).
    pub fn from_seed(seed: &str) -> Self {
        const NS: uuid::Uuid = uuid::Uuid::from_u128(0x2b7e_1516_28ae_4d2a_a6f7_1588_09cf_4f3c);
        Self(uuid::Uuid::new_v5(&NS, seed.as_bytes()))
    }

    /// Parses a UUID.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        uuid::Uuid::parse_str(s.trim())
            .map(Self)
            .map_err(|e| ParseIdError::new("case id", format!("{s:?} is not a UUID: {e}")))
    }
}

impl std::fmt::Display for CaseId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

macro_rules! stored_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident => $s:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $v),* }
        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];
            /// The stored name.
            pub fn as_str(self) -> &'static str { match self { $($name::$v => $s),* } }
            /// Parses a stored name.
            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}
pub(crate) use stored_enum;

stored_enum!(
    /// Where a case is.
    CaseState {
        /// Referred or found on a list; nobody has spoken to them yet.
        Referred => "referred",
        /// Spoken to.
        Contacted => "contacted",
        /// Not reached after the programme's number of attempts.
        NotReached => "not_reached",
        /// Needs assessed and recorded.
        NeedsAssessed => "needs_assessed",
        /// Actions under way.
        ActionsInProgress => "actions_in_progress",
        /// Closed with an outcome.
        Closed => "closed",
    }
);

impl CaseState {
    /// How the state reads to people.
    pub fn label(self) -> &'static str {
        match self {
            Self::Referred => "Referred",
            Self::Contacted => "Contacted",
            Self::NotReached => "Not reached",
            Self::NeedsAssessed => "Needs assessed",
            Self::ActionsInProgress => "Actions in progress",
            Self::Closed => "Closed",
        }
    }
}

stored_enum!(
    /// How a contact was attempted.
    Channel {
        /// Telephone.
        Phone => "phone",
        /// Letter.
        Letter => "letter",
        /// Home visit.
        Visit => "visit",
        /// On the hospital ward.
        Ward => "ward",
        /// Text message.
        Text => "text",
        /// Email.
        Email => "email",
    }
);

stored_enum!(
    /// What came of a contact attempt.
    ContactResult {
        /// Spoke to the person.
        Reached => "reached",
        /// No answer.
        NoAnswer => "no_answer",
        /// Left a message or card.
        LeftMessage => "left_message",
        /// The number or address was wrong.
        WrongDetails => "wrong_details",
        /// Reached, and they did not want help.
        Declined => "declined",
    }
);

stored_enum!(
    /// The lawful basis for processing, recorded with consent at the point of contact.
    LegalBasis {
        /// The person's explicit consent.
        Consent => "consent",
        /// Public task (UK GDPR 6(1)(e)) with health or social care (9(2)(h)).
        PublicTaskHealthAndCare => "public_task_health_and_care",
        /// Vital interests, when the person cannot consent (UK GDPR 6(1)(d), 9(2)(c)).
        VitalInterests => "vital_interests",
    }
);

stored_enum!(
    /// How a case ended.
    Outcome {
        /// Needs found and met.
        NeedsMet => "needs_met",
        /// Contacted; no unmet needs.
        NoNeedsFound => "no_needs_found",
        /// Went home from hospital (District Direct).
        DischargedHome => "discharged_home",
        /// Not eligible; reason and alternatives recorded.
        Ineligible => "ineligible",
        /// Declined help.
        Declined => "declined",
        /// Not reached after every attempt.
        NotReached => "not_reached",
        /// Handed to another organisation.
        HandedOver => "handed_over",
        /// Died.
        Died => "died",
    }
);

/// Consent as recorded when someone is contacted.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Consent {
    /// Whether the person agreed to share their information with the partners involved.
    pub given: bool,
    /// The lawful basis relied on.
    pub basis: LegalBasis,
}

/// Something that happened on a case.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum CaseEvent {
    /// A contact attempt.
    Contact {
        /// How.
        channel: Channel,
        /// What came of it.
        result: ContactResult,
    },
    /// Consent and legal basis, recorded at the point of contact.
    Consent(Consent),
    /// The needs found, by the programme's need codes.
    NeedsAssessed {
        /// Need codes.
        needs: Vec<String>,
    },
    /// An action started, by the programme's action code.
    ActionStarted {
        /// Action code.
        action: String,
        /// What exactly, e.g. "key safe fitted by Broadland Handyperson".
        detail: String,
    },
    /// Found ineligible, with the reason and the alternatives offered.
    Ineligible(Ineligibility),
    /// A free-text note.
    Note {
        /// The note.
        text: String,
    },
    /// Handed to another organisation, with consent recorded.
    Handover {
        /// The receiving organisation.
        to: OrganisationId,
        /// Why.
        reason: String,
    },
    /// Closed with an outcome.
    Closed {
        /// The outcome.
        outcome: Outcome,
        /// A sentence for the record and the referrer.
        summary: String,
    },
}

/// Why an event cannot be recorded on a case.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum CaseError {
    /// The case is closed; only notes may be added.
    #[error("the case is closed; only notes can be added")]
    Closed,
    /// The event needs the case to be in another state.
    #[error("{action} needs the case to be {needed}; it is {current}")]
    WrongState {
        /// What was attempted.
        action: &'static str,
        /// What state it needs.
        needed: &'static str,
        /// Where the case is.
        current: &'static str,
    },
    /// A code not in the programme's taxonomy.
    #[error("{kind} {code:?} is not one of this programme's {kind}s")]
    UnknownCode {
        /// "need" or "action".
        kind: &'static str,
        /// The code.
        code: String,
    },
    /// A required field is empty.
    #[error("{0} must not be empty")]
    Missing(&'static str),
    /// Sharing with another organisation without consent or another basis.
    #[error("a handover needs consent (or another legal basis) recorded first")]
    NoConsent,
}

/// What a case's events add up to.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct CaseStatus {
    /// Current state.
    pub state: CaseState,
    /// The team (organisation) working it.
    pub team: OrganisationId,
    /// Contact attempts so far.
    pub attempts: u32,
    /// Consent and legal basis, once recorded.
    pub consent: Option<Consent>,
    /// Needs found.
    pub needs: Vec<String>,
    /// Actions started.
    pub actions: Vec<String>,
    /// The outcome, once closed.
    pub outcome: Option<Outcome>,
}

impl CaseStatus {
    /// A new case, referred to a team.
    pub fn referred(team: OrganisationId) -> Self {
        Self {
            state: CaseState::Referred,
            team,
            attempts: 0,
            consent: None,
            needs: Vec::new(),
            actions: Vec::new(),
            outcome: None,
        }
    }

    fn lawful(&self) -> bool {
        matches!(&self.consent, Some(c) if c.given || c.basis != LegalBasis::Consent)
    }

    fn require(
        &self,
        action: &'static str,
        needed: &'static str,
        ok: bool,
    ) -> Result<(), CaseError> {
        if ok {
            Ok(())
        } else {
            Err(CaseError::WrongState {
                action,
                needed,
                current: self.state.as_str(),
            })
        }
    }

    /// Applies an event under a programme's rules, or says why it cannot be recorded.
    pub fn apply(&mut self, event: &CaseEvent, programme: &Programme) -> Result<(), CaseError> {
        use CaseState::*;
        if self.state == Closed && !matches!(event, CaseEvent::Note { .. }) {
            return Err(CaseError::Closed);
        }
        match event {
            CaseEvent::Contact { result, .. } => {
                self.attempts += 1;
                let reached = matches!(result, ContactResult::Reached | ContactResult::Declined);
                if reached && matches!(self.state, Referred | NotReached) {
                    self.state = Contacted;
                } else if !reached
                    && self.state == Referred
                    && self.attempts >= programme.service_levels.max_contact_attempts
                {
                    self.state = NotReached;
                }
            }
            CaseEvent::Consent(c) => {
                self.require(
                    "recording consent",
                    "contacted",
                    self.state != Referred && self.state != NotReached,
                )?;
                self.consent = Some(c.clone());
            }
            CaseEvent::NeedsAssessed { needs } => {
                self.require(
                    "assessing needs",
                    "contacted",
                    self.state != Referred && self.state != NotReached,
                )?;
                if !self.lawful() {
                    return Err(CaseError::NoConsent);
                }
                for n in needs {
                    if programme.need(n).is_none() {
                        return Err(CaseError::UnknownCode {
                            kind: "need",
                            code: n.clone(),
                        });
                    }
                }
                self.needs = needs.clone();
                if self.state == Contacted {
                    self.state = NeedsAssessed;
                }
            }
            CaseEvent::ActionStarted { action, .. } => {
                self.require(
                    "starting an action",
                    "needs assessed",
                    matches!(self.state, NeedsAssessed | ActionsInProgress),
                )?;
                if programme.action(action).is_none() {
                    return Err(CaseError::UnknownCode {
                        kind: "action",
                        code: action.clone(),
                    });
                }
                self.actions.push(action.clone());
                self.state = ActionsInProgress;
            }
            CaseEvent::Ineligible(i) => {
                if i.reason.trim().is_empty() {
                    return Err(CaseError::Missing("the reason"));
                }
                if i.alternatives.iter().all(|a| a.trim().is_empty()) {
                    return Err(CaseError::Missing("the alternatives offered"));
                }
                self.close(Outcome::Ineligible);
            }
            CaseEvent::Note { text } => {
                if text.trim().is_empty() {
                    return Err(CaseError::Missing("the note"));
                }
            }
            CaseEvent::Handover { to, reason } => {
                if reason.trim().is_empty() {
                    return Err(CaseError::Missing("the reason for handover"));
                }
                if !self.lawful() {
                    return Err(CaseError::NoConsent);
                }
                self.team = *to;
            }
            CaseEvent::Closed { outcome, summary } => {
                if summary.trim().is_empty() {
                    return Err(CaseError::Missing("the closing summary"));
                }
                self.close(*outcome);
            }
        }
        Ok(())
    }

    fn close(&mut self, outcome: Outcome) {
        self.state = CaseState::Closed;
        self.outcome = Some(outcome);
    }
}

#[cfg(test)]
mod tests;
