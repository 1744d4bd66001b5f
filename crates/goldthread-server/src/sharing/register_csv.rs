//! The agreement register as CSV: one row per agreement, the form `/agreements.csv` exports and
//! `/agreements/import` reads, so existing registers (such as an Information Sharing Gateway
//! export, after mapping its columns) can come in.
//!
//! Columns: `reference, title, purpose, description, lawful_basis, article9, tier,
//! retain_identifiers (yes/no), opt_out_exemption (blank for none), retention_days, security,
//! dpia, start, review, expiry (YYYY-MM-DD), status (draft, approved, suspended, revoked),
//! parties, fields`. `parties` is `;`-separated `organisation-id|role|ico-registration|dspt-status|
//! approved-at` (role: controller, joint_controller, processor; approved-at blank if not yet);
//! `fields` is `;`-separated `organisation-id|dataset-kind|field`.

use chrono::NaiveDate;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{
    Agreement, AgreementId, Article9Condition, DataTier, DatasetKind, Exemption, FieldGrant,
    LawfulBasis, Party, PartyRole, Purpose, Status,
};

const HEADER: [&str; 17] = [
    "reference",
    "title",
    "purpose",
    "description",
    "lawful_basis",
    "article9",
    "tier",
    "retain_identifiers",
    "opt_out_exemption",
    "retention_days",
    "security",
    "dpia",
    "start",
    "review",
    "expiry",
    "status",
    "parties",
];

/// Writes the register.
pub(super) fn write(all: &[Agreement]) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = HEADER.to_vec();
    header.push("fields");
    w.write_record(&header).map_err(|e| e.to_string())?;
    for a in all {
        let parties: Vec<String> = a
            .parties
            .iter()
            .map(|p| {
                format!(
                    "{}|{}|{}|{}|{}",
                    p.organisation,
                    p.role.as_str(),
                    p.ico_registration,
                    p.dspt_status,
                    p.approved_at.as_deref().unwrap_or("")
                )
            })
            .collect();
        let fields: Vec<String> = a
            .fields
            .iter()
            .flat_map(|g| {
                g.fields
                    .iter()
                    .map(move |f| format!("{}|{}|{f}", g.organisation, g.dataset.as_str()))
            })
            .collect();
        let status = match a.status {
            Status::Active | Status::Expired => Status::Approved,
            s => s,
        };
        w.write_record([
            a.reference.as_str(),
            &a.title,
            a.purpose.as_str(),
            &a.description,
            a.lawful_basis.as_str(),
            a.article9.as_str(),
            a.tier.as_str(),
            if a.retain_identifiers { "yes" } else { "no" },
            a.opt_out_exemption.map_or("", Exemption::as_str),
            &a.retention_days.to_string(),
            &a.security,
            &a.dpia,
            &a.start.to_string(),
            &a.review.to_string(),
            &a.expiry.to_string(),
            status.as_str(),
            &parties.join(";"),
            &fields.join(";"),
        ])
        .map_err(|e| e.to_string())?;
    }
    String::from_utf8(w.into_inner().map_err(|e| e.to_string())?).map_err(|e| e.to_string())
}

/// Reads a register: every agreement, or the first problem by line and column.
pub(super) fn read(text: &str) -> Result<Vec<Agreement>, String> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| format!("line 1: {e}"))?.clone();
    let col = |name: &str| -> Result<usize, String> {
        headers
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| format!("line 1: the column {name} is missing"))
    };
    let mut idx = Vec::new();
    for h in HEADER.iter().chain(["fields"].iter()) {
        idx.push(col(h)?);
    }
    let mut out = Vec::new();
    for (n, rec) in r.records().enumerate() {
        let line = n + 2;
        let rec = rec.map_err(|e| format!("line {line}: {e}"))?;
        let get = |i: usize| rec.get(idx[i]).unwrap_or("").trim();
        let at = |field: &str, e: String| format!("line {line}, column {field}: {e}");
        let date = |i: usize| {
            NaiveDate::parse_from_str(get(i), "%Y-%m-%d")
                .map_err(|_| at(HEADER[i], "expected a date as YYYY-MM-DD".into()))
        };
        let reference = get(0).to_owned();
        let a = Agreement {
            id: AgreementId::for_reference(&reference),
            reference,
            title: get(1).to_owned(),
            purpose: Purpose::parse(get(2)).map_err(|e| at("purpose", e.reason))?,
            description: get(3).to_owned(),
            lawful_basis: LawfulBasis::parse(get(4)).map_err(|e| at("lawful_basis", e.reason))?,
            article9: Article9Condition::parse(get(5)).map_err(|e| at("article9", e.reason))?,
            tier: DataTier::parse(get(6)).map_err(|e| at("tier", e.reason))?,
            retain_identifiers: match get(7) {
                "yes" => true,
                "no" => false,
                _ => return Err(at("retain_identifiers", "expected yes or no".into())),
            },
            opt_out_exemption: match get(8) {
                "" => None,
                s => Some(Exemption::parse(s).map_err(|e| at("opt_out_exemption", e.reason))?),
            },
            retention_days: get(9)
                .parse()
                .map_err(|_| at("retention_days", "expected a whole number of days".into()))?,
            security: get(10).to_owned(),
            dpia: get(11).to_owned(),
            start: date(12)?,
            review: date(13)?,
            expiry: date(14)?,
            status: match Status::parse(get(15)).map_err(|e| at("status", e.reason))? {
                s @ (Status::Draft | Status::Approved | Status::Suspended | Status::Revoked) => s,
                _ => {
                    return Err(at(
                        "status",
                        "expected draft, approved, suspended or revoked".into(),
                    ))
                }
            },
            parties: parties(get(16)).map_err(|e| at("parties", e))?,
            fields: fields(get(17)).map_err(|e| at("fields", e))?,
        };
        a.validate().map_err(|e| format!("line {line}: {e}"))?;
        out.push(a);
    }
    Ok(out)
}

fn org(s: &str) -> Result<OrganisationId, String> {
    OrganisationId::parse(s).map_err(|e| e.reason)
}

fn parties(s: &str) -> Result<Vec<Party>, String> {
    s.split(';')
        .filter(|p| !p.trim().is_empty())
        .map(|p| {
            let parts: Vec<&str> = p.split('|').map(str::trim).collect();
            let [o, role, ico, dspt, approved] = parts[..] else {
                return Err(format!(
                    "{p:?}: expected organisation|role|ico|dspt|approved-at"
                ));
            };
            Ok(Party {
                organisation: org(o)?,
                role: PartyRole::parse(role).map_err(|e| e.reason)?,
                ods_code: None,
                ico_registration: ico.to_owned(),
                dspt_status: dspt.to_owned(),
                approved_at: (!approved.is_empty()).then(|| approved.to_owned()),
            })
        })
        .collect()
}

fn fields(s: &str) -> Result<Vec<FieldGrant>, String> {
    let mut out: Vec<FieldGrant> = Vec::new();
    for f in s.split(';').filter(|f| !f.trim().is_empty()) {
        let parts: Vec<&str> = f.split('|').map(str::trim).collect();
        let [o, kind, field] = parts[..] else {
            return Err(format!("{f:?}: expected organisation|dataset-kind|field"));
        };
        let (organisation, dataset) = (org(o)?, DatasetKind::parse(kind).map_err(|e| e.reason)?);
        match out
            .iter_mut()
            .find(|g| g.organisation == organisation && g.dataset == dataset)
        {
            Some(g) => g.fields.push(field.to_owned()),
            None => out.push(FieldGrant {
                organisation,
                dataset,
                fields: vec![field.to_owned()],
            }),
        }
    }
    Ok(out)
}
