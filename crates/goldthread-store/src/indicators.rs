//! Indicator definitions (versioned) and values.

use goldthread_domain::outcomes::indicator::{
    polarity_serde, BenchmarkMethod, IndicatorCode, IndicatorDefinition, IndicatorValue, Period,
    Sex, ValueMethod,
};
use goldthread_domain::GssCode;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::{now, Store, StoreError};

/// What an indicator import changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct IndicatorImportSummary {
    /// Definitions stored as a new version (new indicators, or changed definitions).
    pub new_definition_versions: usize,
    /// Values inserted or replaced.
    pub values: usize,
}

const DEFINITION_COLUMNS: &str = "code, version, name, definition, source, unit, theme, \
     polarity, method, multiplier, benchmark, as_of";

pub(crate) fn sex_name(s: Sex) -> &'static str {
    match s {
        Sex::Persons => "persons",
        Sex::Male => "male",
        Sex::Female => "female",
    }
}

fn definition_from_row(row: &AnyRow) -> Result<IndicatorDefinition, StoreError> {
    const T: &str = "indicator_definitions";
    let code: String = row.try_get("code")?;
    let bad = |e: String| StoreError::corrupt(T, &code, e);
    Ok(IndicatorDefinition {
        code: IndicatorCode::parse(&code).map_err(|e| bad(e.to_string()))?,
        version: u32::try_from(row.try_get::<i64, _>("version")?)
            .map_err(|e| bad(e.to_string()))?,
        name: row.try_get("name")?,
        definition: row.try_get("definition")?,
        source: row.try_get("source")?,
        unit: row.try_get("unit")?,
        theme: row.try_get("theme")?,
        polarity: row.try_get::<String, _>("polarity")?.parse().map_err(bad)?,
        method: ValueMethod::parse(&row.try_get::<String, _>("method")?)
            .map_err(|e| bad(e.to_string()))?,
        multiplier: row.try_get("multiplier")?,
        benchmark: BenchmarkMethod::parse(&row.try_get::<String, _>("benchmark")?)
            .map_err(|e| bad(e.to_string()))?,
        as_of: row.try_get("as_of")?,
    })
}

fn value_from_row(row: &AnyRow) -> Result<IndicatorValue, StoreError> {
    const T: &str = "indicator_values";
    let code: String = row.try_get("indicator_code")?;
    let area: String = row.try_get("area_code")?;
    let key = format!("{code}/{area}");
    let bad = |e: String| StoreError::corrupt(T, &key, e);
    Ok(IndicatorValue {
        indicator: IndicatorCode::parse(&code).map_err(|e| bad(e.to_string()))?,
        area: GssCode::parse(&area).map_err(|e| bad(e.to_string()))?,
        area_name: row.try_get("area_name")?,
        period: Period {
            sortable: u32::try_from(row.try_get::<i64, _>("period_sortable")?)
                .map_err(|e| bad(e.to_string()))?,
            label: row.try_get("period_label")?,
        },
        sex: Sex::parse(&row.try_get::<String, _>("sex")?).map_err(|e| bad(e.to_string()))?,
        value: row.try_get("value")?,
        lower: row.try_get("lower95")?,
        upper: row.try_get("upper95")?,
        lower_998: row.try_get("lower998")?,
        upper_998: row.try_get("upper998")?,
        count: row.try_get("count")?,
        denominator: row.try_get("denominator")?,
        source_call: row
            .try_get::<Option<String>, _>("source_call")?
            .map(|s| s.parse())
            .transpose()
            .map_err(bad)?,
        note: row.try_get("note")?,
    })
}

pub(crate) async fn latest_definition(
    tx: &mut Transaction<'_, Any>,
    code: &IndicatorCode,
) -> Result<Option<IndicatorDefinition>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {DEFINITION_COLUMNS} FROM indicator_definitions WHERE code = $1 \
         ORDER BY version DESC LIMIT 1"
    ))
    .bind(code.as_str())
    .fetch_optional(&mut **tx)
    .await?;
    row.as_ref().map(definition_from_row).transpose()
}

