//! The demo's shared outcomes: a real indicator set for Norfolk and Waveney's districts (OHID
//! Fingertips extracts shipped in `data/indicators/norfolk-and-waveney/`, made by
//! `scripts/derive-demo-indicators.py`), one illustrative local indicator from partners'
//! counts, an outcomes framework with accountable partners, a three-level golden thread with
//! deliberate gaps, and budgets with a prevention share.
//!
//! Everything real is imported through the same Fingertips importer any ICS would use, with
//! its polarity checked against Fingertips' own calls. Everything made up is labelled
//! "illustrative" in its source.

mod budgets;
mod framework;
pub mod local;

use goldthread_domain::outcomes::fingertips::{parse_fingertips, FingertipsOptions};
use goldthread_domain::outcomes::indicator::{BenchmarkMethod, IndicatorCode, IndicatorDefinition};
use goldthread_domain::GssCode;
use goldthread_stats::Polarity;
use goldthread_store::{Store, StoreError};

/// Who the demo's changes are attributed to.
pub const DEMO_AUTHOR: &str = "goldthread demo";

/// One shipped Fingertips file and what the file itself cannot say.
struct Extract {
    file: &'static str,
    bytes: &'static [u8],
    code: Option<&'static str>,
    polarity: Option<Polarity>,
    benchmark: BenchmarkMethod,
    theme: &'static str,
    unit: &'static str,
    definition: &'static str,
    as_of: &'static str,
}

macro_rules! extract {
    ($file:literal) => {
        (
            $file,
            include_bytes!(concat!(
                "../../../data/indicators/norfolk-and-waveney/",
                $file
            )) as &[u8],
        )
    };
}

fn extracts() -> Vec<Extract> {
    let mk =
        |(file, bytes): (&'static str, &'static [u8]), code, polarity, theme, unit, definition| {
            Extract {
                file,
                bytes,
                code,
                polarity,
                benchmark: BenchmarkMethod::CiOverlapsReference95,
                theme,
                unit,
                definition,
                as_of: "2026-05-13",
            }
        };
    vec![
        mk(extract!("trafforddatalab_fingertips_life_expectancy.csv"), Some("90366"), Some(Polarity::HighIsGood),
           "Healthy lives", "years", "Average number of years a newborn would live at current age-specific death rates (3-year pooled)."),
        mk(extract!("trafforddatalab_fingertips_inactive_adults.csv"), Some("93015"), Some(Polarity::LowIsGood),
           "Healthy lives", "%", "Adults (19+) doing less than 30 moderate-intensity equivalent minutes of physical activity a week (Active Lives Survey)."),
        mk(extract!("trafforddatalab_fingertips_overweight_adult.csv"), Some("93088"), Some(Polarity::LowIsGood),
           "Healthy lives", "%", "Adults (18+) classified as overweight or obese (BMI 25 or more), Active Lives Survey."),
        mk(extract!("trafforddatalab_fingertips_adults_smoking.csv"), Some("92443"), Some(Polarity::LowIsGood),
           "Healthy lives", "%", "Adults (18+) who currently smoke (Annual Population Survey)."),
        mk(extract!("trafforddatalab_fingertips_mortality_rate.csv"), Some("93721"), Some(Polarity::LowIsGood),
           "Preventable deaths", "per 100,000", "Directly age-standardised rate of deaths under 75 from causes considered preventable, per 100,000 (ESP 2013)."),
        mk(extract!("trafforddatalab_fingertips_inequality_life_expectancy.csv"), Some("92901"), None,
           "Inequalities", "years", "Slope index of inequality in life expectancy at birth across deprivation deciles within the area."),
        Extract {
            benchmark: BenchmarkMethod::NoComparison,
            as_of: "2020-03-24",
            ..mk(extract!("fingertips_export_2020-03_district_ua_pre419_prevalence_estimates.csv"), None, None,
                 "Long-term conditions", "%", "PHE modelled prevalence estimate (2015), districts before April 2019.")
        },
    ]
}

/// Imports the demo's real Fingertips extracts; each file in its own transaction.
async fn install_fingertips(store: &Store) -> Result<(), StoreError> {
    for e in extracts() {
        let options = FingertipsOptions {
            indicator: e.code.map(|c| IndicatorCode::parse(c).expect("valid code")),
            polarity: e.polarity,
            benchmark: e.benchmark,
            as_of: e.as_of.to_owned(),
            source: if e.file.starts_with("fingertips_export") {
                "OHID Fingertips export (OGL v3.0)".to_owned()
            } else {
                "OHID Fingertips (OGL v3.0), via traffordDataLab/trafford_themes".to_owned()
            },
            theme: e.theme.to_owned(),
        };
        let import = parse_fingertips(e.bytes, &options)
            .map_err(|err| StoreError::Conflict(format!("shipped extract {}: {err}", e.file)))?;
        let definitions: Vec<IndicatorDefinition> = import
            .definitions
            .into_iter()
            .map(|d| IndicatorDefinition {
                unit: e.unit.to_owned(),
                definition: format!("{} {}", d.definition, e.definition),
                ..d
            })
            .collect();
        store
            .import_indicators(&definitions, &import.values, DEMO_AUTHOR, "demo extract")
            .await?;
    }
    Ok(())
}

/// Installs the demo's indicators, outcomes framework, golden thread and budgets.
pub async fn install(store: &Store, icb: &GssCode) -> Result<(), StoreError> {
    install_fingertips(store).await?;
    local::install(store).await?;
    framework::install(store, icb).await?;
    budgets::install(store, icb).await?;
    Ok(())
}
