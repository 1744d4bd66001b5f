//! Library-level behaviour on deterministic synthetic data.
use goldthread_link::bloom::{encode, EncodeOptions, Secret};
use goldthread_link::synth::{generate, SynthOptions, SynthOutput};
use goldthread_link::{
    clusters, evaluate, households, link_incremental, run, LinkError, LinkOptions, LinkSpec,
    Prepared, Quality, Scorer, Table,
};

fn data(n: usize, overlap: f64, seed: u64) -> SynthOutput {
    generate(&SynthOptions {
        n,
        seed,
        overlap,
        corruption: 1.0,
    })
}

fn quality(
    prep: &Prepared,
    pairs: &[goldthread_link::ScoredPair],
    truth: &[(String, String)],
) -> Quality {
    let predicted: Vec<(String, String)> = pairs
        .iter()
        .map(|p| (prep.id(p.left).to_string(), prep.id(p.right).to_string()))
        .collect();
    evaluate(&predicted, truth, false)
}

#[test]
fn partial_overlap_keeps_precision_and_calibrates_the_prior() {
    let s = data(8000, 0.3, 21);
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let prep = Prepared::link(&spec, &s.left, &s.right).unwrap();
    let out = run(
        &spec,
        &prep,
        &LinkOptions {
            one_to_one: true,
            ..Default::default()
        },
    )
    .unwrap();
    let q = quality(&prep, &out.matches, &s.truth);
    assert!(q.precision() >= 0.99, "precision {:.4}", q.precision());
    assert!(q.recall() >= 0.95, "recall {:.4}", q.recall());
    // The expected number of matches is estimated, not assumed.
    let truth = s.truth.len() as f64;
    assert!(
        (out.model.expected_matches - truth).abs() < 0.15 * truth,
        "expected {:.0} vs {truth}",
        out.model.expected_matches
    );
}

#[test]
fn encoded_linkage_is_within_a_hair_of_plain_linkage() {
    let s = data(3000, 0.7, 22);
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let plain = Prepared::link(&spec, &s.left, &s.right).unwrap();
    let opts = LinkOptions {
        one_to_one: true,
        ..Default::default()
    };
    let f1_plain = quality(
        &plain,
        &run(&spec, &plain, &opts).unwrap().matches,
        &s.truth,
    )
    .f1();
    let secret = Secret::new(b"shared by the partners only").unwrap();
    for balanced in [false, true] {
        let o = EncodeOptions {
            balanced,
            ..Default::default()
        };
        let a = encode(
            &spec,
            &Prepared::dedupe(&spec, &s.left).unwrap(),
            &secret,
            &o,
        )
        .unwrap();
        let b = encode(
            &spec,
            &Prepared::dedupe(&spec, &s.right).unwrap(),
            &secret,
            &o,
        )
        .unwrap();
        let hub = Prepared::from_encoded(&a, Some(&b)).unwrap();
        let f1 = quality(&hub, &run(&a.spec, &hub, &opts).unwrap().matches, &s.truth).f1();
        // Balanced filters trade some accuracy for hiding filter weights.
        let allowed = if balanced { 0.02 } else { 0.005 };
        assert!(
            f1_plain - f1 <= allowed,
            "balanced {balanced}: plain {f1_plain:.4} encoded {f1:.4}"
        );
    }
}

#[test]
fn training_refuses_data_that_cannot_tell_people_apart() {
    // Everyone has the same name, birth date and postcode.
    let header = ["given_name", "surname", "dob", "postcode"];
    let rows = |p: &str| -> Vec<(String, Vec<String>)> {
        (0..300)
            .map(|i| {
                (
                    format!("{p}{i}"),
                    vec![
                        "ann".into(),
                        "lee".into(),
                        "1970-01-01".into(),
                        "LS1 4AB".into(),
                    ],
                )
            })
            .collect()
    };
    let (l, r) = (
        Table::from_rows(&header, rows("a")),
        Table::from_rows(&header, rows("b")),
    );
    let spec = LinkSpec::infer(&header.map(String::from), None).unwrap();
    let prep = Prepared::link(&spec, &l, &r).unwrap();
    match run(&spec, &prep, &LinkOptions::default()) {
        Err(LinkError::TrainingFailed(reasons)) => assert!(!reasons.is_empty()),
        other => panic!(
            "expected a training failure, got {:?}",
            other.map(|o| o.matches.len())
        ),
    }
}

#[test]
fn a_handful_of_labels_trains_a_usable_model() {
    let s = data(4000, 0.6, 23);
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let prep = Prepared::link(&spec, &s.left, &s.right).unwrap();
    let index: std::collections::HashMap<&str, u32> =
        (0..prep.len() as u32).map(|i| (prep.id(i), i)).collect();
    let labelled = s
        .truth
        .iter()
        .take(40)
        .map(|(a, b)| (index[a.as_str()], index[b.as_str()]))
        .collect();
    let opts = LinkOptions {
        one_to_one: true,
        labelled,
        ..Default::default()
    };
    let q = quality(&prep, &run(&spec, &prep, &opts).unwrap().matches, &s.truth);
    assert!(q.f1() >= 0.95, "F1 {:.4}", q.f1());
}

