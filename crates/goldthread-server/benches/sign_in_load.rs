//! Load test on loopback: sign-in (password, argon2id) followed by one authorised read of
//! person-level data (which writes an audit event), at several concurrency levels, against the
//! real server over a fresh SQLite demo database. Bounded: a fixed number of rounds per level.
//!
//!     cargo bench -p goldthread-server --bench sign_in_load
//!
//! Prints one table: per concurrency, the sign-in and read latencies (p50, p95, max), the
//! throughput of whole sign-in-and-read rounds, and the process CPU time per round (server and
//! client together, from /proc: meaningful on a loaded machine, where latency is not).
//! `GOLDTHREAD_BENCH_ROUNDS=N` sets the rounds per client (default 10), for a quick smoke run.

use std::time::{Duration, Instant};

use goldthread_domain::sharing::{DatasetId, DatasetKind};
use goldthread_store::Backend;
use goldthread_testkit::TestApp;

const ROUNDS_PER_CLIENT: usize = 10;

fn rounds_per_client() -> usize {
    std::env::var("GOLDTHREAD_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or(ROUNDS_PER_CLIENT)
}

/// This process's CPU time so far (user and system), from /proc; `None` where there is none.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // USER_HZ is 100 on Linux.
    Some(Duration::from_millis(ticks * 10))
}
const PASSWORD: &str = "goldthread-demo-password";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn round(base: &str, email: &str, rows: &str) -> (Duration, Duration) {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let t = Instant::now();
    let page = c
        .get(format!("{base}/sign-in"))
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("text");
    let marker = "name=\"csrf\" value=\"";
    let at = page.find(marker).expect("csrf") + marker.len();
    let csrf = page[at..].split('"').next().expect("csrf").to_owned();
    let r = c
        .post(format!("{base}/sign-in"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("email", email),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("sign in");
    assert_eq!(r.status().as_u16(), 303, "sign-in succeeds");
    let signed_in = t.elapsed();
    let t = Instant::now();
    let r = c.get(format!("{base}{rows}")).send().await.expect("read");
    assert_eq!(r.status().as_u16(), 200, "the read is authorised");
    let _ = r.bytes().await;
    (signed_in, t.elapsed())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let app = TestApp::with_demo(Backend::Sqlite).await;
    let d = DatasetId::for_name(&format!("DSA-WW-002/{}", DatasetKind::WaitingList.as_str()));
    let rows = format!("/api/v1/datasets/{d}/rows?purpose=evaluation");
    let per_client = rounds_per_client();
    println!("sign-in + authorised read on loopback (SQLite demo, {per_client} rounds per client)");
    println!(
        "{:>11} {:>7} {:>13} {:>13} {:>12} {:>11} {:>11} {:>10} {:>13} {:>12}",
        "concurrency",
        "rounds",
        "sign-in p50",
        "sign-in p95",
        "sign-in max",
        "read p50",
        "read p95",
        "read max",
        "rounds/s",
        "CPU/round"
    );
    for concurrency in [1usize, 4, 16] {
        let t = Instant::now();
        let cpu = cpu_time();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (base, rows) = (app.base.clone(), rows.clone());
            tasks.push(tokio::spawn(async move {
                let mut out = Vec::new();
                for _ in 0..per_client {
                    out.push(round(&base, "analyst.icb@demo.goldthread.invalid", &rows).await);
                }
                out
            }));
        }
        let mut sign_in = Vec::new();
        let mut read = Vec::new();
        for task in tasks {
            for (s, r) in task.await.expect("client task") {
                sign_in.push(s);
                read.push(r);
            }
        }
        let wall = t.elapsed().as_secs_f64();
        let cpu_per_round = match (cpu, cpu_time()) {
            (Some(a), Some(b)) => format!(
                "{:.1} ms",
                (b - a).as_secs_f64() * 1000.0 / sign_in.len() as f64
            ),
            _ => "n/a".to_owned(),
        };
        sign_in.sort();
        read.sort();
        println!(
            "{:>11} {:>7} {:>10.1} ms {:>10.1} ms {:>9.1} ms {:>8.1} ms {:>8.1} ms {:>7.1} ms {:>13.1} {:>12}",
            concurrency,
            sign_in.len(),
            percentile(&sign_in, 0.5),
            percentile(&sign_in, 0.95),
            percentile(&sign_in, 1.0),
            percentile(&read, 0.5),
            percentile(&read, 0.95),
            percentile(&read, 1.0),
            sign_in.len() as f64 / wall,
            cpu_per_round
        );
    }
}