pub(crate) async fn insert_definition(
    tx: &mut Transaction<'_, Any>,
    d: &IndicatorDefinition,
    changed_by: &str,
    reason: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO indicator_definitions (code, version, name, definition, source, unit, theme, \
         polarity, method, multiplier, benchmark, as_of, changed_by, reason, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(d.code.as_str())
    .bind(i64::from(d.version))
    .bind(d.name.as_str())
    .bind(d.definition.as_str())
    .bind(d.source.as_str())
    .bind(d.unit.as_str())
    .bind(d.theme.as_str())
    .bind(polarity_serde::name(d.polarity))
    .bind(d.method.as_str())
    .bind(d.multiplier)
    .bind(d.benchmark.as_str())
    .bind(d.as_of.as_str())
    .bind(changed_by)
    .bind(reason)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// Not a cached statement: on PostgreSQL the Any driver declares each parameter's type from the
// values bound when a statement is first prepared, and a NULL bound first would fix the wrong
// type for every later row. The casts give each NULL its column's type.
pub(crate) async fn upsert_value(
    tx: &mut Transaction<'_, Any>,
    v: &IndicatorValue,
    at: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO indicator_values (indicator_code, area_code, area_name, period_label, \
         period_sortable, sex, value, lower95, upper95, lower998, upper998, count, denominator, \
         source_call, note, imported_at) VALUES ($1, $2, $3, $4, $5, $6, \
         CAST($7 AS DOUBLE PRECISION), CAST($8 AS DOUBLE PRECISION), CAST($9 AS DOUBLE PRECISION), \
         CAST($10 AS DOUBLE PRECISION), CAST($11 AS DOUBLE PRECISION), CAST($12 AS DOUBLE PRECISION), \
         CAST($13 AS DOUBLE PRECISION), CAST($14 AS TEXT), $15, $16) ON CONFLICT (indicator_code, area_code, period_label, sex) DO \
         UPDATE SET area_name = excluded.area_name, period_sortable = excluded.period_sortable, \
         value = excluded.value, lower95 = excluded.lower95, upper95 = excluded.upper95, \
         lower998 = excluded.lower998, upper998 = excluded.upper998, count = excluded.count, \
         denominator = excluded.denominator, source_call = excluded.source_call, \
         note = excluded.note, imported_at = excluded.imported_at",
    )
    .persistent(false)
    .bind(v.indicator.as_str())
    .bind(v.area.as_str())
    .bind(v.area_name.as_str())
    .bind(v.period.label.as_str())
    .bind(i64::from(v.period.sortable))
    .bind(sex_name(v.sex))
    .bind(v.value)
    .bind(v.lower)
    .bind(v.upper)
    .bind(v.lower_998)
    .bind(v.upper_998)
    .bind(v.count)
    .bind(v.denominator)
    .bind(v.source_call.map(|c| c.label()))
    .bind(v.note.as_str())
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether two definitions say the same thing (ignoring the version number).
pub(crate) fn same_definition(a: &IndicatorDefinition, b: &IndicatorDefinition) -> bool {
    IndicatorDefinition {
        version: 0,
        ..a.clone()
    } == IndicatorDefinition {
        version: 0,
        ..b.clone()
    }
}

impl Store {
    /// Stores indicator definitions and values in one transaction. A definition that differs
    /// from the stored one becomes its next version, attributed to `changed_by`; values replace
    /// earlier ones for the same indicator, area, period and sex. Every value's indicator must
    /// be among `definitions` or already stored.
    pub async fn import_indicators(
        &self,
        definitions: &[IndicatorDefinition],
        values: &[IndicatorValue],
        changed_by: &str,
        reason: &str,
    ) -> Result<IndicatorImportSummary, StoreError> {
        let at = now();
        let mut summary = IndicatorImportSummary::default();
        let mut tx = self.pool.begin().await?;
        let mut known = std::collections::BTreeSet::new();
        for d in definitions {
            let latest = latest_definition(&mut tx, &d.code).await?;
            known.insert(d.code.clone());
            match latest {
                Some(l) if same_definition(&l, d) => {}
                latest => {
                    let next = IndicatorDefinition {
                        version: latest.map_or(1, |l| l.version + 1),
                        ..d.clone()
                    };
                    insert_definition(&mut tx, &next, changed_by, reason).await?;
                    summary.new_definition_versions += 1;
                }
            }
        }
        for v in values {
            if !known.contains(&v.indicator) {
                if latest_definition(&mut tx, &v.indicator).await?.is_none() {
                    return Err(StoreError::Conflict(format!(
                        "indicator {} has no definition: every value needs one",
                        v.indicator
                    )));
                }
                known.insert(v.indicator.clone());
            }
            upsert_value(&mut tx, v, &at).await?;
            summary.values += 1;
        }
        tx.commit().await?;
        Ok(summary)
    }

    /// The current version of every indicator's definition, by code.
    pub async fn indicator_definitions(&self) -> Result<Vec<IndicatorDefinition>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DEFINITION_COLUMNS} FROM indicator_definitions d WHERE version = \
             (SELECT MAX(version) FROM indicator_definitions x WHERE x.code = d.code) ORDER BY code"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(definition_from_row).collect()
    }

    /// Every version of one indicator's definition, oldest first, with who changed it and why.
    pub async fn indicator_definition_history(
        &self,
        code: &IndicatorCode,
    ) -> Result<Vec<(IndicatorDefinition, String, String)>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {DEFINITION_COLUMNS}, changed_by, reason FROM indicator_definitions \
             WHERE code = $1 ORDER BY version"
        ))
        .bind(code.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    definition_from_row(r)?,
                    r.try_get("changed_by")?,
                    r.try_get("reason")?,
                ))
            })
            .collect()
    }

    /// Values of one indicator for the given areas, by area then period.
    pub async fn indicator_values(
        &self,
        code: &IndicatorCode,
        areas: &[GssCode],
    ) -> Result<Vec<IndicatorValue>, StoreError> {
        let mut out = Vec::new();
        for area in areas {
            let rows = sqlx::query(
                "SELECT * FROM indicator_values WHERE indicator_code = $1 AND area_code = $2 \
                 ORDER BY period_sortable, period_label, sex",
            )
            .bind(code.as_str())
            .bind(area.as_str())
            .fetch_all(&self.pool)
            .await?;
            for r in &rows {
                out.push(value_from_row(r)?);
            }
        }
        Ok(out)
    }
}
