//! Everything the outcomes pages and exports show for one ICS, gathered once per request:
//! its districts and places, indicator definitions and values (with counts rolled up from
//! districts to places and the system), outcomes and their statuses, the golden thread,
//! budgets, and the disclosure rule every published number passes.

use std::collections::{BTreeMap, HashMap};

use goldthread_domain::geography::Tier;
use goldthread_domain::organisation::{Organisation, OrganisationId};
use goldthread_domain::outcomes::budget::{BudgetLine, PreventionDefinition};
use goldthread_domain::outcomes::disclosure::DisclosureSetting;
use goldthread_domain::outcomes::indicator::{
    is_england, IndicatorCode, IndicatorDefinition, IndicatorValue, Period, Sex, ValueMethod,
    ENGLAND,
};
use goldthread_domain::outcomes::outcome::{Ambition, Attribution, Outcome, OutcomeStatus};
use goldthread_domain::outcomes::rebase::RecordedRebase;
use goldthread_domain::outcomes::thread::GoldenThread;
use goldthread_domain::GssCode;
use goldthread_stats::Comparison;

use crate::{ApiError, AppState};

/// An area the dashboard shows: a district (local), a county (place) or the ICB (system).
#[derive(Clone, Debug)]
pub(crate) struct Area {
    pub code: GssCode,
    pub name: String,
    /// The place a district belongs to.
    pub place: Option<GssCode>,
    /// The share of the council inside this ICS by LSOA count (1 for a whole council; East
    /// Suffolk's 49.7% in Norfolk and Waveney): the share of its counts it contributes.
    pub share: f64,
}

/// One ICS's outcomes data.
pub(crate) struct SystemData {
    pub icb: GssCode,
    pub name: String,
    pub districts: Vec<Area>,
    pub places: Vec<Area>,
    pub definitions: BTreeMap<IndicatorCode, IndicatorDefinition>,
    pub values: HashMap<IndicatorCode, Vec<IndicatorValue>>,
    pub ambitions: Vec<Ambition>,
    pub outcomes: Vec<(Outcome, Attribution)>,
    pub thread: GoldenThread,
    pub thread_attribution: Option<Attribution>,
    pub budgets: Vec<BudgetLine>,
    pub prevention: PreventionDefinition,
    pub disclosure: DisclosureSetting,
    pub organisations: HashMap<OrganisationId, Organisation>,
    /// Populations of councils (Census 2021), for per-head figures.
    pub populations: HashMap<GssCode, u32>,
    /// SPC rebases people decided, with their reasons.
    pub rebases: Vec<RecordedRebase>,
    /// Today, by the server's clock (next review dates, the report's date).
    pub today: chrono::NaiveDate,
}

/// A value as it may be published: counts rounded or withheld by the ICS's rule, and the
/// statistics derived from a withheld count withheld with it.
#[derive(Clone, Debug, serde::Serialize)]
pub(crate) struct Published {
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub count: Option<u64>,
    pub denominator: Option<u64>,
    pub suppressed: bool,
}

impl SystemData {
    /// Loads everything for the ICS at `icb`.
    pub async fn load(state: &AppState, icb: &GssCode) -> Result<Self, ApiError> {
        let geo = state.geography()?;
        let store = state.store();
        let system = store
            .systems()
            .await?
            .into_iter()
            .find(|s| &s.icb == icb)
            .ok_or_else(|| {
                ApiError::not_found(
                    "no_system",
                    format!("no integrated care system {icb} is set up"),
                )
            })?;
        let mut districts = Vec::new();
        let mut places: Vec<Area> = Vec::new();
        let mut populations = HashMap::new();
        for (a, share) in geo.authorities_in(icb) {
            if let Some(p) = a.population() {
                populations.insert(a.code, p);
            }
            if a.tier == Tier::County {
                continue;
            }
            let place = (a.tier == Tier::District).then_some(a.upper_tier);
            if let Some(p) = place {
                if !places.iter().any(|x| x.code == p) {
                    let county = geo.authority(&p);
                    places.push(Area {
                        code: p,
                        name: county.map_or(p.to_string(), |c| c.name.clone()),
                        place: None,
                        share: 1.0,
                    });
                    if let Some(pop) = county.and_then(|c| c.population()) {
                        populations.insert(p, pop);
                    }
                }
            }
            districts.push(Area {
                code: a.code,
                name: a.name.clone(),
                place,
                share: share.share(),
            });
        }
        districts.sort_by(|a, b| a.name.cmp(&b.name));
        let definitions: BTreeMap<_, _> = store
            .indicator_definitions()
            .await?
            .into_iter()
            .map(|d| (d.code.clone(), d))
            .collect();
        let mut areas: Vec<GssCode> = districts.iter().map(|d| d.code).collect();
        areas.extend(places.iter().map(|p| p.code));
        areas.push(*icb);
        areas.push(GssCode::parse(ENGLAND).expect("England's code"));
        let mut values = HashMap::new();
        for (code, def) in &definitions {
            let mut v = store.indicator_values(code, &areas).await?;
            if v.is_empty() {
                continue;
            }
            roll_up(def, &mut v, &districts, &places, icb, &system.name);
            values.insert(code.clone(), v);
        }
        let (thread, thread_attribution) = store.golden_thread(icb).await?;
        Ok(Self {
            icb: *icb,
            name: system.name,
            districts,
            places,
            definitions,
            values,
            ambitions: store.ambitions(icb).await?,
            outcomes: store.outcomes(icb).await?,
            thread,
            thread_attribution,
            budgets: store.budget_lines(icb).await?,
            prevention: store.prevention_definition(icb).await?,
            disclosure: store.disclosure(icb).await?,
            organisations: store
                .organisations_in(icb)
                .await?
                .into_iter()
                .map(|o| (o.id, o))
                .collect(),
            populations,
            rebases: store.rebases(icb).await?,
            today: chrono::Utc::now().date_naive(),
        })
    }

