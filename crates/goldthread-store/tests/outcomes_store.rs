//! Indicators, outcomes, the golden thread and budgets in the store, on SQLite and PostgreSQL.

use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::organisation::{
    IntegratedCareSystem, Organisation, OrganisationId, OrganisationKind,
};
use goldthread_domain::outcomes::budget::{BudgetLine, PreventionDefinition, SpendCategory};
use goldthread_domain::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod,
};
use goldthread_domain::outcomes::outcome::{Accountability, Milestone, Outcome};
use goldthread_domain::outcomes::thread::{GoldenThread, Level, Objective};
use goldthread_domain::{FinancialYear, GssCode, Money};
use goldthread_stats::{Comparison, DisclosureRule, Polarity};
use goldthread_store::{test_on_both_backends, Store};

fn code(s: &str) -> GssCode {
    GssCode::parse(s).unwrap()
}

async fn with_system(store: &Store) -> GssCode {
    let geo = ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await.unwrap();
    let county = Organisation {
        id: OrganisationId::for_code("E10000020"),
        name: "Norfolk County Council".into(),
        kind: OrganisationKind::CountyCouncil,
        ods_code: None,
        gss_code: Some(code("E10000020")),
    };
    let system = IntegratedCareSystem {
        icb: code("E54000022"),
        name: "Norfolk and Waveney".into(),
        members: vec![county.id],
    };
    store.put_system(&system, &[county]).await.unwrap();
    system.icb
}

fn inactivity(as_of: &str) -> IndicatorDefinition {
    IndicatorDefinition {
        code: IndicatorCode::parse("93015").unwrap(),
        version: 1,
        name: "Percentage of physically inactive adults".into(),
        definition: "Adults doing under 30 minutes of activity a week".into(),
        source: "OHID Fingertips".into(),
        unit: "%".into(),
        theme: "Healthy lives".into(),
        polarity: Polarity::LowIsGood,
        method: ValueMethod::AsPublished,
        multiplier: 1.0,
        benchmark: BenchmarkMethod::CiOverlapsReference95,
        as_of: as_of.into(),
    }
}

fn value(area: &str, v: f64) -> IndicatorValue {
    IndicatorValue {
        indicator: IndicatorCode::parse("93015").unwrap(),
        area: code(area),
        area_name: "Great Yarmouth".into(),
        period: Period::parse("2024/25").unwrap(),
        sex: Sex::Persons,
        value: Some(v),
        lower: Some(v - 3.0),
        upper: Some(v + 3.0),
        lower_998: None,
        upper_998: None,
        count: None,
        denominator: None,
        source_call: Some(Comparison::Worse),
        note: String::new(),
    }
}

async fn indicators_round_trip_and_changed_definitions_become_versions(store: Store) {
    let def = inactivity("2026-05-13");
    let s = store
        .import_indicators(
            std::slice::from_ref(&def),
            &[value("E07000145", 27.6)],
            "analyst",
            "first load",
        )
        .await
        .unwrap();
    assert_eq!((s.new_definition_versions, s.values), (1, 1));
    // The same definition again adds no version; a later extract does.
    let s = store
        .import_indicators(
            std::slice::from_ref(&def),
            &[value("E07000145", 27.0)],
            "analyst",
            "again",
        )
        .await
        .unwrap();
    assert_eq!(s.new_definition_versions, 0);
    store
        .import_indicators(&[inactivity("2027-05-13")], &[], "analyst", "new extract")
        .await
        .unwrap();
    let history = store.indicator_definition_history(&def.code).await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].0.version, 2);
    assert_eq!(history[1].2, "new extract");
    assert_eq!(
        store.indicator_definitions().await.unwrap()[0].as_of,
        "2027-05-13"
    );
    let values = store
        .indicator_values(&def.code, &[code("E07000145")])
        .await
        .unwrap();
    assert_eq!(values, vec![value("E07000145", 27.0)]);
}

async fn a_value_without_a_definition_stores_nothing(store: Store) {
    let mut orphan = value("E07000145", 1.0);
    orphan.indicator = IndicatorCode::parse("99999").unwrap();
    let err = store
        .import_indicators(
            &[inactivity("2026-05-13")],
            &[value("E07000148", 14.4), orphan],
            "analyst",
            "load",
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("99999"), "{err}");
    assert!(store.indicator_definitions().await.unwrap().is_empty());
    let code93015 = IndicatorCode::parse("93015").unwrap();
    assert!(store
        .indicator_values(&code93015, &[code("E07000148")])
        .await
        .unwrap()
        .is_empty());
}

async fn a_value_without_limits_followed_by_one_with_them_imports(store: Store) {
    // Fingertips files mix rows with and without intervals (England often has none).
    let mut bare = value("E92000001", 21.8);
    (bare.lower, bare.upper, bare.source_call) = (None, None, None);
    let s = store
        .import_indicators(
            &[inactivity("2026-05-13")],
            &[bare, value("E07000145", 27.6)],
            "analyst",
            "load",
        )
        .await
        .unwrap();
    assert_eq!(s.values, 2);
    let code93015 = IndicatorCode::parse("93015").unwrap();
    let back = store
        .indicator_values(&code93015, &[code("E92000001"), code("E07000145")])
        .await
        .unwrap();
    assert_eq!(back[0].lower, None);
    assert_eq!(back[1].lower, Some(24.6));
}

