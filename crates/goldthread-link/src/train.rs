//! Unsupervised training: u from random pairs, m by expectation-maximisation
//! within each blocking rule (leaving out the fields the rule blocks on,
//! whose agreement the rule forces), and the prior match rate by a
//! fixed-point over all candidate pairs. Then checks that the estimates
//! make sense, and refuses to go on when they do not.
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::blocking::Blocking;
use crate::model::{labels_of, pattern, prior_weight, probability, unpack, FieldModel, Model};
use crate::prepare::Prepared;
use crate::LinkError;

/// Training settings.
#[derive(Debug, Clone)]
pub struct TrainOptions {
    /// Value pairs compared per field to estimate u.
    pub u_pairs: u64,
    /// Candidate pairs sampled for expectation-maximisation.
    pub em_pairs: u64,
    /// Seed for the random pair sample.
    pub seed: u64,
    /// Keep going (with warnings) when estimates look degenerate.
    pub allow_degenerate: bool,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            u_pairs: 640_000,
            em_pairs: 500_000,
            seed: 42,
            allow_degenerate: false,
        }
    }
}

/// Comparison patterns of candidate pairs, counted by (pattern, rule mask).
pub type PatternCounts = FxHashMap<(u64, u32), f64>;

/// Values drawn per side for estimating u.
const U_SAMPLE: usize = 800;

/// Estimates u: `[field][level]`, level 0 unused. Under the model's
/// independence assumption u is per field, so each field compares every
/// pair of a random sample of its values from each side: the same
/// estimate as random record pairs, with many more pairs for the cost and
/// all data in cache. `pairs` caps the comparisons per field.
pub fn estimate_u(prep: &Prepared, pairs: u64, seed: u64) -> Vec<Vec<f64>> {
    let labels = labels_of(prep);
    let per_side = ((pairs as f64).sqrt() as usize).clamp(50, U_SAMPLE);
    prep.fields
        .par_iter()
        .enumerate()
        .map(|(f, field)| {
            let mut rng =
                ChaCha8Rng::seed_from_u64(seed ^ (f as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let mut counts = vec![0.0; labels[f].len()];
            let (left, right) = if prep.is_link() {
                (0..prep.n_left, prep.n_left..prep.len())
            } else {
                (0..prep.len(), 0..prep.len())
            };
            let draw = |rng: &mut ChaCha8Rng, range: std::ops::Range<usize>| -> Vec<u32> {
                let present: Vec<u32> = (0..per_side * 4)
                    .filter_map(|_| {
                        if range.is_empty() {
                            return None;
                        }
                        let v = field.values[rng.gen_range(range.clone())];
                        (v != crate::prepare::MISSING).then_some(v)
                    })
                    .take(per_side)
                    .collect();
                present
            };
            let (a, b) = (draw(&mut rng, left), draw(&mut rng, right));
            for (x, &va) in a.iter().enumerate() {
                for (y, &vb) in b.iter().enumerate() {
                    if !prep.is_link() && x == y {
                        continue;
                    }
                    counts
                        [crate::compare::compare_values(field, &prep.aliases, va, vb) as usize] +=
                        1.0;
                }
            }
            let mut u = normalise_levels(&counts, 0.5);
            if field.spec.multi_value_separator.is_none() {
                exact_u(prep, f, &mut u);
            }
            u
        })
        .collect()
}

/// Replaces the sampled u of exact agreement with its exact value from
/// value frequencies (rare agreement is poorly measured by sampling), and
/// rescales the other levels.
fn exact_u(prep: &Prepared, f: usize, u: &mut [f64]) {
    let field = &prep.fields[f];
    let n = field.entries.len();
    let (mut left, mut right) = (vec![0u32; n], vec![0u32; n]);
    for (i, &v) in field.values.iter().enumerate() {
        if v != crate::prepare::MISSING {
            if i < prep.n_left || !prep.is_link() {
                left[v as usize] += 1;
            } else {
                right[v as usize] += 1;
            }
        }
    }
    let total = |c: &[u32]| c.iter().map(|&x| f64::from(x)).sum::<f64>();
    let (tl, tr) = (total(&left), total(&right));
    let exact = if prep.is_link() {
        if tl == 0.0 || tr == 0.0 {
            return;
        }
        left.iter()
            .zip(&right)
            .map(|(&a, &b)| f64::from(a) * f64::from(b))
            .sum::<f64>()
            / (tl * tr)
    } else {
        if tl < 2.0 {
            return;
        }
        left.iter()
            .map(|&a| f64::from(a) * (f64::from(a) - 1.0))
            .sum::<f64>()
            / (tl * (tl - 1.0))
    };
    let top = u.len() - 1;
    let exact = exact.clamp(1e-12, 0.999_999);
    let rest: f64 = u[1..top].iter().sum();
    if rest <= 0.0 {
        return;
    }
    for x in &mut u[1..top] {
        *x *= (1.0 - exact) / rest;
    }
    u[top] = exact;
}

/// Turns counts per level into probabilities over levels 1.., with a pseudo-count.
fn normalise_levels(counts: &[f64], pseudo: f64) -> Vec<f64> {
    let total: f64 = counts[1..].iter().map(|c| c + pseudo).sum();
    let mut p = vec![0.0; counts.len()];
    for l in 1..counts.len() {
        p[l] = (counts[l] + pseudo) / total;
    }
    p
}

/// Counts comparison patterns over candidate pairs, sampling a share
/// `fraction` of them (chosen by a hash of the pair, so it is deterministic).
pub fn collect_patterns(prep: &Prepared, blocking: &Blocking, fraction: f64) -> PatternCounts {
    let cut = (fraction.clamp(0.0, 1.0) * u64::MAX as f64) as u64;
    blocking.fold_pairs(
        PatternCounts::default,
        |acc, i, j, _| {
            if fraction < 1.0 && pair_hash(i, j) > cut {
                return;
            }
            let key = (pattern(prep, i, j), blocking.rule_mask(i, j));
            *acc.entry(key).or_insert(0.0) += 1.0;
        },
        |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_insert(0.0) += v;
            }
            a
        },
    )
}

