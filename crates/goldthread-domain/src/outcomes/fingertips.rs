//! Reading Fingertips exports: the full CSV the website and API give (26 or 27 columns,
//! matched by name), and the cut-down ten-column extracts some councils keep
//! (`area_code, area_name, area_type, period, indicator, measure, unit, value,
//! compared_to_England, inequality`).
//!
//! Rows that cannot be read are named by line and reason and nothing is returned, so a caller
//! stores all of a file or none of it. Inequality breakdown rows (a "Category Type") and areas
//! that are not GSS-coded (GP practices, PCNs) are skipped and counted, not rejected.

use std::collections::{BTreeMap, HashMap};

use goldthread_stats::{Comparison, Polarity};

use super::indicator::{
    is_england, BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex,
    ValueMethod,
};
use super::polarity::PolarityEvidence;
use super::{BadRow, ImportError};
use crate::ids::GssCode;

/// What the file itself cannot say: the caller's metadata.
#[derive(Clone, Debug)]
pub struct FingertipsOptions {
    /// Indicator code for cut-down extracts, which carry a name but no ID.
    pub indicator: Option<IndicatorCode>,
    /// The polarity the caller's metadata gives; checked against the file's own calls.
    pub polarity: Option<Polarity>,
    /// How areas are compared with England.
    pub benchmark: BenchmarkMethod,
    /// The "as of" date (YYYY-MM-DD) of the extract.
    pub as_of: String,
    /// Source statement for the data dictionary.
    pub source: String,
    /// Dashboard theme.
    pub theme: String,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default)]
pub struct IndicatorImport {
    /// One definition per indicator in the file.
    pub definitions: Vec<IndicatorDefinition>,
    /// Every value row kept.
    pub values: Vec<IndicatorValue>,
    /// Rows skipped on purpose, by reason.
    pub skipped: BTreeMap<String, usize>,
    /// For each indicator, what its Better/Worse calls imply about polarity.
    pub polarity_evidence: Vec<(IndicatorCode, PolarityEvidence)>,
}

/// Reads a Fingertips CSV export of either layout.
pub fn parse_fingertips(
    bytes: &[u8],
    options: &FingertipsOptions,
) -> Result<IndicatorImport, ImportError> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::Csv(e.to_string()))?
        .clone();
    let columns = Columns::find(&headers)?;
    let mut import = IndicatorImport::default();
    let mut names: BTreeMap<IndicatorCode, String> = BTreeMap::new();
    let mut bad = Vec::new();
    let mut seen: HashMap<(IndicatorCode, GssCode, String, Sex), u64> = HashMap::new();
    for (i, record) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                bad.push(BadRow::new(line, e.to_string()));
                continue;
            }
        };
        match columns.read(&record, options) {
            Ok(Row::Skip(reason)) => *import.skipped.entry(reason.to_owned()).or_default() += 1,
            Ok(Row::Value(value, name)) => {
                let key = (
                    value.indicator.clone(),
                    value.area,
                    value.period.label.clone(),
                    value.sex,
                );
                if let Some(first) = seen.insert(key, line) {
                    bad.push(BadRow::new(
                        line,
                        format!("repeats the indicator, area, period and sex of line {first}"),
                    ));
                    continue;
                }
                names.entry(value.indicator.clone()).or_insert(name);
                import.values.push(*value);
            }
            Err(reason) => bad.push(BadRow::new(line, reason)),
        }
    }
    if !bad.is_empty() {
        return Err(ImportError::BadRows(bad));
    }
    for (code, name) in names {
        let evidence = PolarityEvidence::from_calls(&import.values, &code);
        let polarity = evidence.check(&code, options.polarity)?;
        import.polarity_evidence.push((code.clone(), evidence));
        import
            .definitions
            .push(definition(code, name, polarity, options));
    }
    Ok(import)
}

fn definition(
    code: IndicatorCode,
    name: String,
    polarity: Polarity,
    options: &FingertipsOptions,
) -> IndicatorDefinition {
    IndicatorDefinition {
        definition: format!("{name} (Fingertips indicator {code}), as published by OHID."),
        code,
        version: 1,
        unit: String::new(),
        name,
        source: options.source.clone(),
        theme: options.theme.clone(),
        polarity,
        method: ValueMethod::AsPublished,
        multiplier: 1.0,
        benchmark: options.benchmark,
        as_of: options.as_of.clone(),
    }
}

