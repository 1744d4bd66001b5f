//! Indicators: one versioned definition per metric, and the values measured for areas and periods.

use std::fmt;

use goldthread_stats::compare::compare_with_benchmark_value;
use goldthread_stats::{Comparison, ConfidenceLevel, Estimate, Polarity, StatsError};
use serde::{Deserialize, Serialize};

use crate::ids::{GssCode, ParseIdError};

/// An indicator's code: the Fingertips indicator ID ("93015") or a partner's own code
/// ("NW-SMOKING-QUITS"). Letters, digits, '-', '_' and '.', at most 40 characters.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct IndicatorCode(String);

impl IndicatorCode {
    /// Parses a code, trimming spaces.
    pub fn parse(input: &str) -> Result<Self, ParseIdError> {
        let s = input.trim();
        if s.is_empty() || s.len() > 40 {
            return Err(ParseIdError::new(
                "indicator code",
                "must be 1 to 40 characters",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            return Err(ParseIdError::new(
                "indicator code",
                format!("{s:?} may hold only letters, digits, '-', '_' and '.'"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for IndicatorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for IndicatorCode {
    type Error = ParseIdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<IndicatorCode> for String {
    fn from(c: IndicatorCode) -> String {
        c.0
    }
}

/// How a value is computed from its count and denominator, when they are given.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueMethod {
    /// A proportion with Wilson score limits (× multiplier, usually 100 for a percentage).
    Proportion,
    /// A crude rate with Byar's / exact Poisson limits (× multiplier, e.g. per 100,000).
    CrudeRate,
    /// Published as given (modelled estimates, life expectancy, standardised rates imported
    /// with their limits): goldthread does not recompute it.
    AsPublished,
    /// A total (e.g. bed days saved): the value is the count itself, with no interval, and it
    /// is published as the disclosure rule publishes the count.
    Count,
}

impl ValueMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueMethod::Proportion => "proportion",
            ValueMethod::CrudeRate => "crude_rate",
            ValueMethod::AsPublished => "as_published",
            ValueMethod::Count => "count",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        match s {
            "proportion" => Ok(ValueMethod::Proportion),
            "crude_rate" | "rate" => Ok(ValueMethod::CrudeRate),
            "as_published" => Ok(ValueMethod::AsPublished),
            "count" => Ok(ValueMethod::Count),
            other => Err(ParseIdError::new(
                "value method",
                format!("{other:?}: use proportion, crude_rate, count or as_published"),
            )),
        }
    }
}

/// How an area is compared with England, as in the Fingertips metadata.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkMethod {
    /// "Confidence intervals overlapping reference value (95.0)".
    CiOverlapsReference95,
    /// "Confidence intervals overlapping reference value (99.8)".
    CiOverlapsReference998,
    /// "No comparison" (e.g. modelled estimates).
    NoComparison,
}

impl BenchmarkMethod {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            BenchmarkMethod::CiOverlapsReference95 => "ci_overlaps_reference_95",
            BenchmarkMethod::CiOverlapsReference998 => "ci_overlaps_reference_99.8",
            BenchmarkMethod::NoComparison => "no_comparison",
        }
    }

    /// The Fingertips wording.
    pub fn label(self) -> &'static str {
        match self {
            BenchmarkMethod::CiOverlapsReference95 => {
                "Confidence intervals overlapping reference value (95.0)"
            }
            BenchmarkMethod::CiOverlapsReference998 => {
                "Confidence intervals overlapping reference value (99.8)"
            }
            BenchmarkMethod::NoComparison => "No comparison",
        }
    }

    /// Reads a stored name, or the short forms "95", "99.8" and "none".
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        match s.trim() {
            "ci_overlaps_reference_95" | "95" => Ok(Self::CiOverlapsReference95),
            "ci_overlaps_reference_99.8" | "99.8" => Ok(Self::CiOverlapsReference998),
            "no_comparison" | "none" => Ok(Self::NoComparison),
            other => Err(ParseIdError::new(
                "benchmark method",
                format!("{other:?}: use 95, 99.8 or none"),
            )),
        }
    }
}

/// One version of an indicator's definition: the data dictionary entry that travels with
/// every chart and export of it.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct IndicatorDefinition {
    /// The indicator's code.
    pub code: IndicatorCode,
    /// Version of this definition (1, 2, ...); a changed definition is a new version.
    pub version: u32,
    /// Short name.
    pub name: String,
    /// What is measured, in words (numerator, denominator, population).
    pub definition: String,
    /// Where the data come from.
    pub source: String,
    /// Unit shown with values ("%", "per 100,000", "years").
    pub unit: String,
    /// Theme it is filed under on the dashboard ("Healthy lives", "Wider determinants", ...).
    pub theme: String,
    /// Whether higher is better.
    #[serde(with = "polarity_serde")]
    pub polarity: Polarity,
    /// How values are (re)computed from counts.
    pub method: ValueMethod,
    /// Multiplier for computed values (100 for a percentage).
    pub multiplier: f64,
    /// How areas are compared with England.
    pub benchmark: BenchmarkMethod,
    /// Date the data were extracted or published (YYYY-MM-DD): the "as of" date.
    pub as_of: String,
}