/// A well-mixed hash of a pair, for deterministic sampling.
pub fn pair_hash(i: u32, j: u32) -> u64 {
    let mut x = (u64::from(i) << 32 | u64::from(j)).wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Result of expectation-maximisation over one set of patterns.
struct EmFit {
    m: Vec<Vec<f64>>,
    lambda: f64,
    pairs: f64,
}

/// Expectation-maximisation of m and the match share with u fixed; only the
/// fields in `free` are used and re-estimated.
fn em(patterns: &[(u64, f64)], u: &[Vec<f64>], free: &[usize]) -> EmFit {
    let mut m: Vec<Vec<f64>> = u
        .iter()
        .map(|uf| {
            let k = uf.len();
            // Start with most matches agreeing exactly.
            let mut v = vec![0.0; k];
            for (l, x) in v.iter_mut().enumerate().skip(1) {
                *x = if l == k - 1 {
                    0.8
                } else {
                    0.2 / (k - 2).max(1) as f64
                };
            }
            v
        })
        .collect();
    let mut lambda: f64 = 0.1;
    let total: f64 = patterns.iter().map(|p| p.1).sum();
    for _ in 0..200 {
        let mut acc: Vec<Vec<f64>> = u.iter().map(|uf| vec![0.0; uf.len()]).collect();
        let mut matched = 0.0;
        // Log Bayes factor per field and level; level 0 (missing) is 0.
        let lbf: Vec<Vec<f64>> = m
            .iter()
            .zip(u)
            .map(|(mf, uf)| {
                mf.iter()
                    .zip(uf)
                    .enumerate()
                    .map(|(l, (a, b))| if l == 0 { 0.0 } else { (a / b).ln() })
                    .collect()
            })
            .collect();
        let prior = (lambda / (1.0 - lambda)).ln();
        for &(pat, count) in patterns {
            let mut s = prior;
            for &f in free {
                s += lbf[f][unpack(pat, f) as usize];
            }
            let p = 1.0 / (1.0 + (-s).exp());
            matched += p * count;
            for &f in free {
                acc[f][unpack(pat, f) as usize] += p * count;
            }
        }
        let new_lambda = (matched / total.max(1.0)).clamp(1e-9, 1.0 - 1e-9);
        let mut change = (new_lambda - lambda).abs();
        for &f in free {
            let nm = normalise_levels(&acc[f], 0.01);
            change = change.max(
                nm.iter()
                    .zip(&m[f])
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max),
            );
            m[f] = nm;
        }
        lambda = new_lambda;
        if change < 1e-5 {
            break;
        }
    }
    EmFit {
        m,
        lambda,
        pairs: total,
    }
}

