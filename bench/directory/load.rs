//! Loads a large synthetic service directory for the directory benchmark: the demo system, every
//! English council as an organisation, and N services spread across every district, unitary and
//! county area with the demo taxonomy, in batches of one transaction each.
//!
//! Run by `bench/directory/run.sh`; usage: `load_directory DATABASE_URL [SERVICES]` to load, or
//! `load_directory serve DATABASE_URL ADDR` to serve the database with goldthread's own server
//! (the same `goldthread_server::serve` as `goldthread serve`, without building the whole CLI).

use chrono::{NaiveTime, Utc};
use goldthread_demo::map::taxonomy;
use goldthread_domain::directory::oruk::OrganisationProfile;
use goldthread_domain::directory::{
    Eligibility, RecordId, Schedule, Service, ServiceArea, ServiceId, ServiceStatus,
};
use goldthread_domain::geography::ReferenceGeography;
use goldthread_domain::organisation::{Organisation, OrganisationId, OrganisationKind};
use goldthread_store::Store;

/// Words that vary descriptions so that searches hit realistic, uneven result sets.
const WORDS: [&str; 40] = [
    "family",
    "older",
    "people",
    "carers",
    "young",
    "veterans",
    "tenants",
    "homeowners",
    "weekly",
    "drop-in",
    "telephone",
    "online",
    "home",
    "visits",
    "group",
    "one-to-one",
    "free",
    "confidential",
    "volunteer",
    "peer",
    "support",
    "advice",
    "grants",
    "energy",
    "budgeting",
    "benefits",
    "housing",
    "mental",
    "health",
    "wellbeing",
    "exercise",
    "swimming",
    "walking",
    "cooking",
    "isolation",
    "loneliness",
    "disability",
    "adaptations",
    "repairs",
    "debt",
];

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("serve") {
        let (url, addr) = (
            args.nth(1).ok_or("serve URL ADDR")?,
            args.next().ok_or("serve URL ADDR")?,
        );
        let store = Store::connect_with(&url, Some(32)).await?;
        let state = goldthread_server::AppState::load(store).await?;
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        goldthread_server::serve(listener, state, async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
        return Ok(());
    }
    let url = args
        .next()
        .ok_or("usage: load_directory DATABASE_URL [SERVICES]")?;
    let n: usize = args.next().map_or(Ok(100_000), |s| s.parse())?;
    let store = Store::connect(&url).await?;
    goldthread_demo::install(&store).await?;
    let geo = ReferenceGeography::england_2024();
    let councils: Vec<_> = geo.authorities().to_vec();
    let records: Vec<(Organisation, OrganisationProfile)> = councils
        .iter()
        .map(|a| {
            (
                Organisation {
                    id: OrganisationId::for_code(a.code.as_str()),
                    name: format!("{} Council", a.name),
                    kind: OrganisationKind::council(a.tier),
                    ods_code: None,
                    gss_code: Some(a.code),
                },
                OrganisationProfile::default(),
            )
        })
        .collect();
    store.import_organisations(&records, None).await?;
    let terms = taxonomy();
    let now = Utc::now();
    let today = now.date_naive();
    let mut batch = Vec::with_capacity(5_000);
    let started = std::time::Instant::now();
    for i in 0..n {
        let a = &councils[i % councils.len()];
        let t = &terms[(i / councils.len()) % terms.len()];
        let mut words = Vec::new();
        for k in 0..6 {
            words.push(WORDS[(i * 7 + k * 13 + i / 97) % WORDS.len()]);
        }
        batch.push(Service {
            id: ServiceId::for_key(&format!("bench/{i}")),
            organisation: OrganisationId::for_code(a.code.as_str()),
            name: format!("{} in {} ({})", t.name, a.name, i),
            description: format!("{} {}", t.description, words.join(" ")),
            url: None,
            email: None,
            status: ServiceStatus::Active,
            eligibility: Eligibility::default(),
            last_verified: today.checked_sub_days(chrono::Days::new((i % 200) as u64)),
            verified_by: None,
            last_updated: now,
            terms: vec![t.id],
            areas: vec![ServiceArea {
                id: RecordId::for_key(&format!("bench/{i}/area")),
                name: a.name.clone(),
                gss: Some(a.code),
            }],
            locations: vec![],
            contacts: vec![],
            schedules: vec![Schedule::from_rrule(
                RecordId::for_key(&format!("bench/{i}/hours")),
                "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                NaiveTime::from_hms_opt(9, 0, 0),
                NaiveTime::from_hms_opt(17, 0, 0),
                "",
            )?],
            cost_options: vec![],
        });
        if batch.len() == 5_000 || i + 1 == n {
            store.put_services(&batch).await?;
            batch.clear();
            eprint!("\r{} services loaded", i + 1);
        }
    }
    eprintln!(" in {:.0?}", started.elapsed());
    Ok(())
}