/// Stored names of polarities, shared by the store and the exports.
pub mod polarity_serde {
    use goldthread_stats::Polarity;
    use serde::{Deserialize, Deserializer, Serializer};

    /// The stored name of a polarity.
    pub fn name(p: Polarity) -> &'static str {
        match p {
            Polarity::HighIsGood => "high_is_good",
            Polarity::LowIsGood => "low_is_good",
            Polarity::NoJudgement => "no_judgement",
        }
    }

    /// Serialises a polarity as its stored name.
    pub fn serialize<S: Serializer>(p: &Polarity, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name(*p))
    }

    /// Reads any spelling `Polarity::from_str` accepts.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Polarity, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A time period as Fingertips labels it ("2015", "2015/16", "2021 - 23"), with its sort key.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
pub struct Period {
    /// Year × 10000 of the period's start, Fingertips' "Time period Sortable".
    pub sortable: u32,
    /// The label as published.
    pub label: String,
}

impl Period {
    /// Reads a Fingertips period label: it must start with a four-digit year.
    pub fn parse(label: &str) -> Result<Self, ParseIdError> {
        let label = label.trim();
        let year: u32 = label
            .get(..4)
            .and_then(|y| y.parse().ok())
            .filter(|y| (1900..=2100).contains(y))
            .ok_or_else(|| {
                ParseIdError::new(
                    "time period",
                    format!("{label:?} does not start with a year"),
                )
            })?;
        // A month "2024-07" sorts within its year, as Fingertips' sortable months do.
        let month = match label.as_bytes() {
            [_, _, _, _, b'-', m1, m2] => std::str::from_utf8(&[*m1, *m2])
                .ok()
                .and_then(|m| m.parse::<u32>().ok())
                .filter(|m| (1..=12).contains(m))
                .unwrap_or(0),
            _ => 0,
        };
        Ok(Self {
            sortable: year * 10000 + month * 100,
            label: label.to_owned(),
        })
    }
}

/// Sex breakdown of a value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Everyone.
    Persons,
    /// Males.
    Male,
    /// Females.
    Female,
}

impl Sex {
    /// The Fingertips label.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Persons => "Persons",
            Sex::Male => "Male",
            Sex::Female => "Female",
        }
    }

    /// Reads "Persons", "Male", "Female" (any case); "NA" and blank mean persons.
    pub fn parse(s: &str) -> Result<Self, ParseIdError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "persons" | "all" | "na" | "" => Ok(Sex::Persons),
            "male" | "males" => Ok(Sex::Male),
            "female" | "females" => Ok(Sex::Female),
            other => Err(ParseIdError::new(
                "sex",
                format!("{other:?}: use Persons, Male or Female"),
            )),
        }
    }
}