/// Fits m per blocking rule and averages the estimates, weighted by the
/// number of matches each rule is thought to hold.
fn fit_m(
    counts: &PatternCounts,
    u: &[Vec<f64>],
    blocking: &Blocking,
) -> (Vec<Vec<f64>>, Vec<String>) {
    let n_fields = u.len();
    let mut sum: Vec<Vec<f64>> = u.iter().map(|x| vec![0.0; x.len()]).collect();
    let mut weight = vec![0.0; n_fields];
    let notes = Vec::new();
    // Rules that block on where people live gather households, whose members
    // share surnames: their non-matches break the independence EM relies on.
    // Use them only for fields that no other rule leaves free.
    // Likewise rules that block on names gather families, who share an
    // address: there location fields are left to rules on other fields.
    let location_rule: Vec<bool> = (0..blocking.rules())
        .map(|r| blocking.rule_is_location(r))
        .collect();
    let usable = |r: usize, f: usize| {
        let blocked = blocking.rule_fields[r].contains(&f);
        let family = blocking.rule_is_name(r) && blocking.field_is_location(f);
        !(blocked || location_rule[r] || family)
    };
    let covered: Vec<bool> = (0..n_fields)
        .map(|f| (0..blocking.rules()).any(|r| usable(r, f)))
        .collect();
    for r in 0..blocking.rules() {
        let mut merged: FxHashMap<u64, f64> = FxHashMap::default();
        for ((p, mask), c) in counts {
            if mask & (1 << r) != 0 {
                *merged.entry(*p).or_insert(0.0) += c;
            }
        }
        let pats: Vec<(u64, f64)> = merged.into_iter().collect();
        let free: Vec<usize> = (0..n_fields)
            .filter(|&f| usable(r, f) || (!covered[f] && !blocking.rule_fields[r].contains(&f)))
            .collect();
        if pats.is_empty() || free.is_empty() {
            continue;
        }
        let fit = em(&pats, u, &free);
        let matches = fit.lambda * fit.pairs;
        for &f in &free {
            for (s, x) in sum[f].iter_mut().zip(&fit.m[f]) {
                *s += matches * x;
            }
            weight[f] += matches;
        }
    }
    let all: Vec<usize> = (0..n_fields).collect();
    let fallback_needed = weight.iter().any(|&w| w <= 0.0);
    let fallback = if fallback_needed {
        let pats: Vec<(u64, f64)> = counts.iter().map(|((p, _), c)| (*p, *c)).collect();
        Some(em(&pats, u, &all))
    } else {
        None
    };
    let m = (0..n_fields)
        .map(|f| {
            if weight[f] > 0.0 {
                sum[f].iter().map(|s| s / weight[f]).collect()
            } else {
                fallback
                    .as_ref()
                    .map(|fit| fit.m[f].clone())
                    .unwrap_or_else(|| u[f].clone())
            }
        })
        .collect();
    (m, notes)
}

/// Estimates the prior match rate over all pairs by a fixed point: the
/// expected number of matches is the sum of match probabilities over
/// candidate pairs (pairs outside the blocks are taken as non-matches).
fn fit_prior(
    counts: &PatternCounts,
    fields: &[FieldModel],
    fraction: f64,
    total_pairs: f64,
) -> f64 {
    let scale = 1.0 / fraction.max(1e-12);
    let weights: Vec<(f64, f64)> = counts
        .iter()
        .map(|((p, _), c)| {
            let w: f64 = fields
                .iter()
                .enumerate()
                .map(|(f, fm)| fm.weight(unpack(*p, f)))
                .sum();
            (w, c * scale)
        })
        .collect();
    let candidates: f64 = weights.iter().map(|x| x.1).sum();
    let mut prior = (candidates * 0.1 / total_pairs.max(1.0)).clamp(1e-15, 0.5);
    for _ in 0..500 {
        let pw = prior_weight(prior);
        let expected: f64 = weights.iter().map(|(w, c)| c * probability(w + pw)).sum();
        let next = (expected / total_pairs.max(1.0)).clamp(1e-15, 0.999);
        if (next - prior).abs() <= prior * 1e-7 {
            prior = next;
            break;
        }
        prior = next;
    }
    prior
}

/// Builds field models from m and u.
fn field_models(prep: &Prepared, m: Vec<Vec<f64>>, u: Vec<Vec<f64>>) -> Vec<FieldModel> {
    labels_of(prep)
        .into_iter()
        .zip(m.into_iter().zip(u))
        .zip(&prep.fields)
        .map(|((labels, (m, u)), f)| FieldModel {
            name: f.spec.name.clone(),
            labels,
            m,
            u,
            term_frequency: f.spec.uses_term_frequency(),
        })
        .collect()
}

/// Trains without labels. `counts` are the sampled candidate patterns and
/// `fraction` the share sampled.
pub fn train_unsupervised(
    prep: &Prepared,
    blocking: &Blocking,
    counts: &PatternCounts,
    fraction: f64,
    opts: &TrainOptions,
) -> crate::Result<Model> {
    let u = estimate_u(prep, opts.u_pairs, opts.seed);
    let (m, notes) = fit_m(counts, &u, blocking);
    finish(
        prep,
        counts,
        fraction,
        field_models(prep, m, u),
        notes,
        opts,
    )
}

