//! The linkage pipeline: block, train, score, assign.
use std::time::{Duration, Instant};

use crate::blocking::{Blocking, RuleReport};
use crate::model::{probability, Model, Scorer};
use crate::prepare::Prepared;
use crate::spec::LinkSpec;
use crate::train::{collect_patterns, train_unsupervised, train_with_labels, TrainOptions};

/// Settings of a linkage or deduplication run.
#[derive(Debug, Clone)]
pub struct LinkOptions {
    /// Pairs at or above this match probability are predicted matches.
    pub threshold: f64,
    /// Pairs between this probability and `threshold` go to clerical review.
    pub review_from: Option<f64>,
    /// Keep at most one match per record, best first.
    pub one_to_one: bool,
    /// Training settings.
    pub train: TrainOptions,
    /// Known matching pairs (record numbers) to train m from, instead of EM.
    pub labelled: Vec<(u32, u32)>,
    /// Use this model instead of training one.
    pub model: Option<Model>,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions {
            threshold: 0.5,
            review_from: None,
            one_to_one: false,
            train: TrainOptions::default(),
            labelled: Vec::new(),
            model: None,
        }
    }
}

/// A scored record pair (record numbers into [`Prepared`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoredPair {
    /// Left record (the lower record number in deduplication).
    pub left: u32,
    /// Right record.
    pub right: u32,
    /// Match weight in bits, prior included.
    pub weight: f64,
    /// Match probability.
    pub probability: f64,
}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct LinkOutput {
    /// Predicted matches, best first.
    pub matches: Vec<ScoredPair>,
    /// Pairs for clerical review, best first.
    pub review: Vec<ScoredPair>,
    /// The model used.
    pub model: Model,
    /// What each blocking rule did.
    pub rules: Vec<RuleReport>,
    /// Candidate pairs compared.
    pub candidate_pairs: u64,
    /// Time spent in each phase.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Maximum pairs per rule before refinement, by default.
pub fn default_max_pairs(prep: &Prepared) -> u64 {
    5 * prep.len() as u64 + 1_000_000
}

/// Links (or deduplicates, when `prep` holds one file) and returns scored pairs.
pub fn run(spec: &LinkSpec, prep: &Prepared, opts: &LinkOptions) -> crate::Result<LinkOutput> {
    let mut timings = Vec::new();
    let t = Instant::now();
    let max_pairs = spec
        .max_pairs_per_rule
        .unwrap_or_else(|| default_max_pairs(prep));
    let mut blocking = Blocking::build(spec, prep, max_pairs)?;
    let candidates = blocking.count_new_pairs();
    timings.push(("blocking", t.elapsed()));

    let t = Instant::now();
    let model = match &opts.model {
        Some(m) => m.clone(),
        None => {
            let fraction = (opts.train.em_pairs as f64 / candidates.max(1) as f64).min(1.0);
            let counts = collect_patterns(prep, &blocking, fraction);
            if opts.labelled.is_empty() {
                train_unsupervised(prep, &blocking, &counts, fraction, &opts.train)?
            } else {
                train_with_labels(prep, &counts, fraction, &opts.labelled, &opts.train)?
            }
        }
    };
    timings.push(("training", t.elapsed()));

    let t = Instant::now();
    let (mut matches, mut review) = score_all(prep, &blocking, &model, opts);
    sort_pairs(&mut matches);
    sort_pairs(&mut review);
    timings.push(("scoring", t.elapsed()));

    if opts.one_to_one {
        let t = Instant::now();
        matches = one_to_one(prep, matches);
        timings.push(("assignment", t.elapsed()));
    }
    Ok(LinkOutput {
        matches,
        review,
        model,
        rules: blocking.reports.clone(),
        candidate_pairs: candidates,
        timings,
    })
}

/// Scores every candidate pair and keeps those above the review or match threshold.
fn score_all(
    prep: &Prepared,
    blocking: &Blocking,
    model: &Model,
    opts: &LinkOptions,
) -> (Vec<ScoredPair>, Vec<ScoredPair>) {
    let scorer = Scorer::new(model, prep);
    let keep_from = opts
        .review_from
        .unwrap_or(opts.threshold)
        .min(opts.threshold);
    blocking.fold_pairs(
        || (Vec::new(), Vec::new()),
        |acc, i, j, _| {
            let (w, _) = scorer.score(i, j);
            let p = probability(w);
            if p >= keep_from {
                let pair = ScoredPair {
                    left: i,
                    right: j,
                    weight: w,
                    probability: p,
                };
                if p >= opts.threshold {
                    acc.0.push(pair);
                } else {
                    acc.1.push(pair);
                }
            }
        },
        |mut a, b| {
            a.0.extend(b.0);
            a.1.extend(b.1);
            a
        },
    )
}

/// Best first, with ties broken by record numbers so output is deterministic.
fn sort_pairs(pairs: &mut [ScoredPair]) {
    pairs.sort_unstable_by(|a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then(a.left.cmp(&b.left))
            .then(a.right.cmp(&b.right))
    });
}

/// Keeps each record in at most one pair, taking pairs best first.
///
/// Pairs are already calibrated probabilities, so a record whose best pair
/// is below the threshold stays unmatched rather than taking its nearest
/// lookalike.
pub fn one_to_one(prep: &Prepared, sorted: Vec<ScoredPair>) -> Vec<ScoredPair> {
    let mut used = vec![false; prep.len()];
    sorted
        .into_iter()
        .filter(|p| {
            let (l, r) = (p.left as usize, p.right as usize);
            if used[l] || used[r] {
                return false;
            }
            used[l] = true;
            used[r] = true;
            true
        })
        .collect()
}

/// Disjoint sets with path halving, for clustering.
pub struct UnionFind {
    parent: Vec<u32>,
}

impl UnionFind {
    /// `n` singletons.
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
        }
    }

    /// Representative of `x`.
    pub fn find(&mut self, mut x: u32) -> u32 {
        while self.parent[x as usize] != x {
            let p = self.parent[self.parent[x as usize] as usize];
            self.parent[x as usize] = p;
            x = p;
        }
        x
    }

    /// Joins the sets of `a` and `b`; the smaller record number represents.
    pub fn union(&mut self, a: u32, b: u32) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.parent[hi as usize] = lo;
        }
    }
}

/// Groups records into clusters by the matched pairs; returns, per record,
/// the record number representing its cluster (the lowest in it).
pub fn clusters(n: usize, matches: &[ScoredPair]) -> Vec<u32> {
    let mut uf = UnionFind::new(n);
    for p in matches {
        uf.union(p.left, p.right);
    }
    (0..n as u32).map(|i| uf.find(i)).collect()
}
