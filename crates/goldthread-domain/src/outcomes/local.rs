//! Partners' own indicators: counts and denominators by area and period, from which goldthread
//! computes values and limits with the OHID methods (never trusting a value column).

use std::collections::HashMap;

use super::fingertips::number;
use super::indicator::{IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod};
use super::{BadRow, ImportError};
use crate::ids::GssCode;

/// Reads `area_code, period, numerator, denominator` (and optionally `area_name`, `sex`) rows
/// for one indicator and computes each value by the definition's method.
pub fn parse_local_counts(
    bytes: &[u8],
    def: &IndicatorDefinition,
) -> Result<Vec<IndicatorValue>, ImportError> {
    if def.method == ValueMethod::AsPublished {
        return Err(ImportError::Definition(format!(
            "indicator {} is published as given; counts need a proportion or crude_rate method",
            def.code
        )));
    }
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    let col: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    for name in ["area_code", "period", "numerator", "denominator"] {
        if !col.contains_key(name) {
            return Err(ImportError::MissingColumn(name));
        }
    }
    let mut bad = Vec::new();
    let mut out = Vec::new();
    let mut seen: HashMap<(GssCode, String, Sex), u64> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let row = record
            .map_err(|e| e.to_string())
            .and_then(|r| local_row(&r, &col, def));
        match row {
            Ok(v) => {
                let key = (v.area, v.period.label.clone(), v.sex);
                if let Some(first) = seen.insert(key, line) {
                    bad.push(BadRow::new(
                        line,
                        format!("repeats the area, period and sex of line {first}"),
                    ));
                } else {
                    out.push(v);
                }
            }
            Err(reason) => bad.push(BadRow::new(line, reason)),
        }
    }
    if bad.is_empty() {
        Ok(out)
    } else {
        Err(ImportError::BadRows(bad))
    }
}

fn local_row(
    r: &csv::StringRecord,
    col: &HashMap<&str, usize>,
    def: &IndicatorDefinition,
) -> Result<IndicatorValue, String> {
    let get = |name: &str| col.get(name).and_then(|i| r.get(*i)).unwrap_or("").trim();
    let area = GssCode::parse(get("area_code")).map_err(|e| format!("area_code: {e}"))?;
    let count = number(get("numerator"))
        .map_err(|e| format!("numerator: {e}"))?
        .ok_or("numerator: missing")?;
    let denominator = number(get("denominator"))
        .map_err(|e| format!("denominator: {e}"))?
        .ok_or("denominator: missing")?;
    let mut v = IndicatorValue {
        indicator: def.code.clone(),
        area,
        area_name: get("area_name").to_owned(),
        period: Period::parse(get("period")).map_err(|e| format!("period: {e}"))?,
        sex: Sex::parse(get("sex")).map_err(|e| format!("sex: {e}"))?,
        value: None,
        lower: None,
        upper: None,
        lower_998: None,
        upper_998: None,
        count: Some(count),
        denominator: Some(denominator),
        source_call: None,
        note: String::new(),
    };
    v.recompute(def)
        .map_err(|e| format!("numerator/denominator: {e}"))?;
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::indicator::{BenchmarkMethod, IndicatorCode};
    use goldthread_stats::{proportion, ConfidenceLevel, Polarity};

    fn quits() -> IndicatorDefinition {
        IndicatorDefinition {
            code: IndicatorCode::parse("NW-QUITS").unwrap(),
            version: 1,
            name: "Four-week quits".into(),
            definition: "Quit at four weeks / set a quit date".into(),
            source: "Stop-smoking service".into(),
            unit: "%".into(),
            theme: "Healthy lives".into(),
            polarity: Polarity::HighIsGood,
            method: ValueMethod::Proportion,
            multiplier: 100.0,
            benchmark: BenchmarkMethod::NoComparison,
            as_of: "2025-04-30".into(),
        }
    }

    #[test]
    fn partner_counts_become_values_with_wilson_limits() {
        let csv = b"area_code,area_name,period,numerator,denominator\nE07000145,Great Yarmouth,2024-07,41,70\n";
        let v = parse_local_counts(csv, &quits()).unwrap();
        let expected = proportion(41.0, 70.0, ConfidenceLevel::NINETY_FIVE, 100.0).unwrap();
        assert_eq!(v[0].value, Some(expected.value));
        assert_eq!((v[0].lower, v[0].upper), (expected.lower, expected.upper));
        assert_eq!(v[0].period.sortable, 20240700);
    }

    #[test]
    fn bad_partner_rows_are_named_by_line_and_field() {
        let csv = b"area_code,period,numerator,denominator\n\
                    E07000145,2024-07,80,70\n\
                    Norwich,2024-07,1,2\n\
                    E07000148,2024-07,,2\n";
        let Err(ImportError::BadRows(rows)) = parse_local_counts(csv, &quits()) else {
            panic!("expected bad rows")
        };
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
        assert!(
            rows[0].reason.contains("larger than denominator"),
            "{}",
            rows[0].reason
        );
        assert!(rows[1].reason.starts_with("area_code"));
        assert_eq!(rows[2].reason, "numerator: missing");
    }
}
