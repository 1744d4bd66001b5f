//! The Making Data Count XmR chart: points coloured by what they signal (grey common cause,
//! blue improvement, orange concern, purple for a measure with no direction), the mean and
//! process limits of each period, recorded rebases marked, and the variation and assurance
//! icons in the corner.

use goldthread_stats::spc::{Assurance, PointType, Variation, XmrChart};

use crate::svg::{number, ticks, Canvas, Scale};
use crate::ChartText;

/// Making Data Count colours.
const GREY: &str = "#7b7d7d";
const BLUE: &str = "#289de0";
const ORANGE: &str = "#fab428";
const PURPLE: &str = "#361475";

fn point_colour(p: PointType) -> &'static str {
    match p {
        PointType::CommonCause => GREY,
        PointType::Improvement => BLUE,
        PointType::Concern => ORANGE,
        PointType::NeutralHigh | PointType::NeutralLow => PURPLE,
    }
}

/// Draws the chart; `labels` name each point's period.
pub fn xmr_chart(
    text: &ChartText,
    chart: &XmrChart,
    labels: &[String],
    target: Option<f64>,
) -> String {
    const W: f64 = 720.0;
    const H: f64 = 320.0;
    const L: f64 = 60.0;
    const R: f64 = 110.0;
    const T: f64 = 30.0;
    const B: f64 = 50.0;
    let mut all: Vec<f64> = chart.values.clone();
    for p in &chart.periods {
        all.extend([p.lower, p.upper]);
    }
    all.extend(target);
    let (lo, hi) = all
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    let (tick_values, lo, hi) = ticks(lo, hi, 5);
    let y = Scale {
        min: lo,
        max: hi,
        from: H - B,
        to: T,
    };
    let n = chart.values.len().max(2) as f64 - 1.0;
    let x = |i: usize| L + (W - L - R) * i as f64 / n;
    let mut c = Canvas::new(&text.id, W, H, &text.title, &text.desc);
    for t in &tick_values {
        c.line(L, y.at(*t), W - R, y.at(*t), "grid");
        c.text(L - 6.0, y.at(*t) + 4.0, &number(*t, 2), "end", "small");
    }
    for p in &chart.periods {
        let (x0, x1) = (x(p.start), x(p.end - 1));
        c.line(x0, y.at(p.mean), x1, y.at(p.mean), "mean");
        c.line(x0, y.at(p.upper), x1, y.at(p.upper), "limit");
        c.line(x0, y.at(p.lower), x1, y.at(p.lower), "limit");
        if p.start > 0 {
            c.line(x0 - 4.0, T, x0 - 4.0, H - B, "rebase");
        }
    }
    if let Some(last) = chart.periods.last() {
        c.text(
            W - R + 4.0,
            y.at(last.upper) + 4.0,
            &format!("UPL {}", number(last.upper, 1)),
            "start",
            "small",
        );
        c.text(
            W - R + 4.0,
            y.at(last.mean) + 4.0,
            &format!("Mean {}", number(last.mean, 1)),
            "start",
            "small",
        );
        c.text(
            W - R + 4.0,
            y.at(last.lower) + 4.0,
            &format!("LPL {}", number(last.lower, 1)),
            "start",
            "small",
        );
    }
    if let Some(t) = target {
        c.line(L, y.at(t), W - R, y.at(t), "target");
    }
    let line: Vec<(f64, f64)> = chart
        .values
        .iter()
        .enumerate()
        .map(|(i, v)| (x(i), y.at(*v)))
        .collect();
    c.path(&line, "series");
    let step = (chart.values.len() / 8).max(1);
    for (i, (v, p)) in chart.values.iter().zip(&chart.points).enumerate() {
        let label = labels.get(i).map_or(String::new(), Clone::clone);
        c.dot(
            x(i),
            y.at(*v),
            4.5,
            point_colour(*p),
            &format!("{label}: {}", number(*v, 2)),
        );
        if i % step == 0 || i + 1 == chart.values.len() {
            c.text(x(i), H - B + 16.0, &label, "middle", "small");
        }
    }
    c.line(L, H - B, W - R, H - B, "axis");
    variation_icon(&mut c, W - 80.0, 14.0, chart.variation);
    if let Some(a) = chart.assurance {
        assurance_icon(&mut c, W - 36.0, 14.0, a);
    }
    c.finish()
}

fn variation_icon(c: &mut Canvas, x: f64, y: f64, v: Variation) {
    let (fill, letter) = match v {
        Variation::CommonCause => (GREY, "~"),
        Variation::Improvement => (BLUE, "↑"),
        Variation::Concern => (ORANGE, "!"),
        Variation::NeutralHigh => (PURPLE, "H"),
        Variation::NeutralLow => (PURPLE, "L"),
    };
    icon(c, x, y, fill, letter, v.label());
}

fn assurance_icon(c: &mut Canvas, x: f64, y: f64, a: Assurance) {
    let (fill, letter) = match a {
        Assurance::ConsistentlyPass => (BLUE, "P"),
        Assurance::ConsistentlyFail => (ORANGE, "F"),
        Assurance::HitAndMiss => (GREY, "?"),
    };
    icon(c, x, y, fill, letter, a.label());
}

fn icon(c: &mut Canvas, x: f64, y: f64, fill: &str, letter: &str, label: &str) {
    c.raw(&format!(
        r##"<g class="icon" role="img" aria-label="{l}"><title>{l}</title><circle cx="{cx}" cy="{cy}" r="14" fill="#fff" stroke="{fill}" stroke-width="3"/><text x="{cx}" y="{ty}" text-anchor="middle" class="heading" style="fill:{fill}">{letter}</text></g>"##,
        l = crate::svg::escape(label),
        cx = x + 14.0,
        cy = y + 2.0,
        ty = y + 7.0,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use goldthread_stats::spc::{xmr, Improvement};

    #[test]
    fn special_causes_are_coloured_and_the_icons_carry_their_meaning() {
        let mut values: Vec<f64> = (0..15)
            .map(|i| if i % 2 == 0 { 9.0 } else { 11.0 })
            .collect();
        values.push(20.0);
        let chart = xmr(&values, Improvement::Increase, Some(30.0), 15, &[]).unwrap();
        let labels: Vec<String> = (0..16).map(|i| format!("M{i}")).collect();
        let text = ChartText {
            id: "x".into(),
            title: "SPC".into(),
            desc: "d".into(),
        };
        let svg = xmr_chart(&text, &chart, &labels, Some(30.0));
        assert!(svg.matches(BLUE).count() >= 2, "the point and the icon");
        assert!(svg.contains(Variation::Improvement.label()));
        assert!(svg.contains(Assurance::ConsistentlyFail.label()));
        assert_eq!(svg.matches("<circle").count(), 16 + 2);
    }
}
