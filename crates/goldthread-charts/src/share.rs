//! The prevention-share chart: each year's tagged spend as a stacked bar by category, with the
//! share counted as prevention written above it.

use crate::svg::{number, Canvas};
use crate::ChartText;

/// One year's spend by category, in pounds, bottom to top.
#[derive(Clone, Debug, PartialEq)]
pub struct YearSpend {
    /// Year label ("2024/25").
    pub year: String,
    /// (category label, pounds, counted as prevention).
    pub parts: Vec<(String, f64, bool)>,
}

/// Category colours, prevention first (accessible on white, distinguishable in greyscale).
const COLOURS: [&str; 4] = ["#007f3b", "#78be20", "#ffb81c", "#768692"];

/// Draws the chart.
pub fn prevention_share(text: &ChartText, years: &[YearSpend]) -> String {
    const W: f64 = 720.0;
    const H: f64 = 320.0;
    const L: f64 = 40.0;
    const T: f64 = 40.0;
    const B: f64 = 70.0;
    let mut c = Canvas::new(&text.id, W, H, &text.title, &text.desc);
    let slot = (W - L - 20.0) / years.len().max(1) as f64;
    let bar_w = (slot * 0.6).min(90.0);
    let plot_h = H - T - B;
    for (i, y) in years.iter().enumerate() {
        let total: f64 = y.parts.iter().map(|p| p.1).sum();
        let prevention: f64 = y.parts.iter().filter(|p| p.2).map(|p| p.1).sum();
        let x = L + slot * i as f64 + (slot - bar_w) / 2.0;
        let mut top = H - B;
        for (k, (label, pounds, _)) in y.parts.iter().enumerate() {
            if total <= 0.0 {
                break;
            }
            let h = plot_h * pounds / total;
            top -= h;
            c.raw(&format!(
                r#"<rect x="{x:.1}" y="{top:.1}" width="{bar_w:.1}" height="{h:.1}" fill="{}"><title>{}: £{}</title></rect>"#,
                COLOURS[k % COLOURS.len()],
                crate::svg::escape(&format!("{} {label}", y.year)),
                thousands(*pounds)
            ));
        }
        let share = if total > 0.0 {
            format!("{}%", number(100.0 * prevention / total, 1))
        } else {
            "no spend".into()
        };
        c.text(x + bar_w / 2.0, T - 8.0, &share, "middle", "heading");
        c.text(x + bar_w / 2.0, H - B + 16.0, &y.year, "middle", "small");
    }
    c.line(L, H - B, W - 20.0, H - B, "axis");
    if let Some(first) = years.first() {
        for (k, (label, _, counted)) in first.parts.iter().enumerate() {
            let lx = L + 170.0 * k as f64;
            c.rect(lx, H - 32.0, 12.0, 12.0, COLOURS[k % COLOURS.len()], "key");
            let suffix = if *counted { " (counted)" } else { "" };
            c.text(
                lx + 16.0,
                H - 22.0,
                &format!("{label}{suffix}"),
                "start",
                "small",
            );
        }
    }
    c.finish()
}

fn thousands(pounds: f64) -> String {
    let rounded = format!("{:.0}", pounds.abs());
    let sign = if pounds.round() < 0.0 { "-" } else { "" };
    let mut out = String::with_capacity(rounded.len() + rounded.len() / 3 + 1);
    out.push_str(sign);
    for (i, ch) in rounded.chars().enumerate() {
        if i > 0 && (rounded.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_group_thousands_with_the_sign_in_front() {
        assert_eq!(thousands(0.0), "0");
        assert_eq!(thousands(999.4), "999");
        assert_eq!(thousands(1000.0), "1,000");
        assert_eq!(thousands(1_038_362.0), "1,038,362");
        assert_eq!(thousands(-123.0), "-123");
        assert_eq!(thousands(-1234.0), "-1,234");
        assert_eq!(thousands(-123_456.0), "-123,456");
        assert_eq!(thousands(-0.2), "0", "no negative zero");
    }

    #[test]
    fn the_share_counted_as_prevention_is_written_above_each_year() {
        let years = vec![YearSpend {
            year: "2024/25".into(),
            parts: vec![
                ("Primary prevention".into(), 150.0, true),
                ("Secondary prevention".into(), 50.0, true),
                ("Tertiary prevention".into(), 300.0, false),
                ("Treatment".into(), 500.0, false),
            ],
        }];
        let text = ChartText {
            id: "s".into(),
            title: "Prevention".into(),
            desc: "d".into(),
        };
        let svg = prevention_share(&text, &years);
        assert!(svg.contains(">20%<"), "{svg}");
        assert!(svg.contains("Primary prevention (counted)"));
        assert!(svg.contains("2024/25 Treatment: £500"));
    }
}
