//! Waiting Well: reaching people on orthopaedic waiting lists before their operation, to find
//! and meet needs (home alterations, social prescribing, welfare rights, housing help,
//! physiotherapy) that would otherwise make recovery harder.
//!
//! Prioritisation is a documented points rule over what the linked district datasets say:
//! each factor adds its points, capped at 100, and the outreach worklist is sorted by points
//! then by the date contact is due.

use serde::{Deserialize, Serialize};

use super::case::stored_enum;

stored_enum!(
    /// Something the linked datasets say about a person on the waiting list.
    RiskFlag {
        /// Lives alone (council tax single-person discount).
        LivesAlone => "lives_alone",
        /// In fuel poverty (energy support or low-income, low-efficiency home).
        FuelPoverty => "fuel_poverty",
        /// Home in disrepair (housing standards record).
        Disrepair => "disrepair",
        /// Receives a means-tested benefit (housing benefit or council tax support).
        BenefitsFlag => "benefits",
    }
);

impl RiskFlag {
    /// Points this factor adds.
    pub fn points(self) -> u32 {
        match self {
            Self::LivesAlone => 20,
            Self::FuelPoverty => 15,
            Self::Disrepair => 15,
            Self::BenefitsFlag => 10,
        }
    }
}

/// A waiting-list entry after linkage: how long they have waited and what was found.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Prioritised {
    /// Weeks on the waiting list.
    pub weeks_waiting: u32,
    /// Flags from the linked district datasets.
    pub flags: Vec<RiskFlag>,
}

/// Points for the wait alone: 1 a week beyond 18 weeks (the referral-to-treatment standard),
/// at most 40 (reached at 58 weeks).
pub fn wait_points(weeks_waiting: u32) -> u32 {
    weeks_waiting.saturating_sub(18).min(40)
}

impl Prioritised {
    /// The priority, 0 to 100: wait points plus each flag's points (each flag counted once).
    pub fn priority(&self) -> u32 {
        let mut flags = self.flags.clone();
        flags.sort_by_key(|f| f.as_str());
        flags.dedup();
        (wait_points(self.weeks_waiting) + flags.iter().map(|f| f.points()).sum::<u32>()).min(100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn someone_living_alone_in_a_cold_home_outranks_a_longer_wait_with_no_flags() {
        let alone_cold = Prioritised {
            weeks_waiting: 30,
            flags: vec![RiskFlag::LivesAlone, RiskFlag::FuelPoverty],
        };
        let long_wait = Prioritised {
            weeks_waiting: 52,
            flags: vec![],
        };
        assert!(alone_cold.priority() > long_wait.priority());
    }

    #[test]
    fn a_flag_counted_twice_adds_its_points_once_and_the_total_is_capped() {
        let twice = Prioritised {
            weeks_waiting: 18,
            flags: vec![RiskFlag::Disrepair, RiskFlag::Disrepair],
        };
        assert_eq!(twice.priority(), RiskFlag::Disrepair.points());
        let everything = Prioritised {
            weeks_waiting: 104,
            flags: RiskFlag::ALL.to_vec(),
        };
        assert_eq!(everything.priority(), 100);
    }
}
