//! Statistical process control as NHS England's "Making Data Count" asks boards to see it:
//! XmR (individuals and moving range) charts, the four special-cause rules, and the variation
//! and assurance icons.
//!
//! Limits are `mean ± 2.66 × mean moving range` over a baseline of 12 to 20 points, fixed once
//! set. Moving ranges above `3.267 × mean moving range` are screened out and the mean moving
//! range recomputed, as NHS-R's Plot the Dots does by default. The rules, each marking every
//! point that takes part:
//! 1. a point outside the process limits;
//! 2. a shift: seven points in a row on one side of the mean (a point on the mean breaks it);
//! 3. a trend: seven points in a row each higher (or each lower) than the one before;
//! 4. two of three points in a row beyond two sigma on the same side.
//!
//! Rebasing (new limits from a point on) is only ever a human decision with a recorded reason:
//! this module never rebases on its own.

use serde::Serialize;

/// Why an XmR chart could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("XmR chart: {0}")]
pub struct SpcError(pub String);

/// Shortest baseline Making Data Count accepts.
pub const MIN_BASELINE: usize = 12;
/// Longest baseline.
pub const MAX_BASELINE: usize = 20;
/// Points in a run for the shift and trend rules.
pub const RUN_LENGTH: usize = 7;

/// Which direction is improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Improvement {
    /// Higher is better.
    Increase,
    /// Lower is better.
    Decrease,
    /// Neither.
    Neutral,
}

/// A human decision to recalculate limits from a point on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rebase {
    /// Index of the first point of the new period.
    pub from: usize,
    /// Why (e.g. "new stop-smoking service started April 2024").
    pub reason: String,
    /// Who decided.
    pub decided_by: String,
}

/// What a point signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PointType {
    /// Common-cause variation.
    CommonCause,
    /// Special cause in the direction of improvement.
    Improvement,
    /// Special cause in the direction of concern.
    Concern,
    /// Special cause, high, for a measure with no direction.
    NeutralHigh,
    /// Special cause, low, for a measure with no direction.
    NeutralLow,
}

/// The variation icon for the latest point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Variation {
    /// Common cause: no significant change.
    CommonCause,
    /// Special cause of improving nature (high or low by direction).
    Improvement,
    /// Special cause of concerning nature.
    Concern,
    /// Special cause, higher, no direction.
    NeutralHigh,
    /// Special cause, lower, no direction.
    NeutralLow,
}

impl Variation {
    /// The Making Data Count wording.
    pub fn label(self) -> &'static str {
        match self {
            Variation::CommonCause => "Common cause variation",
            Variation::Improvement => "Special cause variation of an improving nature",
            Variation::Concern => "Special cause variation of a concerning nature",
            Variation::NeutralHigh => "Special cause variation, higher (no direction)",
            Variation::NeutralLow => "Special cause variation, lower (no direction)",
        }
    }
}

/// The assurance icon: will the process meet its target?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Assurance {
    /// The target is beyond the limits on the good side: the process will consistently meet it.
    ConsistentlyPass,
    /// The target is beyond the limits on the bad side: it will consistently fail.
    ConsistentlyFail,
    /// The target lies within the limits: it will be hit and missed by chance.
    HitAndMiss,
}

impl Assurance {
    /// The Making Data Count wording.
    pub fn label(self) -> &'static str {
        match self {
            Assurance::ConsistentlyPass => "The process will consistently meet the target",
            Assurance::ConsistentlyFail => "The process will consistently fail the target",
            Assurance::HitAndMiss => "The process will hit and miss the target by chance",
        }
    }
}

/// Limits for one period between rebases.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Limits {
    /// First point (inclusive).
    pub start: usize,
    /// Last point (exclusive).
    pub end: usize,
    /// Points the limits were computed from.
    pub baseline_points: usize,
    /// Whether the baseline is shorter than [`MIN_BASELINE`] (limits provisional).
    pub provisional: bool,
    /// Centre line.
    pub mean: f64,
    /// Lower process limit.
    pub lower: f64,
    /// Upper process limit.
    pub upper: f64,
}

/// A complete XmR chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct XmrChart {
    /// The values.
    pub values: Vec<f64>,
    /// Limits by period.
    pub periods: Vec<Limits>,
    /// Each point's type.
    pub points: Vec<PointType>,
    /// The latest point's variation icon.
    pub variation: Variation,
    /// The assurance icon, when there is a target and a direction.
    pub assurance: Option<Assurance>,
    /// The rebases applied, with their reasons.
    pub rebases: Vec<Rebase>,
}