fn outcome(target: f64) -> Outcome {
    let p = |s: &str| Period::parse(s).unwrap();
    Outcome {
        key: "active-lives".into(),
        title: "Fewer inactive adults in Great Yarmouth".into(),
        theme: "Healthy lives".into(),
        ambition: "live-well".into(),
        indicator: IndicatorCode::parse("93015").unwrap(),
        area: code("E07000145"),
        sex: Sex::Persons,
        baseline: Milestone {
            period: p("2019/20"),
            value: 29.0,
        },
        target: Milestone {
            period: p("2029/30"),
            value: target,
        },
        trajectory: vec![],
        accountable: Accountability {
            organisation: OrganisationId::for_code("E07000145"),
            board: "Norfolk Health and Wellbeing Board".into(),
        },
        contributors: vec![],
        commitments: vec![],
        review_dates: vec!["2026-03-31".into()],
    }
}

async fn outcome_changes_are_versioned_and_attributed(store: Store) {
    let icb = with_system(&store).await;
    assert_eq!(
        store
            .put_outcomes(&icb, &[outcome(22.0)], "ICP", "agreed")
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        store
            .put_outcomes(&icb, &[outcome(22.0)], "ICP", "same")
            .await
            .unwrap(),
        0
    );
    store
        .put_outcomes(
            &icb,
            &[outcome(20.0)],
            "HWB chair",
            "stretch target agreed at HWB",
        )
        .await
        .unwrap();
    let current = store.outcomes(&icb).await.unwrap();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].0.target.value, 20.0);
    assert_eq!(current[0].1.version, 2);
    assert_eq!(current[0].1.changed_by, "HWB chair");
    let history = store.outcome_history(&icb, "active-lives").await.unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].0.target.value, 22.0);
    assert!(store
        .put_outcomes(&icb, &[outcome(19.0)], "", "no one")
        .await
        .is_err());
}

async fn the_golden_thread_round_trips(store: Store) {
    let icb = with_system(&store).await;
    let objective = |key: &str, level, parents: &[&str]| Objective {
        key: key.into(),
        level,
        plan: "plan".into(),
        area: icb,
        title: key.into(),
        theme: "Healthy lives".into(),
        parents: parents.iter().map(|p| p.to_string()).collect(),
        projects: vec!["Active Norfolk".into()],
        outcomes: vec![],
    };
    let thread = GoldenThread::new(vec![
        objective("s", Level::System, &[]),
        objective("p", Level::Place, &["s"]),
        objective("l", Level::Local, &["p"]),
    ])
    .unwrap();
    assert_eq!(store.golden_thread(&icb).await.unwrap().1, None);
    assert_eq!(
        store
            .put_golden_thread(&icb, &thread, "ICP", "strategy")
            .await
            .unwrap(),
        1
    );
    let (back, who) = store.golden_thread(&icb).await.unwrap();
    assert_eq!(back.objectives(), thread.objectives());
    assert_eq!(who.unwrap().reason, "strategy");
}

async fn budgets_prevention_definitions_and_disclosure_settings(store: Store) {
    let icb = with_system(&store).await;
    let line = |year, category, pounds| BudgetLine {
        organisation: OrganisationId::for_code("E10000020"),
        pooled_fund: Some("Better Care Fund".into()),
        year: FinancialYear::starting(year),
        service: format!("{category:?}"),
        category,
        amount: Money::from_pounds(pounds),
    };
    let lines = vec![
        line(2023, SpendCategory::PrimaryPrevention, 100),
        line(2024, SpendCategory::Treatment, 900),
        line(2024, SpendCategory::PrimaryPrevention, 100),
    ];
    store.replace_budget_lines(&icb, &lines).await.unwrap();
    store.replace_budget_lines(&icb, &lines[1..]).await.unwrap();
    let stored = store.budget_lines(&icb).await.unwrap();
    assert_eq!(stored.len(), 3, "2023 kept; 2024 replaced");
    assert_eq!(
        store.prevention_definition(&icb).await.unwrap(),
        PreventionDefinition::default()
    );
    let v = store
        .put_prevention_definition(
            &icb,
            &[
                SpendCategory::PrimaryPrevention,
                SpendCategory::TertiaryPrevention,
            ],
            "Our definition counts reablement.",
            "ICB director of finance",
            "agreed at the ICB board",
        )
        .await
        .unwrap();
    assert_eq!(v, 2);
    let def = store.prevention_definition(&icb).await.unwrap();
    assert_eq!(def.counts[1], SpendCategory::TertiaryPrevention);
    assert_eq!(
        store.disclosure(&icb).await.unwrap().rule,
        DisclosureRule::OPENSAFELY
    );
    let nhs = DisclosureRule::NHS_DIGITAL;
    store.set_disclosure(&icb, nhs, "IG lead").await.unwrap();
    assert_eq!(store.disclosure(&icb).await.unwrap().rule, nhs);
}

test_on_both_backends!(
    indicators_round_trip_and_changed_definitions_become_versions,
    a_value_without_a_definition_stores_nothing,
    a_value_without_limits_followed_by_one_with_them_imports,
    outcome_changes_are_versioned_and_attributed,
    the_golden_thread_round_trips,
    budgets_prevention_definitions_and_disclosure_settings,
);
