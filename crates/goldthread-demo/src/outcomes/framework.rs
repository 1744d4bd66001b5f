//! The demo's outcomes framework and golden thread. Baselines and latest values come from the
//! real Fingertips extracts; targets, accountable partners, commitments and plans are a
//! plausible illustration, with deliberate gaps in the thread for the gap reports to find.

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::outcomes::indicator::{
    BenchmarkMethod, IndicatorCode, IndicatorDefinition, Period, Sex, ValueMethod,
};
use goldthread_domain::outcomes::outcome::{
    Accountability, Ambition, DistrictCommitment, Milestone, Outcome,
};
use goldthread_domain::outcomes::thread::{GoldenThread, Level, Objective};
use goldthread_domain::GssCode;
use goldthread_stats::Polarity;
use goldthread_store::{Store, StoreError};

use super::local::QUITS;
use super::DEMO_AUTHOR;

const NORFOLK_HWB: &str = "Norfolk Health and Wellbeing Board";
const SUFFOLK_HWB: &str = "Suffolk Health and Wellbeing Board";
const ICB_BOARD: &str = "NHS Norfolk and Waveney Integrated Care Board";

fn gss(s: &str) -> GssCode {
    GssCode::parse(s).expect("valid code")
}

fn milestone(period: &str, value: f64) -> Milestone {
    Milestone {
        period: Period::parse(period).expect("valid period"),
        value,
    }
}

fn ambitions() -> Vec<Ambition> {
    let a = |key: &str, title: &str, description: &str| Ambition {
        key: key.into(),
        title: title.into(),
        description: description.into(),
    };
    vec![
        a("prevention", "Make prevention everyone's business",
          "Every partner helps people stay active, smoke-free and a healthy weight, in warm homes."),
        a("inequalities", "Narrow the gap",
          "Close the gap in life expectancy between our most and least deprived communities."),
    ]
}