/// Builds an XmR chart. `baseline` is how many points (12 to 20) fix each period's limits.
pub fn xmr(
    values: &[f64],
    improvement: Improvement,
    target: Option<f64>,
    baseline: usize,
    rebases: &[Rebase],
) -> Result<XmrChart, SpcError> {
    if !(MIN_BASELINE..=MAX_BASELINE).contains(&baseline) {
        return Err(SpcError(format!(
            "baseline must be {MIN_BASELINE} to {MAX_BASELINE} points, not {baseline}"
        )));
    }
    if values.len() < 2 || values.iter().any(|v| !v.is_finite()) {
        return Err(SpcError(
            "an XmR chart needs at least two finite values".into(),
        ));
    }
    let mut starts = vec![0];
    for r in rebases {
        if r.reason.trim().is_empty() || r.decided_by.trim().is_empty() {
            return Err(SpcError(
                "a rebase needs a recorded reason and who decided it".into(),
            ));
        }
        if r.from <= *starts.last().unwrap_or(&0) || r.from + 1 >= values.len() {
            return Err(SpcError(format!(
                "rebase at point {} must come after the previous one and leave two points",
                r.from
            )));
        }
        starts.push(r.from);
    }
    let mut periods = Vec::new();
    let mut points = Vec::with_capacity(values.len());
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(values.len());
        let limits = period_limits(values, start, end, baseline);
        points.extend(point_types(&values[start..end], &limits, improvement));
        periods.push(limits);
    }
    let variation = match points.last() {
        Some(PointType::Improvement) => Variation::Improvement,
        Some(PointType::Concern) => Variation::Concern,
        Some(PointType::NeutralHigh) => Variation::NeutralHigh,
        Some(PointType::NeutralLow) => Variation::NeutralLow,
        _ => Variation::CommonCause,
    };
    let last = periods.last().expect("at least one period");
    let assurance = match (target, improvement) {
        (None, _) | (_, Improvement::Neutral) => None,
        (Some(t), dir) => Some(if t > last.upper {
            if dir == Improvement::Increase {
                Assurance::ConsistentlyFail
            } else {
                Assurance::ConsistentlyPass
            }
        } else if t < last.lower {
            if dir == Improvement::Increase {
                Assurance::ConsistentlyPass
            } else {
                Assurance::ConsistentlyFail
            }
        } else {
            Assurance::HitAndMiss
        }),
    };
    Ok(XmrChart {
        values: values.to_vec(),
        periods,
        points,
        variation,
        assurance,
        rebases: rebases.to_vec(),
    })
}

fn period_limits(values: &[f64], start: usize, end: usize, baseline: usize) -> Limits {
    let base_end = (start + baseline).min(end);
    let base = &values[start..base_end];
    let mean = base.iter().sum::<f64>() / base.len() as f64;
    let ranges: Vec<f64> = base.windows(2).map(|w| (w[1] - w[0]).abs()).collect();
    let mr_bar = ranges.iter().sum::<f64>() / ranges.len() as f64;
    // Screen out moving ranges above the upper range limit, then recompute.
    let kept: Vec<f64> = ranges
        .iter()
        .copied()
        .filter(|r| *r <= 3.267 * mr_bar)
        .collect();
    let mr_bar = if kept.is_empty() {
        mr_bar
    } else {
        kept.iter().sum::<f64>() / kept.len() as f64
    };
    Limits {
        start,
        end,
        baseline_points: base.len(),
        provisional: base.len() < MIN_BASELINE,
        mean,
        lower: mean - 2.66 * mr_bar,
        upper: mean + 2.66 * mr_bar,
    }
}

