//! `bench-cases`: 1,000 concurrent case workers' typical requests against a real goldthread
//! server on PostgreSQL, over loopback, with the demo's programmes and a month of activity.
//!
//! Each simulated worker signs in with their own API token (case worker in one of the eight
//! districts) and, with a think time between requests (uniform from half to one and a half
//! times `THINK_MS`), goes round a case worker's day: the District Direct worklist (a page of
//! 50), open a case, record a contact attempt, add a note, make a same-day payment, and now and
//! then the case page as HTML. Every one of these reads or writes a case, so every one is
//! authorised and audited. The run lasts `SECONDS`.
//!
//! Prints a latency table per request type (p50, p95, p99, max), requests per second, and the
//! CPU time this process (server and load generator together; PostgreSQL runs apart) spent
//! per request, with how the audit writer grouped its appends.
//!
//! Run: `GOLDTHREAD_TEST_POSTGRES_URL=postgres://... cargo run --release -p goldthread-bench-cases
//! -- [WORKERS] [SECONDS] [THINK_MS]` (defaults 1000, 120, 3000: see
//! `run.sh` for why).

/// The same allocator as the `goldthread` binary, so the server measured is the one shipped.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::programme::case::CaseId;
use goldthread_domain::programme::district_direct::DischargeBarrier;
use goldthread_domain::programme::ProgrammeId;
use goldthread_domain::sharing::{Role, RoleGrant};
use goldthread_domain::{GssCode, OdsCode};
use goldthread_server::auth::session::{new_token, token_hash};
use goldthread_server::AppState;
use goldthread_store::testing::TestDatabase;
use goldthread_store::{Backend, NewAccount, NewCase, Store};

/// Open District Direct cases per district, for the workers to pick from.
const OPEN_CASES_PER_DISTRICT: usize = 40;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let workers = *args.first().unwrap_or(&1000) as usize;
    let seconds = Duration::from_secs(*args.get(1).unwrap_or(&120));
    let think = Duration::from_millis(*args.get(2).unwrap_or(&3000));
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = Store::connect_with(&db.url, Some(48)).await?;
    let setup = Instant::now();
    install(&store).await?;
    let tokens = accounts(&store, workers).await?;
    eprintln!(
        "setup: demo, programmes and {workers} case workers in {:.1?}",
        setup.elapsed()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = AppState::load(store.clone()).await?;
    tokio::spawn(goldthread_server::serve(
        listener,
        state,
        std::future::pending(),
    ));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(workers)
        .timeout(Duration::from_secs(60))
        .build()?;
    let samples: Arc<Mutex<Vec<Sample>>> = Arc::new(Mutex::new(Vec::new()));
    let started = Instant::now();
    let deadline = started + seconds;
    let cpu_before = process_cpu();
    let audit_before = store.audit_writer_stats();
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, base, samples) = (client.clone(), base.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            // Stagger the start over one think time so the workers do not arrive in lockstep.
            tokio::time::sleep(think.mul_f64((i % 97) as f64 / 97.0)).await;
            worker(&client, &base, &token, deadline, think, i, &samples).await;
        }));
    }
    futures_join(tasks).await;
    let elapsed = started.elapsed();
    let cpu = process_cpu().saturating_sub(cpu_before);
    let audit = store.audit_writer_stats();
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    report(&samples, workers, elapsed);
    println!(
        "\nCPU: {:.2} ms per request in this process (server and load generator; PostgreSQL not counted), {:.1?} in all",
        cpu.as_secs_f64() * 1000.0 / samples.len().max(1) as f64,
        cpu
    );
    let (batches, events) = (
        audit.batches - audit_before.batches,
        audit.events - audit_before.events,
    );
    println!(
        "audit: {events} events in {batches} transactions ({:.1} per transaction)",
        events as f64 / batches.max(1) as f64
    );
    Ok(())
}

async fn futures_join(tasks: Vec<tokio::task::JoinHandle<()>>) {
    for t in tasks {
        let _ = t.await;
    }
}

async fn install(store: &Store) -> anyhow::Result<()> {
    let geo = goldthread_domain::geography::ReferenceGeography::england_2024();
    store.replace_reference_geography(&geo).await?;
    let (system, organisations) = goldthread_demo::norfolk_and_waveney(&geo);
    store.put_system(&system, &organisations).await?;
    goldthread_demo::programmes::install(store).await?;
    // Patients on the wards now: open District Direct referrals for every district.
    let today = chrono::Utc::now().date_naive();
    let mut open = Vec::new();
    for (d, district) in goldthread_demo::programmes::DISTRICTS.iter().enumerate() {
        for n in 0..OPEN_CASES_PER_DISTRICT {
            open.push(NewCase {
                id: CaseId::new_random(),
                reference: format!("DD-BENCH-{d}-{n:03}"),
                programme: ProgrammeId::parse("district-direct")?,
                team: OrganisationId::for_code(district),
                priority: (n * 7 % 90) as u32 + 10,
                due_on: today,
                subject_name: format!("Bench patient {d}-{n}"),
                nhs_number: None,
                pseudonym: None,
                district: GssCode::parse(district).ok(),
                source: "bench".into(),
                referrer: OdsCode::parse("RM1").ok(),
                ward: Some("Cley ward".into()),
                barrier: Some(DischargeBarrier::KeySafe),
                medically_fit_on: Some(today),
                created_at: None,
            });
        }
    }
    store.open_cases(&open).await?;
    Ok(())
}

