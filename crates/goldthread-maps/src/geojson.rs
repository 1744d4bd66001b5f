//! Areas read from GeoJSON: a code, a name and polygons.

use serde::Deserialize;

/// Why boundaries could not be read.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    /// The text is not GeoJSON of the expected shape.
    #[error("boundaries are not a GeoJSON FeatureCollection of polygons: {0}")]
    Parse(#[from] serde_json::Error),
    /// A feature has no `code` property.
    #[error("feature {0} has no code property")]
    MissingCode(usize),
}

/// A ring of (longitude, latitude) points.
pub type Ring = Vec<[f64; 2]>;

/// One area: its code, name and polygons (each an outer ring then holes).
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    /// Its code, e.g. a GSS code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its polygons.
    pub polygons: Vec<Vec<Ring>>,
}

/// A set of areas, looked up by code.
#[derive(Clone, Debug, Default)]
pub struct Boundaries {
    areas: Vec<Area>,
}

#[derive(Deserialize)]
struct Collection {
    features: Vec<Feature>,
}

#[derive(Deserialize)]
struct Feature {
    properties: serde_json::Map<String, serde_json::Value>,
    geometry: Geometry,
}

#[derive(Deserialize)]
#[serde(tag = "type", content = "coordinates")]
enum Geometry {
    Polygon(Vec<Ring>),
    MultiPolygon(Vec<Vec<Ring>>),
}

impl Boundaries {
    /// Reads a FeatureCollection whose features have `code` and `name` properties.
    pub fn from_geojson(text: &str) -> Result<Self, MapError> {
        let c: Collection = serde_json::from_str(text)?;
        let mut areas = Vec::with_capacity(c.features.len());
        for (i, f) in c.features.into_iter().enumerate() {
            let prop = |k: &str| {
                f.properties
                    .get(k)
                    .and_then(|v| v.as_str())
                    .map(str::to_owned)
            };
            let code = prop("code").ok_or(MapError::MissingCode(i))?;
            let name = prop("name").unwrap_or_else(|| code.clone());
            let polygons = match f.geometry {
                Geometry::Polygon(p) => vec![p],
                Geometry::MultiPolygon(m) => m,
            };
            areas.push(Area {
                code,
                name,
                polygons,
            });
        }
        areas.sort_by(|a, b| a.code.cmp(&b.code));
        Ok(Self { areas })
    }

    /// The area with a code.
    pub fn get(&self, code: &str) -> Option<&Area> {
        self.areas
            .binary_search_by(|a| a.code.as_str().cmp(code))
            .ok()
            .map(|i| &self.areas[i])
    }

    /// Every area, by code.
    pub fn areas(&self) -> &[Area] {
        &self.areas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_hold_every_english_district_county_and_icb() {
        use crate::boundaries;
        assert_eq!(boundaries::districts().areas().len(), 296);
        assert_eq!(boundaries::counties().areas().len(), 21);
        assert_eq!(boundaries::icbs().areas().len(), 42);
        let norwich = boundaries::districts().get("E07000148").unwrap();
        assert_eq!(norwich.name, "Norwich");
        // Every vertex of Norwich lies in the city's box on the ONS boundary (about 1.20 to
        // 1.54 east, 52.55 to 52.69 north), so the codes and shapes were not shuffled.
        for [lon, lat] in norwich.polygons.iter().flatten().flatten() {
            assert!(
                (1.19..1.55).contains(lon) && (52.54..52.70).contains(lat),
                "{lon},{lat}"
            );
        }
    }

    #[test]
    fn a_feature_without_a_code_is_refused() {
        let text = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
            "geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}"#;
        assert!(matches!(
            Boundaries::from_geojson(text),
            Err(MapError::MissingCode(0))
        ));
    }
}
