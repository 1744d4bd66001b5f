//! The demo's sign-in accounts, data-sharing agreements and a small synthetic dataset.
//!
//! - One account per role in each of four organisations (NHS Norfolk and Waveney ICB, Norfolk
//!   and Norwich University Hospitals, Great Yarmouth Borough Council, Norfolk County Council),
//!   plus one analyst holding joint roles in the ICB and Great Yarmouth. All share the published
//!   [`DEMO_PASSWORD`] and are marked as demo accounts: a production start refuses to run
//!   while any exists.
//! - Agreements for Waiting Well and District Direct, direct care and their evaluation kept
//!   separate, plus a draft and an expired one to show the lifecycle.
//! - Synthetic people (NHS numbers from the 999 range, which is never issued) on the hospital's
//!   waiting list, Great Yarmouth's housing register and DFG applications, uploaded through the
//!   same pseudonymisation as a real upload under the published demo key.

use chrono::{Duration, NaiveDate, Utc};
use goldthread_domain::audit::AuditRecord;
use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::pseudonym::DEMO_KEY;
use goldthread_domain::sharing::{
    read_csv, AccountId, Agreement, AgreementId, Article9Condition, DataTier, DatasetId,
    DatasetKind, FieldGrant, LawfulBasis, OptOutKind, Party, PartyRole, PseudonymKey, Purpose,
    Role, RoleGrant, Status,
};
use goldthread_domain::{NhsNumber, OdsCode};
use goldthread_store::{Dataset, NewAccount, PseudonymisedRow, Store, StoreError};

/// The password of every demo account (published in the README; never use in production).
pub const DEMO_PASSWORD: &str = "goldthread-demo-password";

/// The name the pseudonymisation key is stored under (as the server reads it).
const PSEUDONYM_KEY: &str = "pseudonym_key";

/// The name the linkage secret is stored under (as the server reads it).
const LINKAGE_SECRET: &str = "linkage_secret";

/// The demo's published linkage secret; a production start refuses it like the demo key.
pub const DEMO_LINKAGE_SECRET: &[u8] = b"goldthread demo linkage secret - not for production!";

/// The organisations with demo accounts: (short name used in emails, organisation code).
pub const DEMO_ORGANISATIONS: [(&str, &str); 4] = [
    ("icb", "QMM"),
    ("nnuh", "RM1"),
    ("great-yarmouth", "E07000145"),
    ("norfolk-cc", "E10000020"),
];

/// The email of the demo account for a role in an organisation (short name as above).
pub fn demo_email(role: Role, org_short: &str) -> String {
    format!(
        "{}.{org_short}@demo.goldthread.invalid",
        role.as_str().replace('_', "-")
    )
}

/// The email of the demo analyst with joint roles in the ICB and Great Yarmouth.
pub const JOINT_ANALYST: &str = "joint-analyst@demo.goldthread.invalid";

fn org(code: &str) -> OrganisationId {
    OrganisationId::for_code(code)
}

/// Installs accounts, agreements and datasets; run after the organisations exist.
pub async fn install(store: &Store) -> Result<(), StoreError> {
    install_accounts(store, &demo_password_hash()).await?;
    let today = Utc::now().date_naive();
    store.put_agreements(&agreements(today)).await?;
    store
        .put_secret(PSEUDONYM_KEY, &hex_encode(DEMO_KEY), true)
        .await?;
    store
        .put_secret(LINKAGE_SECRET, &hex_encode(DEMO_LINKAGE_SECRET), true)
        .await?;
    install_datasets(store, today).await
}