#[test]
fn explanations_add_up_to_the_match_weight() {
    let s = data(2000, 0.8, 24);
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let prep = Prepared::link(&spec, &s.left, &s.right).unwrap();
    let out = run(&spec, &prep, &LinkOptions::default()).unwrap();
    let scorer = Scorer::new(&out.model, &prep);
    for p in out.matches.iter().take(50) {
        let e = scorer.explain(p.left, p.right);
        let sum: f64 = e.prior_weight
            + e.fields
                .iter()
                .map(|c| c.weight + c.tf_adjustment)
                .sum::<f64>();
        assert!((sum - p.weight).abs() < 1e-9, "{sum} vs {}", p.weight);
        assert!((e.match_probability - p.probability).abs() < 1e-12);
    }
}

#[test]
fn dedupe_clusters_duplicates_and_households_group_addresses() {
    let s = data(1500, 0.8, 25);
    let mut both = Table::new(s.left.header().to_vec());
    for t in [&s.left, &s.right] {
        for i in 0..t.len() {
            let cells: Vec<&str> = (0..t.header().len()).map(|c| t.cell(i, c)).collect();
            both.push_row(t.id(i), &cells);
        }
    }
    let spec = LinkSpec::infer(both.header(), None).unwrap();
    let prep = Prepared::dedupe(&spec, &both).unwrap();
    let out = run(&spec, &prep, &LinkOptions::default()).unwrap();
    let rep = clusters(prep.len(), &out.matches);
    let index: std::collections::HashMap<&str, usize> =
        (0..prep.len()).map(|i| (prep.id(i as u32), i)).collect();
    let together = s
        .truth
        .iter()
        .filter(|(a, b)| rep[index[a.as_str()]] == rep[index[b.as_str()]])
        .count();
    assert!(
        together as f64 >= 0.95 * s.truth.len() as f64,
        "{together}/{}",
        s.truth.len()
    );
    let hh = households(&prep);
    let uprn = both.column_index("uprn").unwrap();
    for (i, h) in hh.iter().enumerate() {
        let h = h.expect("every synthetic record has a UPRN") as usize;
        assert_eq!(both.cell(i, uprn), both.cell(h, uprn));
    }
}

#[test]
fn incremental_linking_keeps_cluster_ids() {
    let s = data(2000, 0.6, 26);
    let spec = LinkSpec::infer(s.left.header(), None).unwrap();
    let existing: Vec<String> = (0..s.left.len()).map(|i| format!("K{i}")).collect();
    let out =
        link_incremental(&spec, &s.left, &existing, &s.right, &LinkOptions::default()).unwrap();
    let right_index: std::collections::HashMap<&str, usize> =
        (0..s.right.len()).map(|i| (s.right.id(i), i)).collect();
    let joined = s
        .truth
        .iter()
        .filter(|(l, r)| out.new_clusters[right_index[r.as_str()]] == format!("K{}", &l[1..]))
        .count();
    assert!(
        joined as f64 >= 0.95 * s.truth.len() as f64,
        "{joined}/{}",
        s.truth.len()
    );
    // Running again gives the same identifiers.
    let again =
        link_incremental(&spec, &s.left, &existing, &s.right, &LinkOptions::default()).unwrap();
    assert_eq!(out.new_clusters, again.new_clusters);
}

#[test]
fn multi_valued_address_history_matches_on_any_value() {
    let header = ["given_name", "surname", "dob", "addresses"];
    let left = Table::from_rows(
        &header,
        vec![(
            "a",
            vec![
                "ann",
                "lee",
                "1970-01-01",
                "1 mill lane, leeds|9 high st, york",
            ],
        )],
    );
    let right = Table::from_rows(
        &header,
        vec![("b", vec!["ann", "lee", "1970-01-01", "9 high street, york"])],
    );
    let toml = r#"
[[field]]
name = "given_name"
kind = "given_name"
columns = ["given_name"]
[[field]]
name = "surname"
kind = "surname"
columns = ["surname"]
[[field]]
name = "dob"
kind = "date_of_birth"
columns = ["dob"]
[[field]]
name = "addresses"
kind = "address"
columns = ["addresses"]
multi_value_separator = "|"
[[blocking]]
name = "dob"
keys = ["dob"]
"#;
    let spec = LinkSpec::from_toml(toml).unwrap();
    let prep = Prepared::link(&spec, &left, &right).unwrap();
    let f = &prep.fields[3];
    let level = goldthread_link::compare::compare(f, &prep.aliases, 0, 1);
    let labels = goldthread_link::compare::level_labels(f.spec.kind, false);
    assert_eq!(
        labels[level as usize], "exact",
        "history entry '9 high st, york' should agree exactly"
    );
}
