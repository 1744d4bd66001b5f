//! Drawing areas as an SVG document: fit, project, thin out, write paths.

use std::fmt::Write;

use crate::geojson::Area;

/// One area to draw, with how to draw it.
#[derive(Clone, Debug)]
pub struct Shape<'a> {
    /// The area.
    pub area: &'a Area,
    /// Fill colour (any SVG paint, e.g. `#005eb8`); `none` for an outline.
    pub fill: String,
    /// What a person is told about it (tooltip and accessible name), e.g. "Norwich: district".
    pub label: String,
    /// A page to open when it is chosen.
    pub href: Option<String>,
}

/// Areas drawn together with one stroke; later layers draw over earlier ones.
#[derive(Clone, Debug)]
pub struct Layer<'a> {
    /// The areas.
    pub shapes: Vec<Shape<'a>>,
    /// Stroke colour.
    pub stroke: String,
    /// Stroke width in view-box units (see [`SvgMap::width`]).
    pub stroke_width: f64,
    /// Whether the layer is decoration (outlines) that assistive technology should skip.
    pub decorative: bool,
}

/// A map: a title, a description and layers of areas.
#[derive(Clone, Debug)]
pub struct SvgMap<'a> {
    /// An id unique on the page, used to link the title and description for screen readers.
    pub id: String,
    /// The map's title, e.g. "Councils in Norfolk and Waveney by tier".
    pub title: String,
    /// A sentence describing what it shows.
    pub description: String,
    /// Width of the view box; the height follows the areas' shape.
    pub width: f64,
    /// The layers, bottom first. The view is fitted to the first layer.
    pub layers: Vec<Layer<'a>>,
}

/// Points closer than this (in view-box units) are merged: the map cannot show them apart.
const MIN_STEP: f64 = 0.8;
const MARGIN: f64 = 8.0;

struct Projection {
    k: f64,
    min_x: f64,
    max_y: f64,
    scale: f64,
}

impl Projection {
    /// An equirectangular projection scaled by the cosine of the mid latitude, which keeps
    /// shapes true enough at the size of an ICS, fitted to `width`.
    fn fit(areas: &[&Area], width: f64) -> (Self, f64) {
        let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for a in areas {
            for [lon, lat] in a.polygons.iter().flatten().flatten() {
                x0 = x0.min(*lon);
                x1 = x1.max(*lon);
                y0 = y0.min(*lat);
                y1 = y1.max(*lat);
            }
        }
        if x0 > x1 {
            (x0, y0, x1, y1) = (0.0, 0.0, 1.0, 1.0);
        }
        let k = ((y0 + y1) / 2.0).to_radians().cos();
        let span_x = ((x1 - x0) * k).max(1e-9);
        let scale = (width - 2.0 * MARGIN) / span_x;
        let height = (y1 - y0) * scale + 2.0 * MARGIN;
        let p = Self {
            k,
            min_x: x0,
            max_y: y1,
            scale,
        };
        (p, height.max(2.0 * MARGIN + 1.0))
    }

