//! Incremental linkage and households.
//!
//! New records are linked against an existing population (and against each
//! other) without re-comparing the existing records among themselves.
//! Existing cluster identifiers never change, except that when new records
//! join two clusters the smaller identifier is kept; clusters made only of
//! new records are named after their first record, so re-running on the
//! same input gives the same identifiers.
use rustc_hash::FxHashMap;

use crate::pipeline::{run, LinkOptions, LinkOutput, UnionFind};
use crate::prepare::{Prepared, COMPONENT, MISSING};
use crate::spec::{FieldKind, LinkSpec};
use crate::table::Table;

/// Result of adding new records to a linked population.
#[derive(Debug)]
pub struct IncrementalOutput {
    /// Cluster id for each new record, in input order.
    pub new_clusters: Vec<String>,
    /// Existing clusters merged by new records: (kept id, absorbed id).
    pub merged: Vec<(String, String)>,
    /// Linkage of new records against existing ones.
    pub against_existing: LinkOutput,
    /// Deduplication among the new records.
    pub among_new: LinkOutput,
}

/// Links `new` records to `existing` ones whose cluster ids are given
/// (`existing_clusters[i]` for row `i`).
pub fn link_incremental(
    spec: &LinkSpec,
    existing: &Table,
    existing_clusters: &[String],
    new: &Table,
    opts: &LinkOptions,
) -> crate::Result<IncrementalOutput> {
    let cross = Prepared::link(spec, new, existing)?;
    let against_existing = run(spec, &cross, opts)?;
    // Score the new records among themselves with the same model.
    let own = Prepared::dedupe(spec, new)?;
    let same_model = LinkOptions {
        model: Some(against_existing.model.clone()),
        one_to_one: false,
        ..opts.clone()
    };
    let among_new = run(spec, &own, &same_model)?;

    let n_new = new.len();
    // Nodes: new records first, then one node per existing cluster.
    let mut cluster_node: FxHashMap<&str, u32> = FxHashMap::default();
    let mut cluster_names: Vec<&str> = Vec::new();
    for c in existing_clusters {
        cluster_node.entry(c.as_str()).or_insert_with(|| {
            cluster_names.push(c.as_str());
            (n_new + cluster_names.len() - 1) as u32
        });
    }
    let mut uf = UnionFind::new(n_new + cluster_names.len());
    for p in &against_existing.matches {
        let existing_row = p.right as usize - n_new;
        uf.union(
            p.left,
            cluster_node[existing_clusters[existing_row].as_str()],
        );
    }
    for p in &among_new.matches {
        uf.union(p.left, p.right);
    }
    // Name each component: the smallest existing cluster id in it, else the first new record.
    let mut name: FxHashMap<u32, String> = FxHashMap::default();
    let mut merged = Vec::new();
    let mut by_root: Vec<(u32, &str)> = (0..cluster_names.len())
        .map(|k| (uf.find((n_new + k) as u32), cluster_names[k]))
        .collect();
    by_root.sort_unstable();
    for (root, id) in by_root {
        match name.get(&root) {
            None => {
                name.insert(root, id.to_string());
            }
            Some(kept) => {
                let (keep, lose) = if kept.as_str() <= id {
                    (kept.clone(), id.to_string())
                } else {
                    (id.to_string(), kept.clone())
                };
                merged.push((keep.clone(), lose));
                name.insert(root, keep);
            }
        }
    }
    let new_clusters = (0..n_new as u32)
        .map(|i| {
            let root = uf.find(i);
            name.entry(root)
                .or_insert_with(|| format!("C-{}", new.id(root as usize)))
                .clone()
        })
        .collect();
    Ok(IncrementalOutput {
        new_clusters,
        merged,
        against_existing,
        among_new,
    })
}

/// Groups records into households: the same UPRN when there is one, else
/// the same normalised address (all components). Returns, per record, the
/// record number of the first record in its household, or `None` when the
/// record has no usable address.
pub fn households(prep: &Prepared) -> Vec<Option<u32>> {
    let uprn = prep
        .fields
        .iter()
        .position(|f| f.spec.kind == FieldKind::Uprn);
    let address = prep
        .fields
        .iter()
        .position(|f| f.spec.kind == FieldKind::Address && f.compared)
        .or_else(|| {
            prep.fields
                .iter()
                .position(|f| f.spec.kind == FieldKind::Address)
        });
    let mut first: FxHashMap<(u8, u32), u32> = FxHashMap::default();
    (0..prep.len() as u32)
        .map(|i| {
            let key = uprn
                .map(|f| (0u8, prep.fields[f].values[i as usize]))
                .filter(|(_, v)| *v != MISSING)
                .or_else(|| {
                    let f = address?;
                    let v = prep.fields[f].values[i as usize];
                    let text = prep.fields[f]
                        .entries
                        .get(v as usize)?
                        .parts
                        .first()?
                        .text
                        .clone();
                    // A town or postcode alone is not an address.
                    let lines = text.split(COMPONENT).next().unwrap_or("");
                    (v != MISSING && !lines.is_empty()).then_some((1u8, v))
                })?;
            Some(*first.entry(key).or_insert(i))
        })
        .collect()
}
