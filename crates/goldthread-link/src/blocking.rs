//! Blocking: only records sharing a key under at least one rule are compared.
//!
//! Each rule sorts record numbers by key and walks the groups; a pair found by
//! several rules is scored only under the first, by checking earlier rules'
//! keys for the two records, so no set of pairs is ever held in memory and no
//! cross product is formed.
use rayon::prelude::*;

use crate::prepare::{hash_text, Prepared, MISSING};
use crate::spec::{KeyPart, KeyTransform, LinkSpec};

/// What one blocking rule did.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleReport {
    /// Rule name.
    pub name: String,
    /// Key parts used, after any refinement.
    pub keys: Vec<String>,
    /// Pairs the rule makes on its own.
    pub pairs: u64,
    /// Pairs not already made by an earlier rule.
    pub new_pairs: u64,
}

/// A group of records sharing one key under one rule.
#[derive(Debug, Clone, Copy)]
struct Block {
    rule: u8,
    start: u32,
    left_len: u32,
    right_len: u32,
}

/// A unit of parallel work: a slice of a block's left side.
#[derive(Debug, Clone, Copy)]
struct Task {
    block: u32,
    left_from: u32,
    left_to: u32,
}

/// Candidate pairs defined by the blocking rules.
pub struct Blocking {
    link: bool,
    /// Key of each record under each rule, record-major (`[record * rules + rule]`)
    /// so that checking a pair against all rules touches one cache line per record.
    keys: Vec<u64>,
    n_rules: usize,
    /// Record numbers sorted by key, per rule: left records then right within a block.
    order: Vec<Vec<u32>>,
    blocks: Vec<Block>,
    tasks: Vec<Task>,
    /// Per-rule reports; `new_pairs` is filled by [`Blocking::count_new_pairs`].
    pub reports: Vec<RuleReport>,
    /// Field indices each rule uses, `[rule]`.
    pub rule_fields: Vec<Vec<usize>>,
    /// Whether each rule blocks on a location field.
    location: Vec<bool>,
    /// Whether each rule blocks on a name field.
    name: Vec<bool>,
    /// Whether each field describes a location.
    location_fields: Vec<bool>,
}

impl std::fmt::Debug for Blocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocking")
            .field("reports", &self.reports)
            .finish()
    }
}

/// Largest number of pairs handled as one task.
const TASK_PAIRS: u64 = 1 << 18;

impl Blocking {
    /// Builds blocks for every rule, refining rules that would make more than
    /// `max_pairs` pairs with their `refine_with` parts.
    pub fn build(spec: &LinkSpec, prep: &Prepared, max_pairs: u64) -> crate::Result<Self> {
        let mut b = Blocking {
            link: prep.is_link(),
            keys: Vec::new(),
            n_rules: 0,
            order: Vec::new(),
            blocks: Vec::new(),
            tasks: Vec::new(),
            reports: Vec::new(),
            rule_fields: Vec::new(),
            location: Vec::new(),
            name: Vec::new(),
            location_fields: spec.fields.iter().map(|f| f.kind.is_location()).collect(),
        };
        let mut per_rule: Vec<Vec<u64>> = Vec::new();
        for (r, rule) in spec.blocking.iter().enumerate() {
            let mut names: Vec<String> = rule.keys.clone();
            let mut level = 0;
            loop {
                let keys = match &prep.given_block_keys {
                    Some(given) => given
                        .get(r)
                        .and_then(|levels| levels.get(level))
                        .cloned()
                        .ok_or_else(|| {
                            crate::LinkError::Mismatch(format!(
                                "encoded input lacks blocking keys for rule {r} level {level}"
                            ))
                        })?,
                    None => {
                        let parts = names
                            .iter()
                            .map(|k| spec.key_part(k))
                            .collect::<crate::Result<Vec<_>>>()?;
                        record_keys(prep, &parts)
                    }
                };
                let (order, blocks, pairs) = group(prep, &keys, r as u8);
                if pairs > max_pairs && level < rule.refine_with.len() {
                    names.push(rule.refine_with[level].clone());
                    level += 1;
                    continue;
                }
                let mut fields: Vec<usize> = names
                    .iter()
                    .filter_map(|k| spec.key_part(k).ok())
                    .flat_map(|p| std::iter::once(p.field).chain(p.other))
                    .collect();
                // Blocking on one location field makes the others agree too.
                b.name
                    .push(fields.iter().any(|&f| spec.fields[f].kind.is_name()));
                // A given name tells the sex, so blocking on one makes the other agree.
                if fields
                    .iter()
                    .any(|&f| spec.fields[f].kind == crate::spec::FieldKind::GivenName)
                {
                    fields.extend(
                        (0..spec.fields.len())
                            .filter(|&f| spec.fields[f].kind == crate::spec::FieldKind::Sex),
                    );
                }
                let location = fields.iter().any(|&f| spec.fields[f].kind.is_location());
                b.location.push(location);
                if location {
                    fields.extend(
                        (0..spec.fields.len()).filter(|&f| spec.fields[f].kind.is_location()),
                    );
                }
                b.rule_fields.push(fields);
                b.reports.push(RuleReport {
                    name: rule.name.clone(),
                    keys: names.clone(),
                    pairs,
                    new_pairs: 0,
                });
                per_rule.push(keys);
                b.order.push(order);
                b.blocks.extend(blocks);
                break;
            }
        }
        b.n_rules = per_rule.len();
        b.keys = vec![0; prep.len() * b.n_rules];
        for (r, keys) in per_rule.iter().enumerate() {
            for (i, &k) in keys.iter().enumerate() {
                b.keys[i * b.n_rules + r] = k;
            }
        }
        b.tasks = make_tasks(&b.blocks);
        Ok(b)
    }

