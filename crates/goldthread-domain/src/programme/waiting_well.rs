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

/// Words in a housing register's reason that say the home is cold (fuel poverty).
const COLD_HOME: [&str; 6] = ["cold", "damp", "heating", "fuel", "energy", "mould"];
/// Words in a housing register's reason that say the home is in disrepair.
const DISREPAIR: [&str; 6] = ["disrepair", "repair", "hazard", "unsafe", "unfit", "leak"];

/// What the district's own linked records say about one person, read from the shareable fields
/// of its datasets (housing register, benefits caseload).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DistrictRecord<'a> {
    /// The housing register's `household_size`, if the person is on it.
    pub household_size: Option<&'a str>,
    /// The housing register's `reason`, if the person is on it.
    pub housing_reason: Option<&'a str>,
    /// The benefits caseload's `benefit` entries for the person (any means-tested award).
    pub benefits: Vec<&'a str>,
}

impl DistrictRecord<'_> {
    /// The programme's rule from the district's records to risk flags:
    /// - lives alone: a household of one on the housing register;
    /// - fuel poverty: the housing reason speaks of a cold home (cold, damp, heating, fuel,
    ///   energy, mould);
    /// - disrepair: the housing reason speaks of disrepair (disrepair, repair, hazard, unsafe,
    ///   unfit, leak);
    /// - benefits: any award on the benefits caseload.
    ///
    /// Each flag is given once, in [`RiskFlag::ALL`] order.
    pub fn flags(&self) -> Vec<RiskFlag> {
        let reason = self.housing_reason.unwrap_or("").to_lowercase();
        let mentions = |words: &[&str]| words.iter().any(|w| reason.contains(w));
        let mut flags = Vec::new();
        if self.household_size.map(str::trim) == Some("1") {
            flags.push(RiskFlag::LivesAlone);
        }
        if mentions(&COLD_HOME) {
            flags.push(RiskFlag::FuelPoverty);
        }
        if mentions(&DISREPAIR) {
            flags.push(RiskFlag::Disrepair);
        }
        if !self.benefits.is_empty() {
            flags.push(RiskFlag::BenefitsFlag);
        }
        flags
    }

    /// The person's place on the outreach worklist: their wait and these flags.
    pub fn prioritise(&self, weeks_waiting: u32) -> Prioritised {
        Prioritised {
            weeks_waiting,
            flags: self.flags(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_district_records_give_the_flags_the_rule_names() {
        let alone_cold = DistrictRecord {
            household_size: Some("1"),
            housing_reason: Some("Damp and no working heating"),
            benefits: vec![],
        };
        assert_eq!(
            alone_cold.flags(),
            vec![RiskFlag::LivesAlone, RiskFlag::FuelPoverty]
        );
        let family_disrepair = DistrictRecord {
            household_size: Some("4"),
            housing_reason: Some("Landlord will not repair the roof"),
            benefits: vec!["housing_benefit"],
        };
        assert_eq!(
            family_disrepair.flags(),
            vec![RiskFlag::Disrepair, RiskFlag::BenefitsFlag]
        );
        assert!(DistrictRecord::default().flags().is_empty());
        // 40 weeks: 22 wait points; alone (20) and cold (15).
        assert_eq!(alone_cold.prioritise(40).priority(), 22 + 20 + 15);
    }

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
