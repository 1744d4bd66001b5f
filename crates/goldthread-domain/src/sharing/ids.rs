//! Identifiers of accounts, datasets and cohorts: random UUIDs, parsed once at the edge.

use serde::{Deserialize, Serialize};

use crate::ParseIdError;

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new_random() -> Self {
                Self(uuid::Uuid::new_v4())
            }

            /// The id a name always maps to (for demo data that must be stable).
            pub fn for_name(name: &str) -> Self {
                Self(uuid::Uuid::new_v5(
                    &uuid::Uuid::NAMESPACE_OID,
                    format!(concat!("goldthread-", $what, ":{}"), name).as_bytes(),
                ))
            }

            /// Parses the hyphenated form.
            pub fn parse(s: &str) -> Result<Self, ParseIdError> {
                uuid::Uuid::parse_str(s.trim()).map(Self).map_err(|_| {
                    ParseIdError::new($what, format!("{s:?} is not a {} id", $what))
                })
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

uuid_id!(
    /// A person's account.
    AccountId,
    "account"
);
uuid_id!(
    /// An uploaded dataset.
    DatasetId,
    "dataset"
);
uuid_id!(
    /// A linked cohort.
    CohortId,
    "cohort"
);
uuid_id!(
    /// A linkage job run under an agreement.
    LinkageJobId,
    "linkage job"
);