    /// True when rule `r` blocks on a location field (postcode, address, UPRN).
    pub fn rule_is_location(&self, r: usize) -> bool {
        self.location[r]
    }

    /// True when rule `r` blocks on a name field.
    pub fn rule_is_name(&self, r: usize) -> bool {
        self.name[r]
    }

    /// True when field `f` describes a location.
    pub fn field_is_location(&self, f: usize) -> bool {
        self.location_fields[f]
    }

    /// Number of rules.
    pub fn rules(&self) -> usize {
        self.n_rules
    }

    #[inline]
    fn keys_of(&self, i: u32) -> &[u64] {
        let n = self.n_rules;
        &self.keys[i as usize * n..(i as usize + 1) * n]
    }

    /// Bit mask of the rules under which records `i` and `j` share a key.
    #[inline]
    pub fn rule_mask(&self, i: u32, j: u32) -> u32 {
        let mut mask = 0;
        for (r, (&a, &b)) in self.keys_of(i).iter().zip(self.keys_of(j)).enumerate() {
            if a != 0 && a == b {
                mask |= 1 << r;
            }
        }
        mask
    }

    #[inline]
    fn seen_earlier(&self, rule: usize, i: u32, j: u32) -> bool {
        self.keys_of(i)[..rule]
            .iter()
            .zip(&self.keys_of(j)[..rule])
            .any(|(&a, &b)| a != 0 && a == b)
    }

    /// Visits every candidate pair once, in parallel, folding into per-thread
    /// accumulators that are then merged. `visit(acc, i, j, rule)` gets the
    /// rule that first made the pair; in linkage `i` is left, `j` right.
    pub fn fold_pairs<T, I, V, M>(&self, init: I, visit: V, merge: M) -> T
    where
        T: Send,
        I: Fn() -> T + Sync + Send,
        V: Fn(&mut T, u32, u32, usize) + Sync + Send,
        M: Fn(T, T) -> T + Sync + Send,
    {
        self.tasks
            .par_iter()
            .fold(&init, |mut acc, t| {
                self.visit_task(t, &mut acc, &visit);
                acc
            })
            .reduce(&init, &merge)
    }

    fn visit_task<T, V: Fn(&mut T, u32, u32, usize)>(&self, t: &Task, acc: &mut T, visit: &V) {
        let b = self.blocks[t.block as usize];
        let rule = b.rule as usize;
        let order = &self.order[rule];
        let start = b.start as usize;
        if self.link {
            let right =
                &order[start + b.left_len as usize..start + (b.left_len + b.right_len) as usize];
            for &i in &order[start + t.left_from as usize..start + t.left_to as usize] {
                for &j in right {
                    if !self.seen_earlier(rule, i, j) {
                        visit(acc, i, j, rule);
                    }
                }
            }
        } else {
            let all = &order[start..start + b.left_len as usize];
            for x in t.left_from as usize..t.left_to as usize {
                let i = all[x];
                for &j in &all[x + 1..] {
                    let (lo, hi) = if i < j { (i, j) } else { (j, i) };
                    if !self.seen_earlier(rule, lo, hi) {
                        visit(acc, lo, hi, rule);
                    }
                }
            }
        }
    }

    /// Counts, per rule, the pairs it makes that no earlier rule made, and
    /// stores them in the reports. Returns the total number of candidate pairs.
    pub fn count_new_pairs(&mut self) -> u64 {
        let n = self.rules();
        let counts = self.fold_pairs(
            || vec![0u64; n],
            |acc, _, _, r| acc[r] += 1,
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        );
        for (rep, c) in self.reports.iter_mut().zip(&counts) {
            rep.new_pairs = *c;
        }
        counts.iter().sum()
    }
}

