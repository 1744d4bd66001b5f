//! The drawing kit every chart shares: escaping, the accessible frame, scales and ticks.

use std::fmt::Write;

/// Escapes text for SVG/XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Formats a number for a label: up to `dp` decimals, no trailing zeros.
pub fn number(x: f64, dp: usize) -> String {
    let s = format!("{x:.dp$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// An SVG document under construction, with a title and description for screen readers.
pub struct Canvas {
    body: String,
    width: f64,
    height: f64,
    id: String,
    title: String,
    desc: String,
}

impl Canvas {
    /// A canvas; `id` must be unique on the page (it names the title and description).
    pub fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Self {
        Self {
            body: String::new(),
            width,
            height,
            id: id
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect(),
            title: title.to_owned(),
            desc: desc.to_owned(),
        }
    }

    /// Appends raw SVG (already escaped).
    pub fn raw(&mut self, s: &str) {
        self.body.push_str(s);
    }

    /// A line.
    pub fn line(&mut self, x1: f64, y1: f64, x2: f64, y2: f64, class: &str) {
        let _ = write!(
            self.body,
            r#"<line x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" class="{class}"/>"#
        );
    }

    /// A rectangle with a fill colour.
    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, class: &str) {
        let _ = write!(
            self.body,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{fill}" class="{class}"/>"#,
            w.max(0.0),
            h.max(0.0)
        );
    }

    /// Text; `anchor` is start, middle or end.
    pub fn text(&mut self, x: f64, y: f64, s: &str, anchor: &str, class: &str) {
        let _ = write!(
            self.body,
            r#"<text x="{x:.1}" y="{y:.1}" text-anchor="{anchor}" class="{class}">{}</text>"#,
            escape(s)
        );
    }

    /// A circle with a fill and a tooltip.
    pub fn dot(&mut self, x: f64, y: f64, r: f64, fill: &str, tip: &str) {
        let _ = write!(
            self.body,
            r##"<circle cx="{x:.1}" cy="{y:.1}" r="{r}" fill="{fill}" stroke="#fff" stroke-width="1"><title>{}</title></circle>"##,
            escape(tip)
        );
    }

    /// A polyline through points.
    pub fn path(&mut self, points: &[(f64, f64)], class: &str) {
        if points.is_empty() {
            return;
        }
        let d: Vec<String> = points
            .iter()
            .enumerate()
            .map(|(i, (x, y))| format!("{}{x:.1},{y:.1}", if i == 0 { "M" } else { "L" }))
            .collect();
        let _ = write!(self.body, r#"<path d="{}" class="{class}"/>"#, d.join(" "));
    }

    /// The finished document.
    pub fn finish(self) -> String {
        let id = &self.id;
        format!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" class="gt-chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-title {id}-desc"><title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc><style>{STYLE}</style>{body}</svg>"#,
            w = self.width,
            h = self.height,
            title = escape(&self.title),
            desc = escape(&self.desc),
            body = self.body,
        )
    }
}

/// Styles inside every chart, so charts look the same embedded, saved or printed.
const STYLE: &str = "text{font-family:Arial,Helvetica,sans-serif;font-size:12px;fill:#0b0c0c}\
.axis{stroke:#505a5f;stroke-width:1}.grid{stroke:#e5e6e7;stroke-width:1}\
.benchmark{stroke:#0b0c0c;stroke-width:2}.target{stroke:#005eb8;stroke-width:2;stroke-dasharray:6 4}\
.ci{stroke:#0b0c0c;stroke-width:1.2}.mean{stroke:#425563;stroke-width:1.5}\
.limit{stroke:#768692;stroke-width:1.2;stroke-dasharray:5 4}.series{fill:none;stroke:#425563;stroke-width:2}\
.band{fill:#d2e1f0;stroke:none}.small{font-size:11px}.label{font-size:12px}.heading{font-size:13px;font-weight:bold}\
.rebase{stroke:#0b0c0c;stroke-width:1;stroke-dasharray:2 3}";

/// A linear map from data to pixels.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    /// Data minimum.
    pub min: f64,
    /// Data maximum.
    pub max: f64,
    /// Pixel at the minimum.
    pub from: f64,
    /// Pixel at the maximum.
    pub to: f64,
}

impl Scale {
    /// Pixels for a data value.
    pub fn at(&self, x: f64) -> f64 {
        if self.max == self.min {
            return (self.from + self.to) / 2.0;
        }
        self.from + (x - self.min) / (self.max - self.min) * (self.to - self.from)
    }
}

/// "Nice" tick values covering `[min, max]` and the widened range they span.
pub fn ticks(min: f64, max: f64, target: usize) -> (Vec<f64>, f64, f64) {
    let (min, max) = if (max - min).abs() < 1e-12 {
        (min - 1.0, max + 1.0)
    } else {
        (min, max)
    };
    let raw = (max - min) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let lo = (min / step).floor() * step;
    let hi = (max / step).ceil() * step;
    let n = ((hi - lo) / step).round() as usize;
    ((0..=n).map(|i| lo + step * i as f64).collect(), lo, hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("King's Lynn & <West>"),
            "King&#39;s Lynn &amp; &lt;West&gt;"
        );
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let (t, lo, hi) = ticks(13.2, 27.9, 5);
        assert_eq!((lo, hi), (10.0, 30.0));
        assert_eq!(t, vec![10.0, 15.0, 20.0, 25.0, 30.0]);
    }
}
