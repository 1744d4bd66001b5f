//! The representation report: who holds the seats on an ICS's boards, by tier and by role, and
//! which districts have no voice where decisions are made.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::{Board, BoardId, BoardKind, Seat, SeatRole};
use crate::geography::{ReferenceGeography, Tier};
use crate::ids::GssCode;
use crate::organisation::{Organisation, OrganisationId};

/// Seats counted two ways.
#[derive(Clone, Copy, Default, PartialEq, Eq, Debug, Serialize)]
pub struct SeatCount {
    /// All seats.
    pub seats: usize,
    /// Voting seats.
    pub voting: usize,
}

impl SeatCount {
    fn add(&mut self, seat: &Seat) {
        self.seats += 1;
        self.voting += usize::from(seat.voting);
    }
}

/// One board's composition.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct BoardComposition {
    /// The board.
    pub id: BoardId,
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: BoardKind,
    /// All its seats.
    pub total: SeatCount,
    /// Seats by the kind of organisation holding them (the tier, for councils; `other` for an
    /// organisation outside the ICS's list).
    pub by_organisation_kind: BTreeMap<&'static str, SeatCount>,
    /// Seats by role.
    pub by_role: BTreeMap<SeatRole, SeatCount>,
}

/// A district named in the report.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct DistrictRef {
    /// Its GSS code.
    pub code: GssCode,
    /// Its name.
    pub name: String,
}

/// Who sits where across an ICS's boards.
#[derive(Clone, PartialEq, Debug, Serialize)]
pub struct RepresentationReport {
    /// The ICS, by ICB code.
    pub icb: GssCode,
    /// Every board's composition, ICB first.
    pub boards: Vec<BoardComposition>,
    /// Seats held by elected councillors on the ICB.
    pub elected_councillors_on_icb: usize,
    /// The districts in the ICS with no seat on the ICB.
    pub districts_without_icb_seat: Vec<DistrictRef>,
    /// The districts in the ICS with no seat on the ICP.
    pub districts_without_icp_seat: Vec<DistrictRef>,
    /// The districts in the ICS with no local partnership covering them.
    pub districts_without_local_partnership: Vec<DistrictRef>,
}

impl RepresentationReport {
    /// Builds the report for one ICS from its boards, their seats and the organisations holding
    /// them. Districts are those with any part in the ICB's footprint.
    pub fn build(
        geo: &ReferenceGeography,
        icb: &GssCode,
        boards: &[Board],
        seats: &[Seat],
        organisations: &[Organisation],
    ) -> Self {
        let orgs: HashMap<OrganisationId, &Organisation> =
            organisations.iter().map(|o| (o.id, o)).collect();
        let mut boards: Vec<&Board> = boards.iter().filter(|b| &b.icb == icb).collect();
        boards.sort_by_key(|b| (b.kind, b.name.clone()));
        let compositions = boards.iter().map(|b| compose(b, seats, &orgs)).collect();
        let districts: Vec<DistrictRef> = geo
            .authorities_in(icb)
            .into_iter()
            .filter(|(a, _)| a.tier == Tier::District)
            .map(|(a, _)| DistrictRef {
                code: a.code,
                name: a.name.clone(),
            })
            .collect();
        let seated_on = |kind: BoardKind| -> Vec<&GssCode> {
            let ids: Vec<BoardId> = boards
                .iter()
                .filter(|b| b.kind == kind)
                .map(|b| b.id)
                .collect();
            seats
                .iter()
                .filter(|s| ids.contains(&s.board))
                .filter_map(|s| orgs.get(&s.organisation)?.gss_code.as_ref())
                .collect()
        };
        let without = |seated: Vec<&GssCode>| -> Vec<DistrictRef> {
            districts
                .iter()
                .filter(|d| !seated.contains(&&d.code))
                .cloned()
                .collect()
        };
        let icb_board_ids: Vec<BoardId> = boards
            .iter()
            .filter(|b| b.kind == BoardKind::IntegratedCareBoard)
            .map(|b| b.id)
            .collect();
        let covered: Vec<&GssCode> = boards
            .iter()
            .filter(|b| b.kind == BoardKind::LocalPartnership)
            .flat_map(|b| b.footprint.iter())
            .collect();
        Self {
            icb: *icb,
            boards: compositions,
            elected_councillors_on_icb: seats
                .iter()
                .filter(|s| {
                    icb_board_ids.contains(&s.board) && s.role == SeatRole::ElectedCouncillor
                })
                .count(),
            districts_without_icb_seat: without(seated_on(BoardKind::IntegratedCareBoard)),
            districts_without_icp_seat: without(seated_on(BoardKind::IntegratedCarePartnership)),
            districts_without_local_partnership: without(covered),
        }
    }
}

