//! A trend over time: the area's values with their 95% interval as a band, England's values as
//! a second line, and an optional target.

use crate::svg::{number, ticks, Canvas, Scale};
use crate::ChartText;

/// One period's point.
#[derive(Clone, Debug, PartialEq)]
pub struct TrendPoint {
    /// Period label.
    pub period: String,
    /// The area's value.
    pub value: Option<f64>,
    /// Its 95% interval.
    pub interval: Option<(f64, f64)>,
    /// England's value.
    pub england: Option<f64>,
}

/// Draws the trend.
pub fn trend(text: &ChartText, points: &[TrendPoint], target: Option<f64>, unit: &str) -> String {
    const W: f64 = 720.0;
    const H: f64 = 300.0;
    const L: f64 = 60.0;
    const R: f64 = 20.0;
    const T: f64 = 30.0;
    const B: f64 = 60.0;
    let all: Vec<f64> = points
        .iter()
        .flat_map(|p| {
            [
                p.value,
                p.england,
                p.interval.map(|i| i.0),
                p.interval.map(|i| i.1),
            ]
        })
        .chain([target])
        .flatten()
        .collect();
    let (lo, hi) = all
        .iter()
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
    let n = points.len().max(2) as f64 - 1.0;
    let x = |i: usize| L + (W - L - R) * i as f64 / n;
    let mut c = Canvas::new(&text.id, W, H, &text.title, &text.desc);
    for t in &tick_values {
        c.line(L, y.at(*t), W - R, y.at(*t), "grid");
        c.text(L - 6.0, y.at(*t) + 4.0, &number(*t, 2), "end", "small");
    }
    c.text(L, T - 12.0, unit, "start", "small");
    // The interval band: upper edge left to right, then lower edge back.
    let mut band: Vec<(f64, f64)> = Vec::new();
    let with_ci: Vec<(usize, (f64, f64))> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.interval.map(|ci| (i, ci)))
        .collect();
    band.extend(with_ci.iter().map(|(i, (_, u))| (x(*i), y.at(*u))));
    band.extend(with_ci.iter().rev().map(|(i, (l, _))| (x(*i), y.at(*l))));
    if band.len() >= 4 {
        let d: Vec<String> = band.iter().map(|(a, b)| format!("{a:.1},{b:.1}")).collect();
        c.raw(&format!(
            r#"<polygon points="{}" class="band"/>"#,
            d.join(" ")
        ));
    }
    let england: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.england.map(|v| (x(i), y.at(v))))
        .collect();
    c.path(&england, "benchmark");
    let series: Vec<(f64, f64)> = points
        .iter()
        .enumerate()
        .filter_map(|(i, p)| p.value.map(|v| (x(i), y.at(v))))
        .collect();
    c.path(&series, "series");
    for (i, p) in points.iter().enumerate() {
        if let Some(v) = p.value {
            c.dot(
                x(i),
                y.at(v),
                4.0,
                "#425563",
                &format!("{}: {}", p.period, number(v, 1)),
            );
        }
        c.text(x(i), H - B + 18.0, &p.period, "middle", "small");
    }
    if let Some(t) = target {
        c.line(L, y.at(t), W - R, y.at(t), "target");
        c.text(
            W - R,
            y.at(t) - 6.0,
            &format!("Target {}", number(t, 1)),
            "end",
            "small",
        );
    }
    c.line(L, H - B, W - R, H - B, "axis");
    legend(&mut c, H - 18.0);
    c.finish()
}

fn legend(c: &mut Canvas, y: f64) {
    c.line(60.0, y - 4.0, 84.0, y - 4.0, "series");
    c.text(90.0, y, "Area", "start", "small");
    c.rect(140.0, y - 10.0, 24.0, 12.0, "#d2e1f0", "band");
    c.text(170.0, y, "95% confidence interval", "start", "small");
    c.line(330.0, y - 4.0, 354.0, y - 4.0, "benchmark");
    c.text(360.0, y, "England", "start", "small");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trend_has_a_point_per_period_and_a_band_for_its_intervals() {
        let points: Vec<TrendPoint> = (0..4)
            .map(|i| TrendPoint {
                period: format!("{}/{}", 2020 + i, 21 + i),
                value: Some(20.0 + i as f64),
                interval: Some((18.0 + i as f64, 22.0 + i as f64)),
                england: Some(21.0),
            })
            .collect();
        let text = ChartText {
            id: "t".into(),
            title: "Trend".into(),
            desc: "d".into(),
        };
        let svg = trend(&text, &points, Some(19.0), "%");
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("class=\"band\""));
        assert!(svg.contains("Target 19"));
        assert!(svg.contains("2023/24"));
    }
}
