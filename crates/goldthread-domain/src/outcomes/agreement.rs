//! How often goldthread's recomputed "compared with England" calls equal the source's own.

use std::collections::HashMap;

use goldthread_stats::Comparison;
use serde::Serialize;

use super::fingertips::england_values;
use super::indicator::{is_england, IndicatorCode, IndicatorDefinition, IndicatorValue};

/// One area whose call differs from the source's.
#[derive(Clone, Debug, Serialize)]
pub struct CallDifference {
    /// Indicator.
    pub indicator: IndicatorCode,
    /// Area code.
    pub area: String,
    /// Period label.
    pub period: String,
    /// The source's call.
    pub source: String,
    /// goldthread's call.
    pub goldthread: String,
}

/// The agreement of recomputed calls with the source's.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CallAgreement {
    /// Rows with a source call that goldthread could recompute (value, limits and England).
    pub compared: usize,
    /// Of those, how many agree.
    pub agreeing: usize,
    /// Rows with a source call but nothing to recompute from (no limits published).
    pub not_recomputable: usize,
    /// The rows that differ.
    pub differences: Vec<CallDifference>,
}

impl CallAgreement {
    /// Agreement as a fraction of the rows compared (1.0 when none were).
    pub fn rate(&self) -> f64 {
        if self.compared == 0 {
            1.0
        } else {
            self.agreeing as f64 / self.compared as f64
        }
    }
}

/// Recomputes every area's call against England and counts agreement with the source's.
pub fn call_agreement(
    definitions: &[IndicatorDefinition],
    values: &[IndicatorValue],
) -> CallAgreement {
    let defs: HashMap<&IndicatorCode, &IndicatorDefinition> =
        definitions.iter().map(|d| (&d.code, d)).collect();
    let england = england_values(values);
    let mut out = CallAgreement::default();
    for v in values.iter().filter(|v| !is_england(&v.area)) {
        let (Some(source), Some(def)) = (v.source_call, defs.get(&v.indicator)) else {
            continue;
        };
        let eng = england
            .get(&(v.indicator.clone(), v.period.label.clone(), v.sex))
            .copied();
        let recomputable = v.value.is_some() && v.lower.is_some() && v.upper.is_some();
        if !recomputable && source != Comparison::NotCompared {
            out.not_recomputable += 1;
            continue;
        }
        let ours = v.compare_with(def, eng);
        out.compared += 1;
        if ours == source {
            out.agreeing += 1;
        } else {
            out.differences.push(CallDifference {
                indicator: v.indicator.clone(),
                area: v.area.to_string(),
                period: v.period.label.clone(),
                source: source.label().to_owned(),
                goldthread: ours.label().to_owned(),
            });
        }
    }
    out
}