fn compose(
    board: &Board,
    seats: &[Seat],
    orgs: &HashMap<OrganisationId, &Organisation>,
) -> BoardComposition {
    let mut c = BoardComposition {
        id: board.id,
        name: board.name.clone(),
        kind: board.kind,
        total: SeatCount::default(),
        by_organisation_kind: BTreeMap::new(),
        by_role: BTreeMap::new(),
    };
    for seat in seats.iter().filter(|s| s.board == board.id) {
        c.total.add(seat);
        c.by_role.entry(seat.role).or_default().add(seat);
        // A seat for an organisation the ICS does not list still counts, as "other".
        let kind = orgs
            .get(&seat.organisation)
            .map_or("other", |o| o.kind.as_str());
        c.by_organisation_kind.entry(kind).or_default().add(seat);
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::organisation::OrganisationKind;

    fn council(geo: &ReferenceGeography, code: &str) -> Organisation {
        let gss = GssCode::parse(code).unwrap();
        let a = geo.authority(&gss).unwrap();
        Organisation {
            id: OrganisationId::for_code(code),
            name: a.name.clone(),
            kind: OrganisationKind::council(a.tier),
            ods_code: None,
            gss_code: Some(gss),
        }
    }

    fn seat(board: &Board, org: &Organisation, role: SeatRole) -> Seat {
        Seat {
            board: board.id,
            person: "A. Person".into(),
            organisation: org.id,
            role,
            voting: true,
            since: None,
        }
    }

    #[test]
    fn a_district_with_no_seat_on_the_icb_is_listed() {
        let geo = ReferenceGeography::england_2024();
        let icb = GssCode::parse("E54000022").unwrap();
        let board = |kind, name: &str, footprint: Vec<GssCode>| Board {
            id: BoardId::for_key(name),
            icb,
            kind,
            name: name.into(),
            footprint,
            host: None,
        };
        let icb_board = board(BoardKind::IntegratedCareBoard, "ICB", vec![]);
        let norwich_lp = board(
            BoardKind::LocalPartnership,
            "Norwich HWP",
            vec![GssCode::parse("E07000148").unwrap()],
        );
        let norwich = council(&geo, "E07000148");
        let county = council(&geo, "E10000020");
        let seats = vec![
            seat(&icb_board, &norwich, SeatRole::ElectedCouncillor),
            seat(&icb_board, &county, SeatRole::CouncilOfficer),
        ];
        let report = RepresentationReport::build(
            &geo,
            &icb,
            &[icb_board, norwich_lp],
            &seats,
            &[norwich, county],
        );
        assert_eq!(report.elected_councillors_on_icb, 1);
        let missing: Vec<&str> = report
            .districts_without_icb_seat
            .iter()
            .map(|d| d.name.as_str())
            .collect();
        assert_eq!(missing.len(), 7, "{missing:?}");
        assert!(missing.contains(&"Breckland") && !missing.contains(&"Norwich"));
        assert_eq!(report.districts_without_icp_seat.len(), 8);
        assert_eq!(report.districts_without_local_partnership.len(), 7);
        let icb_comp = &report.boards[0];
        assert_eq!(icb_comp.total.seats, 2);
        assert_eq!(icb_comp.by_organisation_kind["district_council"].seats, 1);
    }
}