    /// The name of an area the dashboard knows.
    pub fn area_name(&self, code: &GssCode) -> String {
        if code == &self.icb {
            return self.name.clone();
        }
        self.districts
            .iter()
            .chain(&self.places)
            .find(|a| &a.code == code)
            .map_or_else(|| code.to_string(), |a| a.name.clone())
    }

    /// An organisation's name.
    pub fn organisation_name(&self, id: &OrganisationId) -> String {
        self.organisations
            .get(id)
            .map_or_else(|| id.to_string(), |o| o.name.clone())
    }

    /// Values of an indicator for one area and sex, oldest first.
    pub fn series(&self, code: &IndicatorCode, area: &GssCode, sex: Sex) -> Vec<&IndicatorValue> {
        let mut v: Vec<&IndicatorValue> = self
            .values
            .get(code)
            .map(|vs| {
                vs.iter()
                    .filter(|v| &v.area == area && v.sex == sex)
                    .collect()
            })
            .unwrap_or_default();
        v.sort_by(|a, b| a.period.cmp(&b.period));
        v
    }

    /// The latest period with values for the districts, for a sex.
    pub fn latest_period(&self, code: &IndicatorCode, sex: Sex) -> Option<Period> {
        self.values
            .get(code)?
            .iter()
            .filter(|v| v.sex == sex && !is_england(&v.area) && v.value.is_some())
            .map(|v| v.period.clone())
            .max()
    }

    /// The sex an indicator is best shown for: persons when published, otherwise the first.
    pub fn default_sex(&self, code: &IndicatorCode) -> Sex {
        let vs = self.values.get(code);
        if vs.is_none_or(|vs| vs.iter().any(|v| v.sex == Sex::Persons)) {
            Sex::Persons
        } else {
            vs.and_then(|vs| vs.iter().map(|v| v.sex).min())
                .unwrap_or(Sex::Persons)
        }
    }

    /// England's value for an indicator, period and sex.
    pub fn england(&self, code: &IndicatorCode, period: &Period, sex: Sex) -> Option<f64> {
        self.values
            .get(code)?
            .iter()
            .find(|v| is_england(&v.area) && &v.period == period && v.sex == sex)
            .and_then(|v| v.value)
    }

    /// goldthread's call against England, recomputed where limits exist, else the source's.
    pub fn call(&self, v: &IndicatorValue) -> Comparison {
        let Some(def) = self.definitions.get(&v.indicator) else {
            return Comparison::NotCompared;
        };
        if v.lower.is_some() && v.upper.is_some() {
            v.compare_with(def, self.england(&v.indicator, &v.period, v.sex))
        } else {
            v.source_call.unwrap_or(Comparison::NotCompared)
        }
    }

    /// A value passed through the ICS's disclosure rule. For an indicator goldthread computes
    /// from counts, the published value and interval are computed from the published
    /// (rounded) counts, so they cannot be used to recover a count the rule withheld or rounded.
    pub fn publish(&self, v: &IndicatorValue) -> Published {
        let d = &self.disclosure;
        if d.withholds(v.count) || d.withholds(v.denominator) {
            return Published {
                value: None,
                lower: None,
                upper: None,
                count: None,
                denominator: None,
                suppressed: true,
            };
        }
        let count = d.publish_count(v.count);
        let denominator = d.publish_count(v.denominator);
        let (mut value, mut lower, mut upper) = (v.value, v.lower, v.upper);
        let def = self.definitions.get(&v.indicator);
        if let (Some(def), Some(c)) = (def, count) {
            if def.method == ValueMethod::Count {
                // A total is published as the rule publishes its count.
                (value, lower, upper) = (Some(c as f64), None, None);
            }
        }
        if let (Some(def), Some(c), Some(n)) = (def, count, denominator) {
            if def.method != ValueMethod::AsPublished {
                let mut from_published = v.clone();
                from_published.count = Some(c as f64);
                from_published.denominator = Some(n as f64);
                match from_published.recompute(def) {
                    Ok(()) => {
                        (value, lower, upper) = (
                            from_published.value,
                            from_published.lower,
                            from_published.upper,
                        );
                    }
                    // Rounding can leave nothing to compute from (a denominator of 0).
                    Err(_) => (value, lower, upper) = (None, None, None),
                }
            }
        }
        Published {
            value,
            lower,
            upper,
            count,
            denominator,
            suppressed: false,
        }
    }