    fn project(&self, [lon, lat]: [f64; 2]) -> (f64, f64) {
        (
            MARGIN + (lon - self.min_x) * self.k * self.scale,
            MARGIN + (self.max_y - lat) * self.scale,
        )
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn path_data(area: &Area, p: &Projection) -> String {
    let mut d = String::new();
    for ring in area.polygons.iter().flatten() {
        let mut kept: Vec<(f64, f64)> = Vec::with_capacity(ring.len());
        for pt in ring {
            let q = p.project(*pt);
            match kept.last() {
                Some(l) if (l.0 - q.0).abs() < MIN_STEP && (l.1 - q.1).abs() < MIN_STEP => {}
                _ => kept.push(q),
            }
        }
        if kept.len() < 3 {
            continue;
        }
        for (i, (x, y)) in kept.iter().enumerate() {
            let cmd = if i == 0 { 'M' } else { 'L' };
            let _ = write!(d, "{cmd}{x:.1} {y:.1}");
        }
        d.push('Z');
    }
    d
}

impl SvgMap<'_> {
    /// The map as an `<svg>` element, ready to place inline in a page.
    pub fn render(&self) -> String {
        // The view fits every shape drawn, in every layer, so none is clipped (a council split
        // between ICBs reaches beyond the ICB's own outline).
        let drawn: Vec<&Area> = self
            .layers
            .iter()
            .flat_map(|l| l.shapes.iter().map(|s| s.area))
            .collect();
        let (proj, height) = Projection::fit(&drawn, self.width);
        let id = escape(&self.id);
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"map\" id=\"{id}\" \
             viewBox=\"0 0 {:.0} {height:.0}\" role=\"img\" \
             aria-labelledby=\"{id}-title {id}-desc\"><title id=\"{id}-title\">{}</title>\
             <desc id=\"{id}-desc\">{}</desc>",
            self.width,
            escape(&self.title),
            escape(&self.description)
        );
        for layer in &self.layers {
            let hidden = if layer.decorative {
                " aria-hidden=\"true\""
            } else {
                ""
            };
            let _ = write!(
                out,
                "<g stroke=\"{}\" stroke-width=\"{}\" stroke-linejoin=\"round\"{hidden}>",
                escape(&layer.stroke),
                layer.stroke_width
            );
            for s in &layer.shapes {
                let d = path_data(s.area, &proj);
                if d.is_empty() {
                    continue;
                }
                let label = escape(&s.label);
                let path = format!(
                    "<path d=\"{d}\" fill=\"{}\" data-code=\"{}\"><title>{label}</title></path>",
                    escape(&s.fill),
                    escape(&s.area.code)
                );
                match &s.href {
                    Some(h) => {
                        let _ = write!(
                            out,
                            "<a href=\"{}\" aria-label=\"{label}\">{path}</a>",
                            escape(h)
                        );
                    }
                    None => out.push_str(&path),
                }
            }
            out.push_str("</g>");
        }
        out.push_str("</svg>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(code: &str, x: f64) -> Area {
        Area {
            code: code.into(),
            name: code.into(),
            polygons: vec![vec![vec![
                [x, 52.0],
                [x + 1.0, 52.0],
                [x + 1.0, 53.0],
                [x, 53.0],
                [x, 52.0],
            ]]],
        }
    }

    fn map<'a>(shapes: Vec<Shape<'a>>) -> SvgMap<'a> {
        SvgMap {
            id: "m".into(),
            title: "Two <areas>".into(),
            description: "A test".into(),
            width: 400.0,
            layers: vec![Layer {
                shapes,
                stroke: "#fff".into(),
                stroke_width: 1.0,
                decorative: false,
            }],
        }
    }

    #[test]
    fn each_area_is_a_labelled_path_with_its_fill_inside_the_view() {
        let (a, b) = (square("A", 0.0), square("B", 1.0));
        let shape = |area, fill: &str| Shape {
            area,
            fill: fill.into(),
            label: "label & more".into(),
            href: Some("/x".into()),
        };
        let svg = map(vec![shape(&a, "#111"), shape(&b, "#222")]).render();
        assert!(
            svg.contains("<title id=\"m-title\">Two &lt;areas&gt;</title>"),
            "{svg}"
        );
        assert_eq!(svg.matches("<path").count(), 2);
        assert!(svg.contains("fill=\"#111\"") && svg.contains("fill=\"#222\""));
        assert!(svg.contains("aria-label=\"label &amp; more\""));
        assert_inside_the_view(&svg);
    }

    /// Asserts every path coordinate lies within the SVG's view box.
    fn assert_inside_the_view(svg: &str) {
        let vb = svg.split("viewBox=\"0 0 ").nth(1).unwrap();
        let mut dims = vb.split('"').next().unwrap().split(' ');
        let (w, h): (f64, f64) = (
            dims.next().unwrap().parse().unwrap(),
            dims.next().unwrap().parse().unwrap(),
        );
        for d in svg.split(" d=\"").skip(1) {
            let d = d.split('"').next().unwrap();
            for pair in d.split(['M', 'L', 'Z']).filter(|s| !s.is_empty()) {
                let mut xy = pair.split(' ').map(|v| v.parse::<f64>().unwrap());
                let (x, y) = (xy.next().unwrap(), xy.next().unwrap());
                assert!(
                    (0.0..=w).contains(&x) && (0.0..=h).contains(&y),
                    "{x},{y} outside {w}x{h}"
                );
            }
        }
    }

    #[test]
    fn shapes_in_later_layers_reaching_beyond_the_first_are_not_clipped() {
        let (outline, wider) = (square("ICB", 0.0), square("SPLIT", 0.5));
        let shape = |area| Shape {
            area,
            fill: "#111".into(),
            label: "x".into(),
            href: None,
        };
        let mut m = map(vec![shape(&outline)]);
        m.layers.push(Layer {
            shapes: vec![shape(&wider)],
            stroke: "#000".into(),
            stroke_width: 1.0,
            decorative: false,
        });
        assert_inside_the_view(&m.render());
    }

    #[test]
    fn points_too_close_to_see_are_dropped() {
        let mut a = square("A", 0.0);
        let ring = &mut a.polygons[0][0];
        let extra: Vec<[f64; 2]> = (1..100).map(|i| [f64::from(i) * 1e-6, 52.0]).collect();
        ring.splice(1..1, extra);
        let svg = map(vec![Shape {
            area: &a,
            fill: "red".into(),
            label: "A".into(),
            href: None,
        }])
        .render();
        assert_eq!(svg.matches('L').count(), 4, "{svg}");
    }
}
