//! The Fingertips "compare areas" chart: one horizontal bar per area with its 95% interval,
//! coloured by its comparison with England, and England's value as a vertical line.

use goldthread_stats::Comparison;

use crate::svg::{number, ticks, Canvas, Scale};
use crate::{comparison_colour, ChartText};

/// One area's bar.
#[derive(Clone, Debug, PartialEq)]
pub struct AreaBar {
    /// Area name.
    pub name: String,
    /// Value; `None` draws no bar ("no data" or suppressed).
    pub value: Option<f64>,
    /// 95% interval.
    pub interval: Option<(f64, f64)>,
    /// Comparison with England.
    pub call: Comparison,
}

/// Draws the chart. `benchmark` is England's value.
pub fn compare_areas(
    text: &ChartText,
    bars: &[AreaBar],
    benchmark: Option<f64>,
    unit: &str,
) -> String {
    const LEFT: f64 = 200.0;
    const RIGHT: f64 = 130.0;
    const WIDTH: f64 = 720.0;
    const ROW: f64 = 26.0;
    const TOP: f64 = 30.0;
    let height = TOP + ROW * bars.len() as f64 + 40.0;
    let mut lo = f64::INFINITY;
    let mut hi = f64::NEG_INFINITY;
    for b in bars {
        for x in [b.value, b.interval.map(|i| i.0), b.interval.map(|i| i.1)]
            .into_iter()
            .flatten()
        {
            lo = lo.min(x);
            hi = hi.max(x);
        }
    }
    if let Some(e) = benchmark {
        lo = lo.min(e);
        hi = hi.max(e);
    }
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let (tick_values, lo, hi) = ticks(lo.min(0.0), hi, 5);
    let x = Scale {
        min: lo,
        max: hi,
        from: LEFT,
        to: WIDTH - RIGHT,
    };
    let mut c = Canvas::new(&text.id, WIDTH, height, &text.title, &text.desc);
    let bottom = TOP + ROW * bars.len() as f64;
    for t in &tick_values {
        c.line(x.at(*t), TOP - 4.0, x.at(*t), bottom, "grid");
        c.text(x.at(*t), bottom + 16.0, &number(*t, 2), "middle", "small");
    }
    c.text(WIDTH - RIGHT + 8.0, TOP - 12.0, "Value", "start", "heading");
    c.text(LEFT, bottom + 32.0, unit, "start", "small");
    for (i, b) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        c.text(LEFT - 8.0, y + ROW * 0.65, &b.name, "end", "label");
        let shown = b.value.map_or("no data".to_owned(), |v| number(v, 1));
        c.text(
            WIDTH - RIGHT + 8.0,
            y + ROW * 0.65,
            &shown,
            "start",
            "label",
        );
        let Some(v) = b.value else { continue };
        let (x0, x1) = (x.at(lo.max(0.0).min(v)), x.at(v));
        c.rect(
            x0.min(x1),
            y + 4.0,
            (x1 - x0).abs(),
            ROW - 8.0,
            comparison_colour(b.call),
            "bar",
        );
        if let Some((l, u)) = b.interval {
            let mid = y + ROW / 2.0;
            c.line(x.at(l), mid, x.at(u), mid, "ci");
            c.line(x.at(l), mid - 5.0, x.at(l), mid + 5.0, "ci");
            c.line(x.at(u), mid - 5.0, x.at(u), mid + 5.0, "ci");
        }
    }
    if let Some(e) = benchmark {
        c.line(x.at(e), TOP - 6.0, x.at(e), bottom, "benchmark");
        c.text(
            x.at(e),
            TOP - 10.0,
            &format!("England {}", number(e, 1)),
            "middle",
            "small",
        );
    }
    c.line(LEFT, bottom, WIDTH - RIGHT, bottom, "axis");
    c.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_area_gets_a_bar_in_its_comparison_colour_and_england_a_line() {
        let bars = vec![
            AreaBar {
                name: "Great Yarmouth".into(),
                value: Some(27.6),
                interval: Some((24.0, 31.4)),
                call: Comparison::Worse,
            },
            AreaBar {
                name: "Norwich".into(),
                value: Some(14.4),
                interval: Some((11.8, 17.5)),
                call: Comparison::Better,
            },
            AreaBar {
                name: "Breckland".into(),
                value: None,
                interval: None,
                call: Comparison::NotCompared,
            },
        ];
        let text = ChartText {
            id: "inactive".into(),
            title: "Inactive adults".into(),
            desc: "d".into(),
        };
        let svg = compare_areas(&text, &bars, Some(21.8), "%");
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert!(svg.contains(comparison_colour(Comparison::Worse)));
        assert!(svg.contains(comparison_colour(Comparison::Better)));
        assert!(svg.contains("England 21.8"));
        assert!(svg.contains("no data"));
        assert!(svg.contains("<title id=\"inactive-title\">Inactive adults</title>"));
    }
}