/// Trains m from known matching pairs (record numbers), u from random pairs.
pub fn train_with_labels(
    prep: &Prepared,
    counts: &PatternCounts,
    fraction: f64,
    labelled: &[(u32, u32)],
    opts: &TrainOptions,
) -> crate::Result<Model> {
    let u = estimate_u(prep, opts.u_pairs, opts.seed);
    let mut acc: Vec<Vec<f64>> = u.iter().map(|x| vec![0.0; x.len()]).collect();
    for &(i, j) in labelled {
        let p = pattern(prep, i, j);
        for (f, a) in acc.iter_mut().enumerate() {
            a[unpack(p, f) as usize] += 1.0;
        }
    }
    // A handful of labels leaves many levels unseen: a pseudo-count of one
    // keeps their m from being zero.
    let m = acc.iter().map(|a| normalise_levels(a, 1.0)).collect();
    finish(
        prep,
        counts,
        fraction,
        field_models(prep, m, u),
        Vec::new(),
        opts,
    )
}

fn finish(
    prep: &Prepared,
    counts: &PatternCounts,
    fraction: f64,
    fields: Vec<FieldModel>,
    mut warnings: Vec<String>,
    opts: &TrainOptions,
) -> crate::Result<Model> {
    let total = prep.total_pairs();
    let prior = fit_prior(counts, &fields, fraction, total);
    let model = Model {
        fields,
        prior,
        expected_matches: prior * total,
        warnings: Vec::new(),
    };
    let (fatal, mild) = diagnose(prep, &model, counts, fraction);
    warnings.extend(mild);
    if !fatal.is_empty() && !opts.allow_degenerate {
        return Err(LinkError::TrainingFailed(fatal));
    }
    warnings.extend(fatal);
    Ok(Model { warnings, ..model })
}

/// Looks for estimates that cannot be trusted; returns (fatal, mild) findings.
pub fn diagnose(
    prep: &Prepared,
    model: &Model,
    counts: &PatternCounts,
    fraction: f64,
) -> (Vec<String>, Vec<String>) {
    let mut fatal = Vec::new();
    let mut mild = Vec::new();
    let mut useless = 0;
    let compared: Vec<&FieldModel> = model
        .fields
        .iter()
        .zip(&prep.fields)
        .filter(|(_, p)| p.compared)
        .map(|(f, _)| f)
        .collect();
    for f in compared.iter().copied() {
        let tv: f64 =
            f.m.iter()
                .zip(&f.u)
                .skip(1)
                .map(|(m, u)| (m - u).abs())
                .sum::<f64>()
                / 2.0;
        let top = f.top() as usize;
        if tv < 0.05 {
            useless += 1;
            mild.push(format!(
                "field '{}': m and u are indistinguishable (agreement tells nothing)",
                f.name
            ));
        } else if f.m[top] < f.u[top] {
            mild.push(format!(
                "field '{}': exact agreement is estimated as evidence against a match",
                f.name
            ));
        }
    }
    if useless == compared.len() {
        fatal.push(
            "m and u are indistinguishable for every field: the data cannot tell matches apart"
                .into(),
        );
    }
    let smaller = if prep.is_link() {
        prep.n_left.min(prep.len() - prep.n_left) as f64
    } else {
        prep.len() as f64
    };
    if model.expected_matches > 2.0 * smaller.max(1.0) {
        fatal.push(format!(
            "implausible match prior: {:.0} expected matching pairs for {} records in the smaller file",
            model.expected_matches, smaller
        ));
    }
    if model.expected_matches < 0.5 && smaller >= 10.0 {
        mild.push("the model expects no matches at all between these files".into());
    }
    let scale = 1.0 / fraction.max(1e-12);
    let pw = prior_weight(model.prior);
    let (mut above, mut all) = (0.0, 0.0);
    for ((p, _), c) in counts {
        let w: f64 = model
            .fields
            .iter()
            .enumerate()
            .map(|(f, fm)| fm.weight(unpack(*p, f)))
            .sum();
        all += c * scale;
        if probability(w + pw) >= 0.5 {
            above += c * scale;
        }
    }
    if all > 100.0 && above > 0.9 * all && above > 1.5 * smaller {
        fatal.push(format!(
            "collapse: {:.0}% of candidate pairs score as matches ({above:.0} pairs for {smaller} records)",
            100.0 * above / all
        ));
    }
    (fatal, mild)
}