/// One published value of an indicator for an area, period and sex.
#[derive(Clone, PartialEq, Debug, Serialize, Deserialize)]
pub struct IndicatorValue {
    /// Which indicator.
    pub indicator: IndicatorCode,
    /// The area (E92000001 for England).
    pub area: GssCode,
    /// The area's name as the source gives it.
    pub area_name: String,
    /// Time period.
    pub period: Period,
    /// Sex breakdown.
    pub sex: Sex,
    /// The value; `None` when missing or suppressed at source.
    pub value: Option<f64>,
    /// Lower 95% confidence limit.
    pub lower: Option<f64>,
    /// Upper 95% confidence limit.
    pub upper: Option<f64>,
    /// Lower 99.8% confidence limit.
    pub lower_998: Option<f64>,
    /// Upper 99.8% confidence limit.
    pub upper_998: Option<f64>,
    /// Numerator, where published.
    pub count: Option<f64>,
    /// Denominator, where published.
    pub denominator: Option<f64>,
    /// The source's own "compared with England" call, kept to check ours against.
    #[serde(with = "comparison_serde")]
    pub source_call: Option<Comparison>,
    /// The source's value note.
    pub note: String,
}

/// Comparison labels as text, `None` as null.
pub mod comparison_serde {
    use goldthread_stats::Comparison;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Serialises the Fingertips label.
    pub fn serialize<S: Serializer>(c: &Option<Comparison>, s: S) -> Result<S::Ok, S::Error> {
        match c {
            Some(c) => s.serialize_str(c.label()),
            None => s.serialize_none(),
        }
    }

    /// Reads a Fingertips label.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Comparison>, D::Error> {
        let s = Option::<String>::deserialize(d)?;
        s.map(|s| s.parse().map_err(serde::de::Error::custom))
            .transpose()
    }
}

impl IndicatorValue {
    /// The value with the limits of the definition's benchmark confidence level.
    pub fn estimate(&self, benchmark: BenchmarkMethod) -> Option<Estimate> {
        let (lower, upper) = match benchmark {
            BenchmarkMethod::CiOverlapsReference998 => (self.lower_998, self.upper_998),
            _ => (self.lower, self.upper),
        };
        self.value.map(|value| Estimate {
            value,
            lower,
            upper,
        })
    }

    /// goldthread's own call against England's value, by the definition's benchmark method.
    pub fn compare_with(&self, def: &IndicatorDefinition, england: Option<f64>) -> Comparison {
        match (def.benchmark, self.estimate(def.benchmark), england) {
            (BenchmarkMethod::NoComparison, _, _) | (_, None, _) | (_, _, None) => {
                Comparison::NotCompared
            }
            (_, Some(est), Some(eng)) => compare_with_benchmark_value(&est, eng, def.polarity),
        }
    }

    /// Recomputes value and 95%/99.8% limits from count and denominator by the definition's
    /// method; leaves the value as published when there is nothing to recompute from.
    pub fn recompute(&mut self, def: &IndicatorDefinition) -> Result<(), StatsError> {
        if def.method == ValueMethod::Count {
            if let Some(count) = self.count {
                if !count.is_finite() {
                    return Err(StatsError::NotFinite {
                        field: "count",
                        value: count,
                    });
                }
                if count < 0.0 {
                    return Err(StatsError::Negative {
                        field: "count",
                        value: count,
                    });
                }
                self.value = Some(count);
                (self.lower, self.upper, self.lower_998, self.upper_998) = (None, None, None, None);
            }
            return Ok(());
        }
        let (Some(count), Some(denominator)) = (self.count, self.denominator) else {
            return Ok(());
        };
        let compute = |level: ConfidenceLevel| -> Result<Option<Estimate>, StatsError> {
            Ok(match def.method {
                ValueMethod::Proportion => Some(goldthread_stats::proportion(
                    count,
                    denominator,
                    level,
                    def.multiplier,
                )?),
                ValueMethod::CrudeRate => Some(
                    goldthread_stats::crude_rate(count, denominator, level, def.multiplier)?
                        .estimate,
                ),
                ValueMethod::AsPublished | ValueMethod::Count => None,
            })
        };
        if let Some(e95) = compute(ConfidenceLevel::NINETY_FIVE)? {
            let e998 = compute(ConfidenceLevel::NINETY_NINE_POINT_EIGHT)?.unwrap_or(e95);
            self.value = Some(e95.value);
            (self.lower, self.upper) = (e95.lower, e95.upper);
            (self.lower_998, self.upper_998) = (e998.lower, e998.upper);
        }
        Ok(())
    }
}

/// England's area code.
pub const ENGLAND: &str = "E92000001";

/// Whether an area code is England's.
pub fn is_england(code: &GssCode) -> bool {
    code.as_str() == ENGLAND
}
