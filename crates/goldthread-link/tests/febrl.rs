//! FEBRL 4 (5,000 x 5,000) linked with no spec and no labels: fields are
//! inferred from the header, m and u are estimated without labels. The
//! truth comes from the dataset's own record ids (rec-N-org pairs with
//! rec-N-dup-0).
use std::path::PathBuf;

use goldthread_link::io::{read_csv, IdColumn};
use goldthread_link::{evaluate, run, LinkOptions, LinkSpec, Prepared};

fn febrl(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/febrl")
        .join(name)
}

fn entity(id: &str) -> &str {
    id.split('-').nth(1).unwrap_or("")
}

#[test]
fn febrl4_inferred_spec_meets_f1_bar() {
    let (a, _) = read_csv(&febrl("dataset4a.csv"), &IdColumn::Infer, false).unwrap();
    let (b, _) = read_csv(&febrl("dataset4b.csv"), &IdColumn::Infer, false).unwrap();
    assert_eq!((a.len(), b.len()), (5000, 5000));
    let spec = LinkSpec::infer(a.header(), None).unwrap();
    let prep = Prepared::link(&spec, &a, &b).unwrap();
    let opts = LinkOptions {
        threshold: 0.5,
        one_to_one: true,
        ..Default::default()
    };
    let out = run(&spec, &prep, &opts).unwrap();
    let predicted: Vec<(String, String)> = out
        .matches
        .iter()
        .map(|p| (prep.id(p.left).to_string(), prep.id(p.right).to_string()))
        .collect();
    // Truth from the ids: every rec-N-org in A with the rec-N-dup-0 in B.
    let truth: Vec<(String, String)> = (0..a.len())
        .map(|i| {
            let id = a.id(i).to_string();
            let dup = format!("rec-{}-dup-0", entity(&id));
            (id, dup)
        })
        .collect();
    let q = evaluate(&predicted, &truth, false);
    eprintln!(
        "FEBRL4: candidates {} predicted {} tp {} precision {:.4} recall {:.4} f1 {:.4} prior {:.3e}",
        out.candidate_pairs, q.predicted, q.true_positives, q.precision(), q.recall(), q.f1(), out.model.prior
    );
    for r in &out.rules {
        eprintln!(
            "  rule {:?} keys {:?} pairs {} new {}",
            r.name, r.keys, r.pairs, r.new_pairs
        );
    }
    for f in &out.model.fields {
        eprintln!("  {} m={:.3?} u={:.3?}", f.name, &f.m[1..], &f.u[1..]);
    }
    assert!(q.f1() >= 0.999, "F1 {:.4} below 0.999", q.f1());
}
