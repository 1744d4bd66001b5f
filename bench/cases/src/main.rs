//! `bench-cases`: 1,000 concurrent case workers' typical requests against a real goldthread
//! server on PostgreSQL, over loopback, with the demo's programmes and a month of activity.
//!
//! Each simulated worker signs in with their own API token (case worker in one of the eight
//! districts) and, with a think time between requests, opens their worklist, opens a case,
//! reads its page, records a note, and lists the programmes. The run is bounded by the number
//! of requests per worker and a time limit. Prints a latency table per request type.
//!
//! Run: `GOLDTHREAD_TEST_POSTGRES_URL=postgres://... cargo run --release -p goldthread-bench-cases
//! -- [WORKERS] [REQUESTS_PER_WORKER] [THINK_MS]` (defaults 1000, 5, 1000).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use goldthread_domain::organisation::OrganisationId;
use goldthread_domain::sharing::{Role, RoleGrant};
use goldthread_server::auth::session::{new_token, token_hash};
use goldthread_server::AppState;
use goldthread_store::testing::TestDatabase;
use goldthread_store::{Backend, NewAccount, Store};

const TIME_LIMIT: Duration = Duration::from_secs(180);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let workers = *args.first().unwrap_or(&1000) as usize;
    let per_worker = *args.get(1).unwrap_or(&5) as usize;
    let think = Duration::from_millis(*args.get(2).unwrap_or(&1000));
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
    let mut tasks = Vec::new();
    for (i, token) in tokens.into_iter().enumerate() {
        let (client, base, samples) = (client.clone(), base.clone(), samples.clone());
        tasks.push(tokio::spawn(async move {
            // Stagger the start over one think time so the workers do not arrive in lockstep.
            tokio::time::sleep(think.mul_f64((i % 97) as f64 / 97.0)).await;
            worker(&client, &base, &token, per_worker, think, i, &samples).await;
        }));
    }
    let all = futures_join(tasks);
    if tokio::time::timeout(TIME_LIMIT, all).await.is_err() {
        eprintln!("time limit of {TIME_LIMIT:?} reached; reporting what finished");
    }
    let elapsed = started.elapsed();
    let samples = samples.lock().map(|s| s.clone()).unwrap_or_default();
    report(&samples, workers, elapsed);
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
    Ok(())
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
    requests: usize,
    think: Duration,
    seed: usize,
    samples: &Samples,
) {
    let auth = format!("Bearer {token}");
    let mut case: Option<String> = None;
    for k in 0..requests {
        let req = match (k % 5, &case) {
            (0, _) | (_, None) => {
                let body = timed(
                    samples,
                    "worklist (JSON)",
                    client
                        .get(format!("{base}/api/v1/cases?programme=social-prescribing"))
                        .header("authorization", &auth),
                )
                .await;
                let cases = body
                    .as_ref()
                    .and_then(|b| b["cases"].as_array().cloned())
                    .unwrap_or_default();
                if !cases.is_empty() {
                    case = cases[seed % cases.len()]["reference"]
                        .as_str()
                        .map(str::to_owned);
                }
                None
            }
            (1, Some(c)) => Some((
                "case (JSON)",
                client.get(format!("{base}/api/v1/cases/{c}")),
            )),
            (2, Some(c)) => Some(("case page (HTML)", client.get(format!("{base}/cases/{c}")))),
            (3, Some(c)) => Some((
                "record a note",
                client
                    .post(format!("{base}/api/v1/cases/{c}/events"))
                    .json(&serde_json::json!({"event": "note", "text": "rang, left a message"})),
            )),
            _ => Some((
                "programmes (JSON)",
                client.get(format!("{base}/api/v1/programmes")),
            )),
        };
        if let Some((kind, r)) = req {
            timed(samples, kind, r.header("authorization", &auth)).await;
        }
        let jitter = 0.5 + ((seed * 31 + k * 17) % 100) as f64 / 100.0;
        tokio::time::sleep(think.mul_f64(jitter)).await;
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
    println!("\n{workers} concurrent case workers, PostgreSQL, loopback; {} requests in {:.1?} ({:.0}/s)\n", samples.len(), elapsed, samples.len() as f64 / elapsed.as_secs_f64());
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