enum Row {
    Skip(&'static str),
    Value(Box<IndicatorValue>, String),
}

/// Where each needed column is, for either layout.
struct Columns {
    full: bool,
    by_name: HashMap<String, usize>,
}

impl Columns {
    fn find(headers: &csv::StringRecord) -> Result<Self, ImportError> {
        let by_name: HashMap<String, usize> = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_owned(), i))
            .collect();
        let full = by_name.contains_key("Indicator ID");
        let needed: &[&'static str] = if full {
            &[
                "Indicator ID",
                "Indicator Name",
                "Area Code",
                "Area Name",
                "Sex",
                "Time period",
                "Value",
                "Lower CI 95.0 limit",
                "Upper CI 95.0 limit",
                "Compared to England value or percentiles",
            ]
        } else {
            &[
                "area_code",
                "area_name",
                "period",
                "indicator",
                "value",
                "compared_to_England",
            ]
        };
        for name in needed {
            if !by_name.contains_key(*name) {
                return Err(ImportError::MissingColumn(name));
            }
        }
        Ok(Self { full, by_name })
    }

    fn get<'r>(&self, record: &'r csv::StringRecord, name: &str) -> &'r str {
        self.by_name
            .get(name)
            .and_then(|i| record.get(*i))
            .unwrap_or("")
            .trim()
    }

    fn number(&self, record: &csv::StringRecord, name: &str) -> Result<Option<f64>, String> {
        number(self.get(record, name)).map_err(|e| format!("{name}: {e}"))
    }

    fn read(&self, r: &csv::StringRecord, options: &FingertipsOptions) -> Result<Row, String> {
        let (id, name, sex, call, area_type) = if self.full {
            if !self.get(r, "Category Type").is_empty() {
                return Ok(Row::Skip("inequality breakdown (category) rows"));
            }
            (
                self.get(r, "Indicator ID"),
                self.get(r, "Indicator Name"),
                self.get(r, "Sex"),
                self.get(r, "Compared to England value or percentiles"),
                self.get(r, "Area Type"),
            )
        } else {
            let id = options
                .indicator
                .as_ref()
                .map(IndicatorCode::as_str)
                .ok_or(
                    "this cut-down extract has no indicator ID: give the indicator code".to_owned(),
                )?;
            // Some extracts put the sex in `unit` and leave `inequality` as NA.
            let inequality = self.get(r, "inequality");
            let unit = self.get(r, "unit");
            let sex = if Sex::parse(inequality) == Ok(Sex::Persons)
                && ["male", "female"].contains(&unit.to_ascii_lowercase().as_str())
            {
                unit
            } else {
                inequality
            };
            (
                id,
                self.get(r, "indicator"),
                sex,
                self.get(r, "compared_to_England"),
                self.get(r, "area_type"),
            )
        };
        let indicator = IndicatorCode::parse(id).map_err(|e| format!("Indicator ID: {e}"))?;
        let code_column = if self.full { "Area Code" } else { "area_code" };
        let area = match GssCode::parse(self.get(r, code_column)) {
            Ok(a) => a,
            Err(_) if is_practice_level(area_type) => {
                return Ok(Row::Skip("GP practice and PCN rows (not GSS-coded areas)"))
            }
            Err(e) => return Err(format!("{code_column}: {e}")),
        };
        let value = if self.full {
            self.full_value(r, indicator, area, sex, call)?
        } else {
            self.extract_value(r, indicator, area, sex, call)?
        };
        Ok(Row::Value(Box::new(value), name.to_owned()))
    }

    fn full_value(
        &self,
        r: &csv::StringRecord,
        indicator: IndicatorCode,
        area: GssCode,
        sex: &str,
        call: &str,
    ) -> Result<IndicatorValue, String> {
        Ok(IndicatorValue {
            indicator,
            area,
            area_name: self.get(r, "Area Name").to_owned(),
            period: Period::parse(self.get(r, "Time period"))
                .map_err(|e| format!("Time period: {e}"))?,
            sex: Sex::parse(sex).map_err(|e| format!("Sex: {e}"))?,
            value: self.number(r, "Value")?,
            lower: self.number(r, "Lower CI 95.0 limit")?,
            upper: self.number(r, "Upper CI 95.0 limit")?,
            lower_998: self.number(r, "Lower CI 99.8 limit")?,
            upper_998: self.number(r, "Upper CI 99.8 limit")?,
            count: self.number(r, "Count")?,
            denominator: self.number(r, "Denominator")?,
            source_call: source_call(call)?,
            note: self.get(r, "Value note").to_owned(),
        })
    }

    fn extract_value(
        &self,
        r: &csv::StringRecord,
        indicator: IndicatorCode,
        area: GssCode,
        sex: &str,
        call: &str,
    ) -> Result<IndicatorValue, String> {
        Ok(IndicatorValue {
            indicator,
            area,
            area_name: self.get(r, "area_name").to_owned(),
            period: Period::parse(self.get(r, "period")).map_err(|e| format!("period: {e}"))?,
            sex: Sex::parse(sex).map_err(|e| format!("inequality: {e}"))?,
            value: self.number(r, "value")?,
            lower: None,
            upper: None,
            lower_998: None,
            upper_998: None,
            count: None,
            denominator: None,
            source_call: source_call(call)?,
            note: String::new(),
        })
    }
}

fn is_practice_level(area_type: &str) -> bool {
    let t = area_type.to_ascii_lowercase();
    t.contains("gp") || t.contains("pcn") || t.contains("practice")
}

/// A number cell: blank and "NA" are missing; anything else must be a finite number.
pub(crate) fn number(cell: &str) -> Result<Option<f64>, String> {
    let cell = cell.trim();
    if cell.is_empty() || cell.eq_ignore_ascii_case("na") {
        return Ok(None);
    }
    match cell.replace(',', "").parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("{cell:?} is not a number")),
    }
}

/// The source's call: Fingertips labels only; quintile words and blanks mean no call.
fn source_call(cell: &str) -> Result<Option<Comparison>, String> {
    if cell.is_empty() {
        return Ok(None);
    }
    match cell.parse::<Comparison>() {
        Ok(c) => Ok(Some(c)),
        Err(_) if is_quintile_word(cell) => Ok(None),
        Err(e) => Err(format!("Compared to England: {e}")),
    }
}

fn is_quintile_word(cell: &str) -> bool {
    let c = cell.to_ascii_lowercase();
    [
        "lowest",
        "low",
        "middle",
        "high",
        "highest",
        "best",
        "worst",
        "not applicable",
    ]
    .iter()
    .any(|w| c == *w)
        || c.contains("quintile")
}

/// England's value for each (indicator, period, sex) in a set of values.
pub fn england_values(values: &[IndicatorValue]) -> HashMap<(IndicatorCode, String, Sex), f64> {
    values
        .iter()
        .filter(|v| is_england(&v.area))
        .filter_map(|v| {
            v.value
                .map(|x| ((v.indicator.clone(), v.period.label.clone(), v.sex), x))
        })
        .collect()
}
