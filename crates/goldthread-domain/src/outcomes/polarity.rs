//! Checking an indicator's polarity against the source's own calls before trusting metadata.
//!
//! Metadata catalogues are known to carry wrong polarities (a proof-of-concept catalogue marks
//! healthy life expectancy "low is good"). A Fingertips file's "Better"/"Worse" calls reveal
//! the polarity Fingertips used: an area above England called Better means high is good.

use goldthread_stats::{Comparison, Polarity};
use serde::Serialize;

use super::fingertips::england_values;
use super::indicator::{IndicatorCode, IndicatorValue};
use super::ImportError;

/// Counts of calls that imply each polarity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PolarityEvidence {
    /// Better above England or Worse below it.
    pub high_is_good: usize,
    /// Better below England or Worse above it.
    pub low_is_good: usize,
    /// Higher or Lower calls (no judgement).
    pub no_judgement: usize,
}

impl PolarityEvidence {
    /// Reads the evidence in one indicator's rows against England's value for the same
    /// period and sex.
    pub fn from_calls(values: &[IndicatorValue], code: &IndicatorCode) -> Self {
        let england = england_values(values);
        let mut e = Self::default();
        for v in values.iter().filter(|v| &v.indicator == code) {
            let (Some(call), Some(x)) = (v.source_call, v.value) else {
                continue;
            };
            let Some(eng) = england.get(&(code.clone(), v.period.label.clone(), v.sex)) else {
                continue;
            };
            match call {
                Comparison::Better if x > *eng => e.high_is_good += 1,
                Comparison::Worse if x < *eng => e.high_is_good += 1,
                Comparison::Better if x < *eng => e.low_is_good += 1,
                Comparison::Worse if x > *eng => e.low_is_good += 1,
                Comparison::Higher | Comparison::Lower => e.no_judgement += 1,
                _ => {}
            }
        }
        e
    }

    /// The polarity the calls imply, when they imply one unanimously.
    pub fn implied(&self) -> Option<Polarity> {
        match (self.high_is_good, self.low_is_good, self.no_judgement) {
            (h, 0, 0) if h > 0 => Some(Polarity::HighIsGood),
            (0, l, 0) if l > 0 => Some(Polarity::LowIsGood),
            (0, 0, n) if n > 0 => Some(Polarity::NoJudgement),
            _ => None,
        }
    }

    /// The polarity to use: the declared one if the calls do not contradict it, else the
    /// implied one, else "no judgement". A contradiction is an error.
    pub fn check(
        &self,
        code: &IndicatorCode,
        declared: Option<Polarity>,
    ) -> Result<Polarity, ImportError> {
        let mixed = [self.high_is_good, self.low_is_good, self.no_judgement]
            .iter()
            .filter(|n| **n > 0)
            .count()
            > 1;
        if mixed {
            return Err(ImportError::Polarity {
                indicator: code.to_string(),
                reason: format!(
                    "the file's calls disagree among themselves ({} imply high is good, {} low is \
                     good, {} no judgement)",
                    self.high_is_good, self.low_is_good, self.no_judgement
                ),
            });
        }
        match (declared, self.implied()) {
            (Some(d), Some(i)) if d != i => Err(ImportError::Polarity {
                indicator: code.to_string(),
                reason: format!(
                    "the metadata says {d:?} but the file's Better/Worse calls imply {i:?}; \
                     correct the metadata"
                ),
            }),
            (Some(d), _) => Ok(d),
            (None, Some(i)) => Ok(i),
            (None, None) => Ok(Polarity::NoJudgement),
        }
    }
}
