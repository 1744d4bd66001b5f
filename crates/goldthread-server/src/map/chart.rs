//! A horizontal bar chart drawn as inline SVG, with the same figures in a table beside it for
//! people who cannot see the chart.

use maud::{html, Markup, PreEscaped};

/// One bar: a label, all seats and voting seats.
pub(crate) struct Bar {
    pub label: String,
    pub total: usize,
    pub voting: usize,
}

/// Bars for seats and voting seats, sharing one scale.
pub(crate) fn bar_chart(id: &str, title: &str, bars: &[Bar]) -> Markup {
    let max = bars.iter().map(|b| b.total).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row_h) = (220.0, 300.0, 28.0);
    let height = row_h * bars.len() as f64 + 10.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {} {height}\" \
         role=\"img\" aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        label_w + bar_w + 60.0,
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + row_h * i as f64;
        let w = bar_w * b.total as f64 / max as f64;
        let wv = bar_w * b.voting as f64 / max as f64;
        svg.push_str(&format!(
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\" class=\"chart-label\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"20\" fill=\"#aeb7bd\"/>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{wv:.1}\" height=\"20\" fill=\"#005eb8\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" class=\"chart-value\">{} ({} voting)</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&b.label),
            label_w + w + 6.0,
            y + 15.0,
            b.total,
            b.voting
        ));
    }
    svg.push_str("</svg>");
    html! {
        figure.chart-figure {
            (PreEscaped(svg))
            figcaption { (title) ": " span.key-voting { "voting" } " and " span.key-other { "non-voting" } " seats." }
            details {
                summary { "Show the figures as a table" }
                table {
                    thead { tr { th scope="col" { "" } th.numeric scope="col" { "Seats" } th.numeric scope="col" { "Voting" } } }
                    tbody {
                        @for b in bars {
                            tr { th scope="row" { (b.label) } td.numeric { (b.total) } td.numeric { (b.voting) } }
                        }
                    }
                }
            }
        }
    }
}

fn esc(s: &str) -> String {
    html! { (s) }.into_string()
}
