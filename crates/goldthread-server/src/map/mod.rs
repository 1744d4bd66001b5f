//! Mapping the system: who does what, where, and who decides. The Open Referral UK read API,
//! the responsibility and representation JSON, and the pages people use: the ICS overview with
//! its map, organisations, boards, the representation report and the service directory.

mod api;
mod chart;
mod directory_pages;
mod ics_map;
mod ics_pages;
mod live_index;
mod org_edit;
mod org_pages;
mod org_upload;
mod oruk;
mod search_index;

use axum::Router;
use goldthread_domain::directory::ServiceId;
use goldthread_domain::geography::{ReferenceGeography, Tier};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;

use crate::{ApiError, AppState};

pub(crate) use live_index::LiveDirectory;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .merge(oruk::routes())
        .merge(api::routes())
        .merge(ics_pages::routes())
        .merge(org_pages::routes())
        .merge(directory_pages::routes())
}

/// The areas a service must cover to be offered at `area`: the area itself, its county for a
/// district (county-wide services reach it), and a county's districts (so a search for the
/// county finds district services too).
pub(crate) fn widen_area(geo: &ReferenceGeography, area: &GssCode) -> Vec<GssCode> {
    let mut out = vec![*area];
    if let Some(a) = geo.authority(area) {
        match a.tier {
            Tier::District => out.push(a.upper_tier),
            Tier::County => out.extend(geo.districts_of(area).iter().map(|d| d.code)),
            _ => {}
        }
    }
    out
}

/// Parses an organisation id from a path or query, as a 400 naming the field.
pub(crate) fn parse_org_id(field: &str, raw: &str) -> Result<OrganisationId, ApiError> {
    OrganisationId::parse(raw)
        .map_err(|e| ApiError::bad_request("invalid_id", format!("{field}: {e}")))
}

/// Parses a service id from a path or query, as a 400 naming the field.
pub(crate) fn parse_service_id(field: &str, raw: &str) -> Result<ServiceId, ApiError> {
    ServiceId::parse(raw).map_err(|e| ApiError::bad_request("invalid_id", format!("{field}: {e}")))
}

/// The ICB code of a path, refusing codes that are not ICBs.
pub(crate) fn icb_code(code: GssCode) -> Result<GssCode, ApiError> {
    if code.entity() == goldthread_domain::GssEntity::IntegratedCareBoard {
        Ok(code)
    } else {
        Err(ApiError::bad_request(
            "not_an_icb_code",
            format!("{code} is not an ICB code; ICB codes start E54"),
        ))
    }
}

/// A page number and size from a query, checked: pages from 1, at most 200 items a page.
pub(crate) fn paging(
    page: Option<&str>,
    per_page: Option<&str>,
    default_size: u64,
) -> Result<(u64, u64), ApiError> {
    let num = |name: &str, v: Option<&str>, default: u64, max: u64| -> Result<u64, ApiError> {
        match v.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(v) => v
                .parse::<u64>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_paging",
                        format!("{name} must be a whole number from 1 to {max}, not {v:?}"),
                    )
                }),
        }
    };
    Ok((
        num("page", page, 1, 1_000_000)?,
        num("per_page", per_page, default_size, 200)?,
    ))
}
