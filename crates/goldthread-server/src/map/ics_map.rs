//! The ICS overview's map: its councils coloured by tier, county borders over them, and the ICB's
//! own boundary, drawn on the server as inline SVG.

use goldthread_domain::geography::{Authority, ReferenceGeography, Tier};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use goldthread_maps::{boundaries, Layer, Shape, SvgMap};

/// Fill colours by tier (NHS identity palette), and the legend's words for them.
pub(crate) const TIER_COLOURS: [(Tier, &str); 5] = [
    (Tier::District, "#41b6e6"),
    (Tier::County, "#003087"),
    (Tier::Unitary, "#009639"),
    (Tier::Metropolitan, "#ed8b00"),
    (Tier::LondonBorough, "#7c2855"),
];

/// The fill for councils of a tier.
pub(crate) fn tier_colour(tier: Tier) -> &'static str {
    TIER_COLOURS
        .iter()
        .find(|(t, _)| *t == tier)
        .map_or("#768692", |(_, c)| c)
}

/// The county councils over an ICS's districts (the ICB footprint lists districts, not counties).
pub(crate) fn counties_of<'a>(geo: &'a ReferenceGeography, icb: &GssCode) -> Vec<&'a Authority> {
    let mut out: Vec<&Authority> = Vec::new();
    for (a, _) in geo.authorities_in(icb) {
        if a.tier == Tier::District {
            if let Some(c) = geo.authority(&a.upper_tier) {
                if !out.iter().any(|x| x.code == c.code) {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// The map of an ICS's councils, as an `<svg>` element.
pub(crate) fn ics_map(geo: &ReferenceGeography, icb: &GssCode, system_name: &str) -> String {
    let icb_area = boundaries::icbs().get(icb.as_str());
    let in_icb = geo.authorities_in(icb);
    let mut councils = Vec::new();
    let mut counties = Vec::new();
    for county in counties_of(geo, icb) {
        if let Some(area) = boundaries::counties().get(county.code.as_str()) {
            counties.push(Shape {
                area,
                fill: "none".into(),
                label: format!("{} (county council)", county.name),
                href: None,
            });
        }
    }
    for (a, share) in &in_icb {
        let Some(area) = boundaries::districts().get(a.code.as_str()) else {
            continue;
        };
        let part = if share.is_whole() {
            String::new()
        } else {
            format!(", {:.0}% in this ICS", share.share() * 100.0)
        };
        councils.push(Shape {
            area,
            fill: tier_colour(a.tier).into(),
            label: format!("{}: {}{part}", a.name, a.tier.label().to_lowercase()),
            href: Some(format!(
                "/organisations/{}",
                OrganisationId::for_code(a.code.as_str())
            )),
        });
    }
    let mut layers = Vec::new();
    // The ICB's own area first, under everything; the view fits every drawn shape, so a
    // council only partly inside (East Suffolk) shows whole, with the ICB outline over it.
    if let Some(area) = icb_area {
        layers.push(Layer {
            shapes: vec![Shape {
                area,
                fill: "#f0f4f5".into(),
                label: system_name.into(),
                href: None,
            }],
            stroke: "none".into(),
            stroke_width: 0.0,
            decorative: true,
        });
    }
    let described = councils.len();
    layers.push(Layer {
        shapes: councils,
        stroke: "#ffffff".into(),
        stroke_width: 1.5,
        decorative: false,
    });
    layers.push(Layer {
        shapes: counties,
        stroke: tier_colour(Tier::County).into(),
        stroke_width: 3.0,
        decorative: true,
    });
    if let Some(area) = icb_area {
        layers.push(Layer {
            shapes: vec![Shape {
                area,
                fill: "none".into(),
                label: system_name.into(),
                href: None,
            }],
            stroke: "#212b32".into(),
            stroke_width: 2.0,
            decorative: true,
        });
    }
    SvgMap {
        id: "ics-map".into(),
        title: format!("Councils in {system_name} by tier"),
        description: format!(
            "Map of the {described} district and unitary council areas in {system_name}, \
             coloured by tier, with county borders drawn in dark blue and the ICB boundary in black."
        ),
        width: 640.0,
        layers,
    }
    .render()
}
