//! A run chart: the values in time order and their median, without process limits. Making
//! Data Count draws one where a series is too short (fewer than 12 points) for an XmR chart's
//! limits to mean anything.

use crate::svg::{number, ticks, Canvas, Scale};
use crate::ChartText;

/// The median of the values (none when there are none).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    Some(if v.len().is_multiple_of(2) {
        (v[mid - 1] + v[mid]) / 2.0
    } else {
        v[mid]
    })
}

/// Draws the run chart; `labels` name each point's period.
pub fn run_chart(text: &ChartText, values: &[f64], labels: &[String]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 280.0;
    const L: f64 = 60.0;
    const R: f64 = 110.0;
    const T: f64 = 30.0;
    const B: f64 = 50.0;
    let centre = median(values);
    let (lo, hi) = values
        .iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    let (tick_values, lo, hi) = if lo.is_finite() {
        ticks(lo, hi, 5)
    } else {
        ticks(0.0, 1.0, 5)
    };
    let y = Scale {
        min: lo,
        max: hi,
        from: H - B,
        to: T,
    };
    let n = values.len().max(2) as f64 - 1.0;
    let x = |i: usize| L + (W - L - R) * i as f64 / n;
    let mut c = Canvas::new(&text.id, W, H, &text.title, &text.desc);
    for t in &tick_values {
        c.line(L, y.at(*t), W - R, y.at(*t), "grid");
        c.text(L - 6.0, y.at(*t) + 4.0, &number(*t, 2), "end", "small");
    }
    if let Some(m) = centre {
        c.line(L, y.at(m), W - R, y.at(m), "mean");
        c.text(
            W - R + 4.0,
            y.at(m) + 4.0,
            &format!("Median {}", number(m, 1)),
            "start",
            "small",
        );
    }
    let line: Vec<(f64, f64)> = values
        .iter()
        .enumerate()
        .map(|(i, v)| (x(i), y.at(*v)))
        .collect();
    c.path(&line, "series");
    for (i, v) in values.iter().enumerate() {
        let label = labels.get(i).map_or(String::new(), Clone::clone);
        c.dot(
            x(i),
            y.at(*v),
            4.5,
            "#7b7d7d",
            &format!("{label}: {}", number(*v, 2)),
        );
        c.text(x(i), H - B + 16.0, &label, "middle", "small");
    }
    c.line(L, H - B, W - R, H - B, "axis");
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_odd_and_even_series() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
    }

    #[test]
    fn a_run_chart_has_a_median_and_no_process_limits() {
        let text = ChartText {
            id: "r".into(),
            title: "Quits".into(),
            desc: "Run chart".into(),
        };
        let labels: Vec<String> = (1..=5).map(|i| format!("M{i}")).collect();
        let svg = run_chart(&text, &[1.0, 2.0, 3.0, 4.0, 5.0], &labels);
        assert!(svg.contains("Median 3<"), "{svg}");
        assert!(!svg.contains("UPL") && !svg.contains("LPL"));
        assert!(svg.contains("M5: 5"));
    }
}