/// The argon2id hash of [`DEMO_PASSWORD`], with a fixed salt: the password is published anyway,
/// and one hash serves every demo account.
fn demo_password_hash() -> String {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(b"goldthread-demo!").expect("16 bytes is a valid salt");
    argon2::Argon2::default()
        .hash_password(DEMO_PASSWORD.as_bytes(), &salt)
        .expect("argon2id hashing with default parameters cannot fail")
        .to_string()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn install_accounts(store: &Store, password_hash: &str) -> Result<(), StoreError> {
    let existing: Vec<String> = store
        .accounts()
        .await?
        .into_iter()
        .map(|a| a.email)
        .collect();
    let mut wanted = Vec::new();
    for (short, code) in DEMO_ORGANISATIONS {
        for role in Role::ALL {
            wanted.push((
                demo_email(role, short),
                format!("Demo {} ({short})", role.label().to_lowercase()),
                vec![RoleGrant {
                    organisation: org(code),
                    role,
                }],
            ));
        }
    }
    wanted.push((
        JOINT_ANALYST.to_owned(),
        "Demo joint analyst (ICB and Great Yarmouth)".to_owned(),
        vec![
            RoleGrant {
                organisation: org("QMM"),
                role: Role::Analyst,
            },
            RoleGrant {
                organisation: org("E07000145"),
                role: Role::Analyst,
            },
        ],
    ));
    for (email, display_name, roles) in wanted {
        if existing.contains(&email) {
            continue;
        }
        store
            .create_account(&NewAccount {
                email,
                display_name,
                password_hash: Some(password_hash.to_owned()),
                is_demo: true,
                roles,
            })
            .await?;
    }
    Ok(())
}

/// The demo agreements, dated around `today` so that they are in force whenever the demo runs.
pub fn agreements(today: NaiveDate) -> Vec<Agreement> {
    let (nnuh, gy, ncc, icb) = (org("RM1"), org("E07000145"), org("E10000020"), org("QMM"));
    let party = |o: OrganisationId, role: PartyRole, ods: Option<&str>, ico: &str| Party {
        organisation: o,
        role,
        ods_code: ods.map(|c| OdsCode::parse(c).expect("valid demo ODS code")),
        ico_registration: ico.to_owned(),
        dspt_status: "Standards Met (2024-25)".to_owned(),
        approved_at: Some(format!("{}T09:00:00.000Z", today - Duration::days(90))),
    };
    let grant = |o, dataset, fields: &[&str]| FieldGrant {
        organisation: o,
        dataset,
        fields: fields.iter().map(|f| (*f).to_owned()).collect(),
    };
    let wl_all = [
        "age_band",
        "postcode_district",
        "specialty",
        "weeks_waiting",
        "priority",
    ];
    let hr_all = [
        "age_band",
        "postcode_district",
        "band",
        "household_size",
        "reason",
    ];
    let dfg_all = [
        "age_band",
        "postcode_district",
        "adaptation",
        "cost_pence",
        "stage",
    ];
    let base = |reference: &str, title: &str, purpose, description: &str| {
        Agreement {
        id: AgreementId::for_reference(reference),
        reference: reference.to_owned(),
        title: title.to_owned(),
        purpose,
        description: description.to_owned(),
        lawful_basis: LawfulBasis::PublicTask,
        article9: if purpose == Purpose::DirectCare {
            Article9Condition::HealthOrSocialCare
        } else {
            Article9Condition::PublicHealth
        },
        tier: DataTier::Pseudonymised,
        retain_identifiers: purpose == Purpose::DirectCare,
        opt_out_exemption: None,
        retention_days: if purpose == Purpose::DirectCare { 365 } else { 730 },
        security: "Held in goldthread within the ICS; pseudonymised at upload with the instance key; role-based access; every read audited.".to_owned(),
        dpia: format!("DPIA-{reference}"),
        start: today - Duration::days(60),
        review: today + Duration::days(300),
        expiry: today + Duration::days(3 * 365),
        status: Status::Approved,
        parties: Vec::new(),
        fields: Vec::new(),
    }
    };
    let ww_care = Agreement {
        parties: vec![
            party(nnuh, PartyRole::Controller, Some("RM1"), "Z5679540"),
            party(gy, PartyRole::JointController, None, "Z7299563"),
        ],
        fields: vec![
            grant(nnuh, DatasetKind::WaitingList, &wl_all),
            grant(gy, DatasetKind::WaitingList, &["age_band", "postcode_district", "weeks_waiting"]),
            grant(gy, DatasetKind::HousingRegister, &hr_all),
        ],
        ..base("DSA-WW-001", "Waiting Well: outreach to people waiting for planned care", Purpose::DirectCare,
            "The hospital shares which of its patients waiting for planned care live in Great Yarmouth so that the council's Waiting Well officers can offer help with housing, money and getting fit for surgery. The hospital alone re-identifies people for contact.")
    };
    let ww_eval = Agreement {
        parties: vec![
            party(nnuh, PartyRole::Controller, Some("RM1"), "Z5679540"),
            party(gy, PartyRole::Controller, None, "Z7299563"),
            party(icb, PartyRole::JointController, Some("QMM"), "ZB345678"),
        ],
        fields: vec![
            grant(icb, DatasetKind::WaitingList, &wl_all),
            grant(icb, DatasetKind::HousingRegister, &["age_band", "postcode_district", "band", "household_size"]),
            grant(nnuh, DatasetKind::WaitingList, &wl_all),
            grant(gy, DatasetKind::HousingRegister, &hr_all),
        ],
        ..base("DSA-WW-002", "Waiting Well: evaluation", Purpose::Evaluation,
            "The ICB evaluates whether Waiting Well shortened waits and reduced cancellations, using pseudonymised records only. People who registered a national data opt-out are removed from the hospital's data.")
    };
    let dd_care = Agreement {
        parties: vec![
            party(gy, PartyRole::Controller, None, "Z7299563"),
            party(nnuh, PartyRole::JointController, Some("RM1"), "Z5679540"),
            party(ncc, PartyRole::JointController, None, "Z6139271"),
        ],
        fields: vec![
            grant(gy, DatasetKind::DfgApplications, &dfg_all),
            grant(nnuh, DatasetKind::DfgApplications, &["age_band", "postcode_district", "adaptation", "stage"]),
            grant(ncc, DatasetKind::DfgApplications, &["age_band", "postcode_district", "adaptation", "stage"]),
        ],
        ..base("DSA-DD-001", "District Direct: a safe home to go back to", Purpose::DirectCare,
            "Great Yarmouth's District Direct officers work with the hospital's discharge team and the county's adult social care to get homes adapted (Disabled Facilities Grants) so that people can leave hospital safely.")
    };
    let dd_eval = Agreement {
        parties: vec![
            party(gy, PartyRole::Controller, None, "Z7299563"),
            party(icb, PartyRole::JointController, Some("QMM"), "ZB345678"),
        ],
        fields: vec![grant(icb, DatasetKind::DfgApplications, &["age_band", "postcode_district", "cost_pence", "stage"])],
        ..base("DSA-DD-002", "District Direct: evaluation", Purpose::Evaluation,
            "The ICB evaluates District Direct's effect on delayed discharges, with pseudonymised DFG records.")
    };
    let draft = Agreement {
        status: Status::Draft,
        parties: vec![
            party(gy, PartyRole::Controller, None, "Z7299563"),
            Party { approved_at: None, ..party(icb, PartyRole::JointController, Some("QMM"), "ZB345678") },
        ],
        fields: vec![grant(icb, DatasetKind::BenefitsCaseload, &["age_band", "postcode_district", "benefit"])],
        ..base("DSA-HB-001", "Benefits and health: planning", Purpose::Planning,
            "Proposed: the ICB would use pseudonymised benefits caseloads to plan money advice in GP practices.")
    };
    let expired = Agreement {
        start: today - Duration::days(800),
        review: today - Duration::days(500),
        expiry: today - Duration::days(30),
        parties: vec![
            party(gy, PartyRole::Controller, None, "Z7299563"),
            party(icb, PartyRole::Processor, Some("QMM"), "ZB345678"),
        ],
        fields: vec![grant(icb, DatasetKind::HousingRegister, &["band"])],
        ..base(
            "DSA-HR-000",
            "Housing need pilot (ended)",
            Purpose::Planning,
            "A pilot that ended: kept on the register as a record.",
        )
    };
    vec![ww_care, ww_eval, dd_care, dd_eval, draft, expired]
}

/// Synthetic people: (NHS number, given, family, date of birth, postcode). NHS numbers come from
/// the 999 range, which is reserved for testing and never issued.
pub fn synthetic_people() -> Vec<(NhsNumber, String, String, String, String)> {
    const GIVEN: [&str; 10] = [
        "Ada", "Brian", "Carol", "Derek", "Edna", "Frank", "Gwen", "Harold", "Iris", "Jack",
    ];
    const FAMILY: [&str; 8] = [
        "Thurlow", "Gedge", "Bessey", "Plume", "Cubitt", "Howes", "Larter", "Bunn",
    ];
    const POSTCODES: [&str; 6] = [
        "NR30 1AA", "NR30 2BB", "NR31 6DE", "NR31 9EF", "NR29 4GH", "NR30 3JJ",
    ];
    let mut out = Vec::new();
    let mut n: u64 = 999_000_000;
    while out.len() < 40 {
        n += 7;
        let digits: Vec<u32> = n
            .to_string()
            .chars()
            .map(|c| c.to_digit(10).unwrap_or(0))
            .collect();
        let sum: u32 = digits.iter().zip((2..=10).rev()).map(|(d, w)| d * w).sum();
        let check = (11 - sum % 11) % 11;
        if check == 10 {
            continue;
        }
        let Ok(nhs) = NhsNumber::parse(&format!("{n}{check}")) else {
            continue;
        };
        let i = out.len();
        let dob = NaiveDate::from_ymd_opt(
            1940 + (i * 7 % 60) as i32,
            (i % 12 + 1) as u32,
            (i % 27 + 1) as u32,
        )
        .unwrap_or_default();
        out.push((
            nhs,
            GIVEN[i % 10].to_owned(),
            FAMILY[(i / 3) % 8].to_owned(),
            dob.to_string(),
            POSTCODES[i % 6].to_owned(),
        ));
    }
    out
}

fn csv_of(header: &str, rows: impl Iterator<Item = String>) -> String {
    let mut s = format!("nhs_number,given_name,family_name,date_of_birth,postcode,{header}\n");
    for r in rows {
        s.push_str(&r);
        s.push('\n');
    }
    s
}

/// The demo uploads as CSV: waiting list (NNUH), housing register and DFG applications (Great
/// Yarmouth). People 0–11 appear on both the waiting list and the housing register.
pub fn demo_uploads() -> Vec<(&'static str, &'static str, DatasetKind, String)> {
    let people = synthetic_people();
    let id = |p: &(NhsNumber, String, String, String, String), with_nhs: bool| {
        let nhs = if with_nhs {
            p.0.digits()
        } else {
            String::new()
        };
        format!("{nhs},{},{},{},{}", p.1, p.2, p.3, p.4)
    };
    let specialties = [
        "Trauma and orthopaedics",
        "General surgery",
        "Ophthalmology",
        "Urology",
    ];
    let waiting = csv_of(
        "specialty,weeks_waiting,priority",
        people.iter().take(30).enumerate().map(|(i, p)| {
            format!(
                "{},{},{},{}",
                id(p, true),
                specialties[i % 4],
                8 + (i * 5) % 70,
                if i % 5 == 0 { "P2" } else { "routine" }
            )
        }),
    );
    let housing = csv_of(
        "band,household_size,reason",
        people
            .iter()
            .take(12)
            .chain(people.iter().skip(30))
            .enumerate()
            .map(|(i, p)| {
                format!(
                    "{},{},{},{}",
                    id(p, i % 3 != 2),
                    ["A", "B", "C", "D"][i % 4],
                    1 + i % 4,
                    "Medical need: home unsuitable"
                )
            }),
    );
    let dfg = csv_of(
        "adaptation,cost_pence,stage",
        people.iter().skip(4).take(10).enumerate().map(|(i, p)| {
            format!(
                "{},{},{},{}",
                id(p, true),
                ["Stairlift", "Level-access shower", "Ramp"][i % 3],
                350_000 + i * 12_500,
                ["enquiry", "assessed", "approved", "completed"][i % 4]
            )
        }),
    );
    vec![
        (
            "DSA-WW-001",
            "RM1",
            DatasetKind::WaitingList,
            waiting.clone(),
        ),
        (
            "DSA-WW-001",
            "E07000145",
            DatasetKind::HousingRegister,
            housing.clone(),
        ),
        ("DSA-WW-002", "RM1", DatasetKind::WaitingList, waiting),
        (
            "DSA-WW-002",
            "E07000145",
            DatasetKind::HousingRegister,
            housing,
        ),
        (
            "DSA-DD-001",
            "E07000145",
            DatasetKind::DfgApplications,
            dfg.clone(),
        ),
        ("DSA-DD-002", "E07000145", DatasetKind::DfgApplications, dfg),
    ]
}

async fn install_datasets(store: &Store, today: NaiveDate) -> Result<(), StoreError> {
    if !store.datasets().await?.is_empty() {
        return Ok(());
    }
    let key = PseudonymKey::new(DEMO_KEY).expect("the demo key is long enough");
    let agreements = agreements(today);
    let uploader = AccountId::for_name("demo-installer");
    for (reference, code, kind, csv) in demo_uploads() {
        let a = agreements
            .iter()
            .find(|a| a.reference == reference)
            .expect("demo agreement");
        let rows = read_csv(kind, &csv, today).map_err(|e| {
            StoreError::Conflict(format!(
                "demo {} upload is invalid: {}",
                kind.as_str(),
                e[0]
            ))
        })?;
        let secret = goldthread_linkage::LinkageSecret::new(DEMO_LINKAGE_SECRET)
            .expect("the demo linkage secret is long enough");
        let people: Vec<(i64, &goldthread_domain::sharing::Identity)> =
            rows.iter().map(|r| (r.line as i64, &r.identity)).collect();
        let (scheme, encoded) = goldthread_linkage::encode_rows(&secret, &people)
            .map_err(|e| StoreError::Conflict(format!("demo {} encoding: {e}", kind.as_str())))?;
        let scheme = serde_json::to_string(&scheme)
            .map_err(|e| StoreError::Conflict(format!("demo encoding scheme: {e}")))?;
        let encoded: Vec<(i64, String)> =
            encoded.into_iter().map(|r| (r.line, r.encoding)).collect();
        let mut shared = Vec::new();
        let mut identities = Vec::new();
        for r in rows {
            let p = r.identity.pseudonym(&key);
            shared.push(PseudonymisedRow {
                line: r.line as i64,
                pseudonym: p.clone(),
                fields: r.fields,
            });
            identities.push((p, r.identity));
        }
        let now = Utc::now();
        let dataset = Dataset {
            id: DatasetId::for_name(&format!("{reference}/{}", kind.as_str())),
            organisation: org(code),
            agreement: a.id,
            kind,
            name: format!("Demo {} ({reference})", kind.as_str().replace('_', " ")),
            row_count: shared.len() as i64,
            uploaded_by: uploader,
            uploaded_at: now.to_rfc3339(),
            delete_after: (now + Duration::days(i64::from(a.retention_days))).to_rfc3339(),
        };
        store
            .put_dataset_with_encodings(
                &dataset,
                &shared,
                a.retain_identifiers.then_some(identities.as_slice()),
                Some(goldthread_store::RowEncodings {
                    scheme: &scheme,
                    rows: &encoded,
                }),
            )
            .await?;
        store
            .append_audit(AuditRecord {
                actor: "demo".into(),
                organisation: Some(org(code).to_string()),
                action: "dataset.upload".into(),
                outcome: "allowed".into(),
                agreement: Some(a.id.to_string()),
                subject: format!("dataset/{}", dataset.id),
                detail: format!("{} rows of {} (demo)", shared.len(), kind.as_str()),
                ..AuditRecord::default()
            })
            .await?;
    }
    // Three of the hospital's patients have registered the national data opt-out.
    let people = synthetic_people();
    let opted: Vec<(String, OptOutKind)> = [1usize, 6, 13]
        .iter()
        .map(|&i| {
            (
                key.pseudonym("nhs_number", &people[i].0.digits()),
                OptOutKind::National,
            )
        })
        .collect();
    store.put_opt_outs(&opted).await
}
