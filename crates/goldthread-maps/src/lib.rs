//! Maps drawn on the server as inline SVG, from simplified boundaries, so pages need no tile
//! server, no JavaScript and no network: a choropleth is a list of areas with a fill each.
//!
//! [`Boundaries`] holds areas (GSS code, name, polygons in WGS84 longitude/latitude) read from
//! GeoJSON; [`boundaries`] has England's local authority districts, county councils and ICBs,
//! compiled in from `data/boundaries/`. [`SvgMap`] projects the areas it is given onto a fitted
//! view box, drops points closer together than the map can show, and writes one `<path>` per
//! area with its fill, a `<title>` and an accessible label.
//!
//! This crate does no IO and knows nothing of tiers or colours' meanings: callers choose fills.
#![forbid(unsafe_code)]

mod geojson;
mod svg;

pub use geojson::{Area, Boundaries, MapError};
pub use svg::{Layer, Shape, SvgMap};

/// England's boundaries shipped with goldthread, parsed once on first use.
pub mod boundaries {
    use std::sync::OnceLock;

    use super::Boundaries;

    macro_rules! shipped {
        ($(#[$m:meta])* $name:ident, $file:literal) => {
            $(#[$m])*
            pub fn $name() -> &'static Boundaries {
                static CELL: OnceLock<Boundaries> = OnceLock::new();
                CELL.get_or_init(|| {
                    Boundaries::from_geojson(include_str!(concat!("../../../data/boundaries/", $file)))
                        .expect(concat!("the shipped ", $file, " parses"))
                })
            }
        };
    }

    shipped!(
        /// Local authority districts (May 2024), England.
        districts,
        "lad24.geojson"
    );
    shipped!(
        /// County councils (December 2023).
        counties,
        "county23.geojson"
    );
    shipped!(
        /// Integrated care boards (April 2023 boundaries, 2024 codes).
        icbs,
        "icb23.geojson"
    );
}