/// Splits blocks into tasks of at most about [`TASK_PAIRS`] pairs.
fn make_tasks(blocks: &[Block]) -> Vec<Task> {
    let mut tasks = Vec::new();
    for (bi, b) in blocks.iter().enumerate() {
        let per_left = u64::from(if b.right_len > 0 {
            b.right_len
        } else {
            b.left_len
        })
        .max(1);
        let step = (TASK_PAIRS / per_left).clamp(1, u64::from(u32::MAX)) as u32;
        let mut from = 0;
        while from < b.left_len {
            let to = (from.saturating_add(step)).min(b.left_len);
            tasks.push(Task {
                block: bi as u32,
                left_from: from,
                left_to: to,
            });
            from = to;
        }
    }
    tasks
}

/// Sorts records by key and cuts the sorted list into blocks; returns the
/// order, the blocks that make at least one pair, and the number of pairs.
fn group(prep: &Prepared, keys: &[u64], rule: u8) -> (Vec<u32>, Vec<Block>, u64) {
    let link = prep.is_link();
    let n_left = prep.n_left as u32;
    let mut keyed: Vec<(u64, u32)> = keys
        .iter()
        .enumerate()
        .filter(|(_, &k)| k != 0)
        .map(|(i, &k)| (k, i as u32))
        .collect();
    keyed.par_sort_unstable();
    let mut blocks = Vec::new();
    let mut pairs = 0u64;
    let mut s = 0;
    while s < keyed.len() {
        let mut e = s;
        while e < keyed.len() && keyed[e].0 == keyed[s].0 {
            e += 1;
        }
        let left = keyed[s..e].iter().filter(|(_, i)| *i < n_left).count() as u32;
        let len = (e - s) as u32;
        let (l, r, p) = if link {
            (left, len - left, u64::from(left) * u64::from(len - left))
        } else {
            (
                len,
                0,
                u64::from(len) * u64::from(len.saturating_sub(1)) / 2,
            )
        };
        if p > 0 {
            blocks.push(Block {
                rule,
                start: s as u32,
                left_len: l,
                right_len: r,
            });
            pairs += p;
        }
        s = e;
    }
    let order = keyed.into_iter().map(|(_, i)| i).collect();
    (order, blocks, pairs)
}

/// Blocking key of every record for a rule made of `parts`; 0 when any part is missing.
pub fn record_keys(prep: &Prepared, parts: &[KeyPart]) -> Vec<u64> {
    let per_entry: Vec<(Vec<u64>, Option<Vec<u64>>)> = parts
        .par_iter()
        .map(|p| {
            (
                entry_keys(prep, p.field, p.transform),
                p.other.map(|o| entry_keys(prep, o, p.transform)),
            )
        })
        .collect();
    let key_of = |field: usize, keys: &[u64], i: usize| -> u64 {
        match prep.fields[field].values[i] {
            MISSING => 0,
            v => keys[v as usize],
        }
    };
    (0..prep.len())
        .into_par_iter()
        .map(|i| {
            let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
            for (p, (keys, other)) in parts.iter().zip(&per_entry) {
                let mut k = key_of(p.field, keys, i);
                if let (Some(o), Some(okeys)) = (p.other, other) {
                    let k2 = key_of(o, okeys, i);
                    // Either order gives the same key; both values are needed.
                    k = if k == 0 || k2 == 0 {
                        0
                    } else {
                        mix(k.min(k2), k.max(k2))
                    };
                }
                if k == 0 {
                    return 0;
                }
                h = mix(h, k);
            }
            h | 1
        })
        .collect()
}

#[inline]
fn mix(h: u64, k: u64) -> u64 {
    (h ^ k).wrapping_mul(0x0000_0100_0000_01b3).rotate_left(29)
}

/// The key of each distinct value of a field under a transform.
fn entry_keys(prep: &Prepared, field: usize, transform: KeyTransform) -> Vec<u64> {
    prep.fields[field]
        .entries
        .par_iter()
        .map(|e| {
            let Some(first) = e.parts.first() else {
                return 0;
            };
            key_text(transform, &first.text)
                .map(|t| hash_text(&t))
                .unwrap_or(0)
        })
        .collect()
}

/// The text a transform makes of a cleaned value; `None` when it cannot apply.
pub fn key_text(t: KeyTransform, text: &str) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    Some(match t {
        KeyTransform::Exact => text.to_string(),
        KeyTransform::Soundex => {
            let c = crate::normalize::soundex(text);
            if c == 0 {
                return None;
            }
            c.to_be_bytes().iter().map(|&b| b as char).collect()
        }
        KeyTransform::Initial => text.chars().next()?.to_string(),
        KeyTransform::Year => crate::normalize::parse_date(text)?.year.to_string(),
        KeyTransform::Sector => match crate::normalize::parse_uk_postcode(text) {
            Some(p) => p.sector,
            None => text.to_string(),
        },
        KeyTransform::District => match crate::normalize::parse_uk_postcode(text) {
            Some(p) => p.district,
            None => text.to_string(),
        },
    })
}
