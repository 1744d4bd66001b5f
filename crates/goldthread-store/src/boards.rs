//! Boards and partnerships, their seats, and joint roles, per ICS.

use chrono::NaiveDate;
use goldthread_domain::board::{Board, BoardId, BoardKind, JointRole, Seat, SeatRole};
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::GssCode;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::{now, Store, StoreError};

fn seat_from_row(row: &AnyRow) -> Result<Seat, StoreError> {
    let board: String = row.try_get("board_id")?;
    let bad = |e: String| StoreError::corrupt("seats", &board, e);
    Ok(Seat {
        board: BoardId::parse(&board).map_err(|e| bad(e.to_string()))?,
        person: row.try_get("person")?,
        organisation: OrganisationId::parse(&row.try_get::<String, _>("organisation_id")?)
            .map_err(|e| bad(e.to_string()))?,
        role: SeatRole::parse(&row.try_get::<String, _>("role")?)
            .map_err(|e| bad(e.to_string()))?,
        voting: row.try_get::<i64, _>("voting")? != 0,
        since: row
            .try_get::<Option<String>, _>("since")?
            .map(|s| s.parse::<NaiveDate>().map_err(|e| bad(e.to_string())))
            .transpose()?,
    })
}

impl Store {
    /// Replaces every board, seat and joint role of the ICS `icb`, in one transaction.
    pub async fn put_boards(
        &self,
        icb: &GssCode,
        boards: &[Board],
        seats: &[Seat],
        joint_roles: &[JointRole],
    ) -> Result<(), StoreError> {
        let at = now();
        let mut tx = self.pool.begin().await?;
        for sql in [
            "DELETE FROM seats WHERE board_id IN (SELECT id FROM boards WHERE icb_code = $1)",
            "DELETE FROM board_areas WHERE board_id IN (SELECT id FROM boards WHERE icb_code = $1)",
            "DELETE FROM boards WHERE icb_code = $1",
            "DELETE FROM joint_role_splits WHERE joint_role_id IN \
             (SELECT id FROM joint_roles WHERE icb_code = $1)",
            "DELETE FROM joint_roles WHERE icb_code = $1",
        ] {
            sqlx::query(sql)
                .bind(icb.as_str())
                .execute(&mut *tx)
                .await?;
        }
        for b in boards {
            if &b.icb != icb {
                return Err(StoreError::Conflict(format!(
                    "board {:?} belongs to {}, not {icb}",
                    b.name, b.icb
                )));
            }
            sqlx::query(
                "INSERT INTO boards (id, icb_code, kind, name, host_id, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(b.id.to_string())
            .bind(icb.as_str())
            .bind(b.kind.as_str())
            .bind(b.name.as_str())
            .bind(b.host.map(|h| h.to_string()))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
            for area in &b.footprint {
                sqlx::query("INSERT INTO board_areas (board_id, area_code) VALUES ($1, $2)")
                    .bind(b.id.to_string())
                    .bind(area.as_str())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for (i, s) in seats.iter().enumerate() {
            sqlx::query(
                "INSERT INTO seats (board_id, position, person, organisation_id, role, voting, \
                 since) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(s.board.to_string())
            .bind(i as i64)
            .bind(s.person.as_str())
            .bind(s.organisation.to_string())
            .bind(s.role.as_str())
            .bind(i64::from(s.voting))
            .bind(s.since.map(|d| d.to_string()))
            .execute(&mut *tx)
            .await?;
        }
        for (i, j) in joint_roles.iter().enumerate() {
            let id = format!("{icb}/{i}");
            sqlx::query(
                "INSERT INTO joint_roles (id, icb_code, person, title) VALUES ($1, $2, $3, $4)",
            )
            .bind(&id)
            .bind(icb.as_str())
            .bind(j.person.as_str())
            .bind(j.title.as_str())
            .execute(&mut *tx)
            .await?;
            for (org, percent) in &j.split {
                sqlx::query(
                    "INSERT INTO joint_role_splits (joint_role_id, organisation_id, percent) \
                     VALUES ($1, $2, $3)",
                )
                .bind(&id)
                .bind(org.to_string())
                .bind(i64::from(*percent))
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The boards of an ICS, by kind and name, with their footprints.
    pub async fn boards_in(&self, icb: &GssCode) -> Result<Vec<Board>, StoreError> {
        let rows = sqlx::query("SELECT id FROM boards WHERE icb_code = $1")
            .bind(icb.as_str())
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let id: String = row.try_get("id")?;
            let id = BoardId::parse(&id).map_err(|e| StoreError::corrupt("boards", &id, e))?;
            if let Some(b) = self.board(&id).await? {
                out.push(b);
            }
        }
        out.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        Ok(out)
    }

    /// One board with its footprint.
    pub async fn board(&self, id: &BoardId) -> Result<Option<Board>, StoreError> {
        let Some(row) =
            sqlx::query("SELECT id, icb_code, kind, name, host_id FROM boards WHERE id = $1")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?
        else {
            return Ok(None);
        };
        let key = id.to_string();
        let bad = |e: goldthread_domain::ParseIdError| StoreError::corrupt("boards", &key, e);
        let areas: Vec<String> = sqlx::query_scalar(
            "SELECT area_code FROM board_areas WHERE board_id = $1 ORDER BY area_code",
        )
        .bind(id.to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(Some(Board {
            id: *id,
            icb: GssCode::parse(&row.try_get::<String, _>("icb_code")?).map_err(bad)?,
            kind: BoardKind::parse(&row.try_get::<String, _>("kind")?).map_err(bad)?,
            name: row.try_get("name")?,
            footprint: areas
                .iter()
                .map(|a| GssCode::parse(a))
                .collect::<Result<_, _>>()
                .map_err(bad)?,
            host: row
                .try_get::<Option<String>, _>("host_id")?
                .map(|h| OrganisationId::parse(&h))
                .transpose()
                .map_err(bad)?,
        }))
    }

    /// The seats on one board, in order.
    pub async fn seats_on(&self, board: &BoardId) -> Result<Vec<Seat>, StoreError> {
        let rows = sqlx::query("SELECT * FROM seats WHERE board_id = $1 ORDER BY position")
            .bind(board.to_string())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(seat_from_row).collect()
    }

    /// Every seat on every board of an ICS.
    pub async fn seats_in(&self, icb: &GssCode) -> Result<Vec<Seat>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.* FROM seats s JOIN boards b ON b.id = s.board_id WHERE b.icb_code = $1 \
             ORDER BY s.board_id, s.position",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(seat_from_row).collect()
    }

    /// The seats an organisation holds, on any board.
    pub async fn seats_of(&self, org: &OrganisationId) -> Result<Vec<Seat>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM seats WHERE organisation_id = $1 ORDER BY board_id, position",
        )
        .bind(org.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(seat_from_row).collect()
    }

    /// The joint roles of an ICS.
    pub async fn joint_roles_in(&self, icb: &GssCode) -> Result<Vec<JointRole>, StoreError> {
        let rows = sqlx::query(
            "SELECT j.id, j.person, j.title, s.organisation_id, s.percent FROM joint_roles j \
             JOIN joint_role_splits s ON s.joint_role_id = j.id WHERE j.icb_code = $1 \
             ORDER BY j.id, s.percent DESC, s.organisation_id",
        )
        .bind(icb.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut out: Vec<(String, JointRole)> = Vec::new();
        for row in rows {
            let id: String = row.try_get("id")?;
            let org = OrganisationId::parse(&row.try_get::<String, _>("organisation_id")?)
                .map_err(|e| StoreError::corrupt("joint_role_splits", &id, e))?;
            let percent = u8::try_from(row.try_get::<i64, _>("percent")?)
                .map_err(|e| StoreError::corrupt("joint_role_splits", &id, e))?;
            match out.last_mut() {
                Some((last, j)) if *last == id => j.split.push((org, percent)),
                _ => out.push((
                    id,
                    JointRole {
                        person: row.try_get("person")?,
                        title: row.try_get("title")?,
                        split: vec![(org, percent)],
                    },
                )),
            }
        }
        Ok(out.into_iter().map(|(_, j)| j).collect())
    }
}