/// CPU time (user and system) this process has used, from `/proc/self/stat` (Linux; clock
/// ticks of 1/100 s).
fn process_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<u64> = rest
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse().ok())
        .collect();
    Duration::from_millis(fields.iter().sum::<u64>() * 10)
}

/// One case worker account per simulated worker, spread over the eight districts, each with an
/// API token (so the run measures case work, not password hashing).
async fn accounts(store: &Store, n: usize) -> anyhow::Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let district = goldthread_demo::programmes::DISTRICTS[i % 8];
        let id = store
            .create_account(&NewAccount {
                email: format!("worker{i}@bench.goldthread.invalid"),
                display_name: format!("Case worker {i}"),
                password_hash: None,
                is_demo: false,
                roles: vec![RoleGrant {
                    organisation: OrganisationId::for_code(district),
                    role: Role::CaseWorker,
                }],
            })
            .await?;
        let token = new_token();
        store
            .create_api_token(&token_hash(&token), id, "bench", "2099-01-01T00:00:00Z")
            .await?;
        tokens.push(token);
    }
    Ok(tokens)
}

type Samples = Arc<Mutex<Vec<(&'static str, Duration, bool)>>>;

async fn timed(
    samples: &Samples,
    kind: &'static str,
    req: reqwest::RequestBuilder,
) -> Option<serde_json::Value> {
    let t = Instant::now();
    let r = req.send().await;
    let (ok, body) = match r {
        Ok(r) => {
            let ok = r.status().is_success();
            let text = r.text().await.unwrap_or_default();
            (ok, serde_json::from_str(&text).ok())
        }
        Err(_) => (false, None),
    };
    if let Ok(mut s) = samples.lock() {
        s.push((kind, t.elapsed(), ok));
    }
    body
}

async fn worker(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    deadline: Instant,
    think: Duration,
    seed: usize,
    samples: &Samples,
) {
    let auth = format!("Bearer {token}");
    let mut case: Option<String> = None;
    let mut k = 0usize;
    while Instant::now() < deadline {
        let req = match (k % 6, &case) {
            (0, _) | (_, None) => {
                let body = timed(
                    samples,
                    "worklist (JSON, page of 50)",
                    client
                        .get(format!(
                            "{base}/api/v1/cases?programme=district-direct&page=1&per_page=50"
                        ))
                        .header("authorization", &auth),
                )
                .await;
                let cases = body
                    .as_ref()
                    .and_then(|b| b["cases"].as_array().cloned())
                    .unwrap_or_default();
                if !cases.is_empty() {
                    case = cases[(seed + k) % cases.len()]["reference"]
                        .as_str()
                        .map(str::to_owned);
                }
                None
            }
            (1, Some(c)) => Some((
                "open case (JSON)",
                client.get(format!("{base}/api/v1/cases/{c}")),
            )),
            (2, Some(c)) => Some((
                "record contact",
                client
                    .post(format!("{base}/api/v1/cases/{c}/events"))
                    .json(&serde_json::json!({"event": "contact", "channel": "ward", "result": "reached"})),
            )),
            (3, Some(c)) => Some((
                "add note",
                client
                    .post(format!("{base}/api/v1/cases/{c}/events"))
                    .json(&serde_json::json!({"event": "note", "text": "spoke to the ward sister"})),
            )),
            (4, Some(c)) => Some((
                "payment",
                client
                    .post(format!("{base}/api/v1/cases/{c}/payments"))
                    .json(&serde_json::json!({"amount_pence": 1250, "payee": "Yarmouth Taxis", "purpose": "taxi home"})),
            )),
            (_, Some(c)) => Some(("case page (HTML)", client.get(format!("{base}/cases/{c}")))),
        };
        if let Some((kind, r)) = req {
            timed(samples, kind, r.header("authorization", &auth)).await;
        }
        let jitter = 0.5 + ((seed * 31 + k * 17) % 100) as f64 / 100.0;
        tokio::time::sleep(think.mul_f64(jitter)).await;
        k += 1;
    }
}

/// One request's kind, latency and whether it succeeded.
type Sample = (&'static str, Duration, bool);

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i]
}

fn report(samples: &[(&'static str, Duration, bool)], workers: usize, elapsed: Duration) {
    let mut kinds: Vec<&str> = samples.iter().map(|s| s.0).collect();
    kinds.sort();
    kinds.dedup();
    println!("\n{workers} concurrent case workers, PostgreSQL, loopback; {} requests in {:.1?} ({:.0} req/s)\n", samples.len(), elapsed, samples.len() as f64 / elapsed.as_secs_f64());
    println!("| request | count | errors | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let row = |name: &str, picked: Vec<&(&str, Duration, bool)>| {
        let mut d: Vec<Duration> = picked.iter().map(|s| s.1).collect();
        d.sort();
        let errors = picked.iter().filter(|s| !s.2).count();
        let ms = |x: Duration| x.as_secs_f64() * 1000.0;
        println!(
            "| {name} | {} | {errors} | {:.1} | {:.1} | {:.1} | {:.1} |",
            d.len(),
            ms(percentile(&d, 0.50)),
            ms(percentile(&d, 0.95)),
            ms(percentile(&d, 0.99)),
            ms(*d.last().unwrap_or(&Duration::ZERO))
        );
    };
    for k in &kinds {
        row(k, samples.iter().filter(|s| s.0 == *k).collect());
    }
    row("all", samples.iter().collect());
}
