//! The Fellegi-Sunter model: per-field m and u probabilities for each
//! comparison level, the prior match rate, and scoring with explanations.
use serde::{Deserialize, Serialize};

use crate::compare::{compare, level_labels, NULL};
use crate::prepare::Prepared;

/// Bits per field in a packed comparison pattern.
pub const BITS: u32 = 4;

/// Largest term-frequency adjustment, in bits, either way.
const TF_CAP: f64 = 8.0;

/// Probabilities for one field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldModel {
    /// Field name.
    pub name: String,
    /// Level labels, index = level (0 = missing).
    pub labels: Vec<String>,
    /// P(level | match), index = level; entry 0 unused.
    pub m: Vec<f64>,
    /// P(level | non-match), index = level; entry 0 unused.
    pub u: Vec<f64>,
    /// Whether exact agreement is adjusted for how common the value is.
    pub term_frequency: bool,
}

impl FieldModel {
    /// Match weight (log2 Bayes factor) of a level; 0 for missing.
    pub fn weight(&self, level: u8) -> f64 {
        if level == NULL {
            return 0.0;
        }
        let l = level as usize;
        (self.m[l] / self.u[l]).log2()
    }

    /// The highest (exact) level.
    pub fn top(&self) -> u8 {
        (self.m.len() - 1) as u8
    }
}

/// A trained model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Model {
    /// One entry per field, in spec order.
    pub fields: Vec<FieldModel>,
    /// Prior probability that two random records match.
    pub prior: f64,
    /// Estimated number of matching pairs among all pairs.
    pub expected_matches: f64,
    /// Problems found in training that did not stop it.
    pub warnings: Vec<String>,
}

/// One field's part in a pair's score.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// Field name.
    pub field: String,
    /// Comparison level label.
    pub level: String,
    /// Weight of the level, in bits.
    pub weight: f64,
    /// Term-frequency adjustment, in bits (0 when not applied).
    pub tf_adjustment: f64,
}

/// Why a pair got its score.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    /// Prior weight log2(prior / (1 - prior)).
    pub prior_weight: f64,
    /// Per-field contributions.
    pub fields: Vec<Contribution>,
    /// Total match weight.
    pub match_weight: f64,
    /// Match probability.
    pub match_probability: f64,
}

impl Explanation {
    /// Compact one-line text: `field:level(+w.w)` for each field.
    pub fn to_compact(&self) -> String {
        self.fields
            .iter()
            .map(|c| {
                format!(
                    "{}:{}({:+.1})",
                    c.field,
                    c.level,
                    c.weight + c.tf_adjustment
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Turns a match weight into a probability.
pub fn probability(weight: f64) -> f64 {
    1.0 / (1.0 + (-weight).exp2())
}

/// Packs per-field levels into one integer.
#[inline]
pub fn pack(levels: impl Iterator<Item = u8>) -> u64 {
    levels.enumerate().fold(0u64, |acc, (f, l)| {
        acc | (u64::from(l) << (BITS * f as u32))
    })
}

/// Level of field `f` in a packed pattern.
#[inline]
pub fn unpack(pattern: u64, f: usize) -> u8 {
    ((pattern >> (BITS * f as u32)) & 0xf) as u8
}

/// Compares two records on every field and packs the levels. Given name
/// and surname written the other way round are compared crosswise.
#[inline]
pub fn pattern(prep: &Prepared, i: u32, j: u32) -> u64 {
    let mut p = pack(prep.fields.iter().map(|f| compare(f, &prep.aliases, i, j)));
    if let Some((g, s)) = prep.name_pair {
        if unpack(p, g) == 1 && unpack(p, s) == 1 {
            if let Some((lg, ls)) = prep.swapped_levels(i, j) {
                p &= !(0xf << (BITS * g as u32)) & !(0xf << (BITS * s as u32));
                p |= u64::from(lg) << (BITS * g as u32) | u64::from(ls) << (BITS * s as u32);
            }
        }
    }
    p
}

/// Weights precomputed for scoring speed.
pub struct Scorer<'a> {
    model: &'a Model,
    prep: &'a Prepared,
    weights: Vec<Vec<f64>>,
    tf_fields: Vec<usize>,
    prior_weight: f64,
}

impl<'a> Scorer<'a> {
    /// Prepares a scorer for a model over prepared records.
    pub fn new(model: &'a Model, prep: &'a Prepared) -> Self {
        let weights = model
            .fields
            .iter()
            .map(|f| (0..f.m.len()).map(|l| f.weight(l as u8)).collect())
            .collect();
        let tf_fields = model
            .fields
            .iter()
            .enumerate()
            .filter(|(_, f)| f.term_frequency)
            .map(|(i, _)| i)
            .collect();
        Scorer {
            model,
            prep,
            weights,
            tf_fields,
            prior_weight: prior_weight(model.prior),
        }
    }

    /// Match weight of a pattern, without term-frequency adjustment.
    #[inline]
    pub fn pattern_weight(&self, pattern: u64) -> f64 {
        self.weights
            .iter()
            .enumerate()
            .map(|(f, w)| w[unpack(pattern, f) as usize])
            .sum::<f64>()
            + self.prior_weight
    }

    /// Term-frequency adjustment, in bits, for field `f` of records `i` and `j`.
    #[inline]
    fn tf_adjustment(&self, f: usize, level: u8, i: u32) -> f64 {
        let fm = &self.model.fields[f];
        if level != fm.top() {
            return 0.0;
        }
        let field = &self.prep.fields[f];
        let v = field.values[i as usize];
        let freq = field.frequency.get(v as usize).copied().unwrap_or(0.0);
        if freq <= 0.0 {
            return 0.0;
        }
        (fm.u[level as usize] / freq).log2().clamp(-TF_CAP, TF_CAP)
    }

    /// Match weight of records `i` and `j`, with their packed pattern.
    #[inline]
    pub fn score(&self, i: u32, j: u32) -> (f64, u64) {
        let pat = pattern(self.prep, i, j);
        let mut w = self.pattern_weight(pat);
        for &f in &self.tf_fields {
            w += self.tf_adjustment(f, unpack(pat, f), i);
        }
        (w, pat)
    }

    /// Full explanation of the score of records `i` and `j`.
    pub fn explain(&self, i: u32, j: u32) -> Explanation {
        let (w, pat) = self.score(i, j);
        let fields = self
            .model
            .fields
            .iter()
            .enumerate()
            .map(|(f, fm)| {
                let level = unpack(pat, f);
                let tf = if fm.term_frequency {
                    self.tf_adjustment(f, level, i)
                } else {
                    0.0
                };
                Contribution {
                    field: fm.name.clone(),
                    level: fm.labels[level as usize].clone(),
                    weight: fm.weight(level),
                    tf_adjustment: tf,
                }
            })
            .collect();
        Explanation {
            prior_weight: self.prior_weight,
            fields,
            match_weight: w,
            match_probability: probability(w),
        }
    }
}

/// log2 of the prior odds.
pub fn prior_weight(prior: f64) -> f64 {
    let p = prior.clamp(1e-300, 1.0 - 1e-12);
    (p / (1.0 - p)).log2()
}

/// Level labels of each prepared field, as owned strings.
pub fn labels_of(prep: &Prepared) -> Vec<Vec<String>> {
    prep.fields
        .iter()
        .map(|f| {
            level_labels(f.spec.kind, f.encoded)
                .iter()
                .map(|s| s.to_string())
                .collect()
        })
        .collect()
}