struct Spec {
    key: &'static str,
    title: &'static str,
    theme: &'static str,
    ambition: &'static str,
    indicator: &'static str,
    area: &'static str,
    sex: Sex,
    baseline: (&'static str, f64),
    target: (&'static str, f64),
    accountable: &'static str,
    board: &'static str,
    contributors: &'static [&'static str],
    commitments: &'static [(&'static str, &'static str, Option<f64>)],
}

const SPECS: [Spec; 7] = [
    Spec { key: "active-lives", title: "Fewer physically inactive adults in Great Yarmouth", theme: "Healthy lives",
           ambition: "prevention", indicator: "93015", area: "E07000145", sex: Sex::Persons,
           baseline: ("2019/20", 35.1), target: ("2029/30", 25.0), accountable: "E07000145", board: NORFOLK_HWB,
           contributors: &["E10000020", "QMM"],
           commitments: &[("E07000145", "Open the beach and parks activity programme in every ward and report take-up quarterly", Some(25.0))] },
    Spec { key: "smokefree-norwich", title: "A smokefree Norwich by 2030", theme: "Healthy lives",
           ambition: "prevention", indicator: "92443", area: "E07000148", sex: Sex::Persons,
           baseline: ("2019", 12.9), target: ("2030", 5.0), accountable: "E10000020", board: NORFOLK_HWB,
           contributors: &["E07000148", "RM1"],
           commitments: &[("E07000148", "Enforce smokefree housing standards and refer tenants who smoke to the stop-smoking service", None)] },
    Spec { key: "quits-norfolk", title: "More smokers who set a quit date succeed", theme: "Healthy lives",
           ambition: "prevention", indicator: QUITS, area: "E10000020", sex: Sex::Persons,
           baseline: ("2023-04", 52.0), target: ("2025-03", 56.0), accountable: "E10000020", board: NORFOLK_HWB,
           contributors: &["E07000145", "E07000148", "RY3"],
           commitments: &[("E07000145", "Host community stop-smoking clinics in Great Yarmouth from July 2024", Some(60.0))] },
    Spec { key: "preventable-deaths-gy", title: "Fewer preventable deaths under 75 in Great Yarmouth", theme: "Preventable deaths",
           ambition: "inequalities", indicator: "93721", area: "E07000145", sex: Sex::Persons,
           baseline: ("2019", 168.7), target: ("2029", 150.0), accountable: "QMM", board: ICB_BOARD,
           contributors: &["RGP", "E07000145"],
           commitments: &[("E07000145", "Target health checks at the wards with the highest preventable mortality", None)] },
    Spec { key: "longer-lives-norwich-men", title: "Men in Norwich live as long as men across England", theme: "Inequalities",
           ambition: "inequalities", indicator: "90366", area: "E07000148", sex: Sex::Male,
           baseline: ("2019 - 21", 77.8), target: ("2027 - 29", 79.0), accountable: "E07000148", board: NORFOLK_HWB,
           contributors: &["QMM", "E10000020"],
           commitments: &[("E07000148", "Lead the men's health programme in the north of the city", Some(79.0))] },
    Spec { key: "healthy-weight-klwn", title: "More adults in West Norfolk a healthy weight", theme: "Healthy lives",
           ambition: "prevention", indicator: "93088", area: "E07000146", sex: Sex::Persons,
           baseline: ("2019/20", 62.6), target: ("2029/30", 60.0), accountable: "E07000146", board: NORFOLK_HWB,
           contributors: &["E10000020", "RCX"], commitments: &[] },
    Spec { key: "warm-homes", title: "Fewer households in fuel poverty in East Suffolk", theme: "Wider determinants",
           ambition: "prevention", indicator: "NW-FUEL-POVERTY", area: "E07000244", sex: Sex::Persons,
           baseline: ("2022", 13.0), target: ("2030", 9.0), accountable: "E07000244", board: SUFFOLK_HWB,
           contributors: &["E10000029"],
           commitments: &[("E07000244", "Retrofit council homes and target grants at fuel-poor households", None)] },
];

fn outcomes() -> Vec<Outcome> {
    SPECS
        .iter()
        .map(|s| Outcome {
            key: s.key.into(),
            title: s.title.into(),
            theme: s.theme.into(),
            ambition: s.ambition.into(),
            indicator: IndicatorCode::parse(s.indicator).expect("valid code"),
            area: gss(s.area),
            sex: s.sex,
            baseline: milestone(s.baseline.0, s.baseline.1),
            target: milestone(s.target.0, s.target.1),
            trajectory: vec![],
            accountable: Accountability {
                organisation: OrganisationId::for_code(s.accountable),
                board: s.board.into(),
            },
            contributors: s
                .contributors
                .iter()
                .map(|c| OrganisationId::for_code(c))
                .collect(),
            commitments: s
                .commitments
                .iter()
                .map(|(d, c, t)| DistrictCommitment {
                    district: gss(d),
                    commitment: (*c).into(),
                    target: *t,
                })
                .collect(),
            review_dates: vec!["2025-09-30".into(), "2026-03-31".into()],
        })
        .collect()
}

/// Fuel poverty has a definition but no data yet: no all-district extract was available.
fn fuel_poverty() -> IndicatorDefinition {
    IndicatorDefinition {
        code: IndicatorCode::parse("NW-FUEL-POVERTY").expect("valid code"),
        version: 1,
        name: "Households in fuel poverty (low income, low energy efficiency)".into(),
        definition: "Households with a fuel poverty energy efficiency rating of band D or below \
                     whose income after housing and energy costs is below the poverty line."
            .into(),
        source: "DESNZ sub-regional fuel poverty statistics (not yet loaded)".into(),
        unit: "%".into(),
        theme: "Wider determinants".into(),
        polarity: Polarity::LowIsGood,
        method: ValueMethod::AsPublished,
        multiplier: 1.0,
        benchmark: BenchmarkMethod::NoComparison,
        as_of: "2025-02-27".into(),
    }
}

/// An objective from its key, plan, area, title and theme, then its links.
fn objective(
    [key, plan, area, title, theme]: [&str; 5],
    level: Level,
    parents: &[&str],
    projects: &[&str],
    outcomes: &[&str],
) -> Objective {
    Objective {
        key: key.into(),
        level,
        plan: plan.into(),
        area: gss(area),
        title: title.into(),
        theme: theme.into(),
        parents: parents.iter().map(|s| s.to_string()).collect(),
        projects: projects.iter().map(|s| s.to_string()).collect(),
        outcomes: outcomes.iter().map(|s| s.to_string()).collect(),
    }
}

/// The thread. Deliberate gaps: warm homes has no local delivery; North Norfolk's loneliness
/// priority and Breckland's parks (under a place objective with no system parent) never
/// reach the system strategy.
pub fn golden_thread() -> GoldenThread {
    use Level::{Local, Place, System};
    let ics = "Norfolk and Waveney Integrated Care Strategy";
    let nhwb = "Norfolk Joint Health and Wellbeing Strategy";
    let shwb = "Suffolk Joint Health and Wellbeing Strategy";
    let h = "Healthy lives";
    let objectives = vec![
        objective(
            [
                "sys-prevention",
                ics,
                "E54000022",
                "Help people stay active, smoke-free and a healthy weight",
                h,
            ],
            System,
            &[],
            &[],
            &[],
        ),
        objective(
            [
                "sys-inequalities",
                ics,
                "E54000022",
                "Narrow the gap in life expectancy",
                "Inequalities",
            ],
            System,
            &[],
            &[],
            &[],
        ),
        objective(
            [
                "sys-homes",
                ics,
                "E54000022",
                "Warm, safe and secure homes for everyone",
                "Wider determinants",
            ],
            System,
            &[],
            &[],
            &["warm-homes"],
        ),
        objective(
            [
                "norfolk-active",
                nhwb,
                "E10000020",
                "Active Norfolk: more people moving more",
                h,
            ],
            Place,
            &["sys-prevention"],
            &["Active Norfolk"],
            &[],
        ),
        objective(
            [
                "norfolk-smokefree",
                nhwb,
                "E10000020",
                "A smokefree Norfolk by 2030",
                h,
            ],
            Place,
            &["sys-prevention"],
            &["Stop-smoking service"],
            &["quits-norfolk"],
        ),
        objective(
            [
                "norfolk-weight",
                nhwb,
                "E10000020",
                "Healthy weight across the life course",
                h,
            ],
            Place,
            &["sys-prevention"],
            &[],
            &[],
        ),
        objective(
            [
                "norfolk-inequalities",
                nhwb,
                "E10000020",
                "Focus on Great Yarmouth and Norwich, where need is greatest",
                "Inequalities",
            ],
            Place,
            &["sys-inequalities"],
            &[],
            &[],
        ),
        objective(
            [
                "norfolk-green",
                nhwb,
                "E10000020",
                "Green and blue spaces for health",
                h,
            ],
            Place,
            &[],
            &[],
            &[],
        ),
        objective(
            [
                "suffolk-homes",
                shwb,
                "E10000029",
                "Healthy homes in Waveney",
                "Wider determinants",
            ],
            Place,
            &["sys-homes"],
            &["Warm Homes Suffolk"],
            &[],
        ),
        objective(
            [
                "gy-moving",
                "Great Yarmouth Health and Wellbeing Partnership plan",
                "E07000145",
                "Get Great Yarmouth moving",
                h,
            ],
            Local,
            &["norfolk-active"],
            &[
                "Beach and parks activity programme",
                "Active travel to school",
            ],
            &["active-lives"],
        ),
        objective(
            [
                "gy-early-detection",
                "Great Yarmouth Health and Wellbeing Partnership plan",
                "E07000145",
                "Find heart and lung disease early",
                "Preventable deaths",
            ],
            Local,
            &["norfolk-inequalities"],
            &["Community health checks"],
            &["preventable-deaths-gy"],
        ),
        objective(
            [
                "norwich-smokefree",
                "Norwich Health and Wellbeing Partnership plan",
                "E07000148",
                "Smokefree Norwich",
                h,
            ],
            Local,
            &["norfolk-smokefree"],
            &["Smokefree homes"],
            &["smokefree-norwich"],
        ),
        objective(
            [
                "norwich-men",
                "Norwich Health and Wellbeing Partnership plan",
                "E07000148",
                "Men's health in the north of the city",
                "Inequalities",
            ],
            Local,
            &["norfolk-inequalities"],
            &["Men's health checks"],
            &["longer-lives-norwich-men"],
        ),
        objective(
            [
                "klwn-weight",
                "West Norfolk Health and Wellbeing Partnership plan",
                "E07000146",
                "Healthy weight in West Norfolk",
                h,
            ],
            Local,
            &["norfolk-weight"],
            &["Tier 2 weight management"],
            &["healthy-weight-klwn"],
        ),
        objective(
            [
                "nn-loneliness",
                "North Norfolk Health and Wellbeing Partnership plan",
                "E07000147",
                "Less loneliness in coastal villages",
                "Wider determinants",
            ],
            Local,
            &[],
            &["Village connectors"],
            &[],
        ),
        objective(
            [
                "breckland-parks",
                "Breckland Health and Wellbeing Partnership plan",
                "E07000143",
                "Parks for all in Breckland",
                h,
            ],
            Local,
            &["norfolk-green"],
            &["Parks for all"],
            &[],
        ),
    ];
    GoldenThread::new(objectives).expect("the demo thread is well formed")
}

/// Stores the ambitions, outcomes and thread.
pub async fn install(store: &Store, icb: &GssCode) -> Result<(), StoreError> {
    store
        .import_indicators(&[fuel_poverty()], &[], DEMO_AUTHOR, "demo definition")
        .await?;
    store.put_ambitions(icb, &ambitions()).await?;
    store
        .put_outcomes(
            icb,
            &outcomes(),
            DEMO_AUTHOR,
            "demo framework agreed by the ICP",
        )
        .await?;
    store
        .put_golden_thread(
            icb,
            &golden_thread(),
            DEMO_AUTHOR,
            "demo strategies and plans",
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_thread_has_its_deliberate_gaps() {
        let t = golden_thread();
        let keys = |v: Vec<&Objective>| v.iter().map(|o| o.key.clone()).collect::<Vec<_>>();
        assert_eq!(
            keys(t.system_objectives_without_local_delivery()),
            ["sys-homes"]
        );
        assert_eq!(
            keys(t.local_priorities_not_reflected()),
            ["nn-loneliness", "breckland-parks"]
        );
        assert_eq!(t.at(Level::Local).count(), 7);
    }
}