    /// A series' published values with their period labels, oldest first (withheld values
    /// left out, as the charts leave them out).
    pub fn published_series(
        &self,
        code: &IndicatorCode,
        area: &GssCode,
        sex: Sex,
    ) -> Vec<(String, f64)> {
        self.series(code, area, sex)
            .into_iter()
            .filter_map(|v| self.publish(v).value.map(|x| (v.period.label.clone(), x)))
            .collect()
    }

    /// The recorded rebase starting at this value's period, if any.
    pub fn rebase_at(&self, v: &IndicatorValue) -> Option<&RecordedRebase> {
        self.rebases
            .iter()
            .find(|r| r.applies_to(&v.indicator, &v.area, v.sex) && r.from.label == v.period.label)
    }

    /// The status of an outcome by the stated rule, with the latest value it was judged on:
    /// the published value, so an outcome never shows more than its indicator does.
    pub fn status(&self, o: &Outcome) -> (OutcomeStatus, Option<(Period, f64)>) {
        let latest = self
            .series(&o.indicator, &o.area, o.sex)
            .into_iter()
            .rev()
            .find_map(|v| self.publish(v).value.map(|x| (v.period.clone(), x)));
        let polarity = self
            .definitions
            .get(&o.indicator)
            .map_or(goldthread_stats::Polarity::NoJudgement, |d| d.polarity);
        let status = o.status(polarity, latest.as_ref().map(|(p, x)| (p, *x)));
        (status, latest)
    }
}

/// Adds place and system values for indicators computed from counts, by summing the districts'
/// counts and denominators and recomputing (results roll up local → place → system). A council
/// split between ICBs contributes only its share (by LSOA count) of its counts, never all of
/// them; the sums are rounded to whole people.
fn roll_up(
    def: &IndicatorDefinition,
    values: &mut Vec<IndicatorValue>,
    districts: &[Area],
    places: &[Area],
    icb: &GssCode,
    system_name: &str,
) {
    if def.method == ValueMethod::AsPublished {
        return;
    }
    let mut groups: Vec<(GssCode, String, Vec<&Area>)> = places
        .iter()
        .map(|p| {
            let members = districts
                .iter()
                .filter(|d| d.place == Some(p.code))
                .collect();
            (p.code, p.name.clone(), members)
        })
        .collect();
    groups.push((*icb, system_name.to_owned(), districts.iter().collect()));
    let mut added = Vec::new();
    for (code, name, members) in groups {
        if values.iter().any(|v| v.area == code) {
            continue; // published for the area itself: never overwritten by a roll-up
        }
        let mut sums: BTreeMap<(Period, Sex), (f64, f64, usize)> = BTreeMap::new();
        for v in values.iter() {
            let Some(m) = members.iter().find(|m| m.code == v.area) else {
                continue;
            };
            // A total has no denominator: its counts are summed alone.
            let denominator = match def.method {
                ValueMethod::Count => Some(0.0),
                _ => v.denominator,
            };
            if let (Some(c), Some(d)) = (v.count, denominator) {
                let e = sums.entry((v.period.clone(), v.sex)).or_default();
                (e.0, e.1, e.2) = (e.0 + c * m.share, e.1 + d * m.share, e.2 + 1);
            }
        }
        let split: Vec<String> = members
            .iter()
            .filter(|m| m.share < 1.0)
            .map(|m| format!("{} at {:.1}%", m.name, m.share * 100.0))
            .collect();
        let note = if split.is_empty() {
            String::new()
        } else {
            format!(
                " (split councils by their LSOA share: {})",
                split.join(", ")
            )
        };
        for ((period, sex), (count, denominator, n)) in sums {
            if n < members.len() {
                continue; // a partial roll-up would mislead
            }
            let mut v = IndicatorValue {
                indicator: def.code.clone(),
                area: code,
                area_name: name.clone(),
                period,
                sex,
                value: None,
                lower: None,
                upper: None,
                lower_998: None,
                upper_998: None,
                count: Some(count.round()),
                denominator: (def.method != ValueMethod::Count).then(|| denominator.round()),
                source_call: None,
                note: format!("Rolled up from {n} districts' counts{note}"),
            };
            if v.recompute(def).is_ok() {
                added.push(v);
            }
        }
    }
    values.extend(added);
}

/// Parses an ICB code from a path.
pub(crate) fn parse_icb(raw: &str) -> Result<GssCode, ApiError> {
    let code = GssCode::parse(raw)
        .map_err(|e| ApiError::bad_request("invalid_code", format!("ICB code: {e}")))?;
    if code.entity() != goldthread_domain::GssEntity::IntegratedCareBoard {
        return Err(ApiError::bad_request(
            "invalid_code",
            format!("{code} is not an ICB code (E54...)"),
        ));
    }
    Ok(code)
}