fn point_types(values: &[f64], l: &Limits, improvement: Improvement) -> Vec<PointType> {
    let n = values.len();
    let side: Vec<i8> = values
        .iter()
        .map(|v| match v.partial_cmp(&l.mean) {
            Some(std::cmp::Ordering::Greater) => 1,
            Some(std::cmp::Ordering::Less) => -1,
            _ => 0,
        })
        .collect();
    let two_sigma = (l.upper - l.mean) * 2.0 / 3.0;
    let close: Vec<bool> = values
        .iter()
        .map(|v| (v - l.mean).abs() > two_sigma)
        .collect();
    let mut special: Vec<bool> = values
        .iter()
        .map(|v| *v > l.upper || *v < l.lower)
        .collect();
    for end in RUN_LENGTH..=n {
        let run = end - RUN_LENGTH..end;
        let s = side[run.start];
        let shift = s != 0 && side[run.clone()].iter().all(|x| *x == s);
        let rising = values[run.clone()].windows(2).all(|w| w[1] > w[0]);
        let falling = values[run.clone()].windows(2).all(|w| w[1] < w[0]);
        if shift || rising || falling {
            special[run].iter_mut().for_each(|x| *x = true);
        }
    }
    for start in 0..n.saturating_sub(2) {
        let w = start..start + 3;
        let same_side = side[w.clone()].iter().all(|x| *x == side[start] && *x != 0);
        if same_side && close[w.clone()].iter().filter(|c| **c).count() >= 2 {
            for i in w.filter(|i| close[*i]) {
                special[i] = true;
            }
        }
    }
    (0..n)
        .map(|i| {
            let high = values[i] > l.mean;
            match (special[i], improvement) {
                (false, _) => PointType::CommonCause,
                (true, Improvement::Neutral) if high => PointType::NeutralHigh,
                (true, Improvement::Neutral) => PointType::NeutralLow,
                (true, Improvement::Increase) if high => PointType::Improvement,
                (true, Improvement::Decrease) if !high => PointType::Improvement,
                (true, _) => PointType::Concern,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stable() -> Vec<f64> {
        // Alternating around 10 with a moving range of 2: limits 10 ± 5.32.
        (0..20)
            .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
            .collect()
    }

    #[test]
    fn limits_are_the_mean_plus_or_minus_2_66_mean_moving_ranges() {
        let c = xmr(&stable(), Improvement::Increase, None, 20, &[]).unwrap();
        let l = &c.periods[0];
        assert!((l.mean - 10.0).abs() < 1e-12);
        assert!((l.upper - 15.32).abs() < 1e-12 && (l.lower - 4.68).abs() < 1e-12);
        assert_eq!(c.variation, Variation::CommonCause);
    }

    #[test]
    fn a_point_beyond_the_upper_limit_is_improvement_when_higher_is_better() {
        let mut v = stable();
        v.push(16.0);
        let c = xmr(&v, Improvement::Increase, None, 20, &[]).unwrap();
        assert_eq!(c.variation, Variation::Improvement);
        let c = xmr(&v, Improvement::Decrease, None, 20, &[]).unwrap();
        assert_eq!(c.variation, Variation::Concern);
    }

    #[test]
    fn seven_points_below_the_mean_are_a_shift_and_six_are_not() {
        let mut v = stable();
        v.extend([9.5; 6]);
        assert_eq!(
            xmr(&v, Improvement::Decrease, None, 20, &[])
                .unwrap()
                .variation,
            Variation::CommonCause
        );
        v.push(9.5);
        assert_eq!(
            xmr(&v, Improvement::Decrease, None, 20, &[])
                .unwrap()
                .variation,
            Variation::Improvement
        );
    }

    #[test]
    fn seven_rising_points_are_a_trend() {
        let mut v = stable();
        v.extend([7.0, 7.5, 8.0, 8.5, 9.0, 9.5, 10.5]);
        let c = xmr(&v, Improvement::Increase, None, 20, &[]).unwrap();
        assert!(c.points[20..].iter().all(|p| *p != PointType::CommonCause));
    }

    #[test]
    fn two_of_three_beyond_two_sigma_on_one_side_are_special() {
        let mut v = stable();
        v.extend([14.0, 10.5, 14.0]);
        let c = xmr(&v, Improvement::Increase, None, 20, &[]).unwrap();
        assert_eq!(c.points[20], PointType::Improvement);
        assert_eq!(c.points[21], PointType::CommonCause);
        assert_eq!(c.variation, Variation::Improvement);
    }

    #[test]
    fn assurance_follows_where_the_target_lies() {
        let v = stable();
        let a = |t| {
            xmr(&v, Improvement::Increase, Some(t), 20, &[])
                .unwrap()
                .assurance
        };
        assert_eq!(a(3.0), Some(Assurance::ConsistentlyPass));
        assert_eq!(a(12.0), Some(Assurance::HitAndMiss));
        assert_eq!(a(16.0), Some(Assurance::ConsistentlyFail));
    }

    #[test]
    fn baselines_outside_12_to_20_points_and_rebases_without_reasons_are_refused() {
        assert!(xmr(&stable(), Improvement::Increase, None, 11, &[]).is_err());
        assert!(xmr(&stable(), Improvement::Increase, None, 21, &[]).is_err());
        let silent = Rebase {
            from: 10,
            reason: " ".into(),
            decided_by: "Board".into(),
        };
        assert!(xmr(&stable(), Improvement::Increase, None, 12, &[silent]).is_err());
    }

    #[test]
    fn a_recorded_rebase_starts_new_limits() {
        let mut v = stable();
        v.extend((0..14).map(|i| if i % 2 == 0 { 19.0 } else { 21.0 }));
        let rebase = Rebase {
            from: 20,
            reason: "new service".into(),
            decided_by: "ICB board".into(),
        };
        let c = xmr(&v, Improvement::Increase, None, 12, &[rebase]).unwrap();
        assert_eq!(c.periods.len(), 2);
        assert!((c.periods[1].mean - 20.0).abs() < 1e-12);
        assert_eq!(c.variation, Variation::CommonCause);
    }
}
