//! Drives a running server over HTTP at a fixed concurrency and prints, per endpoint,
//! requests per second, p50, p99 and errors as a markdown table.
//!
//! `bench --url http://127.0.0.1:3000 [--seconds 10] [--concurrency 64] [--server-pid N]`
//!
//! With `--server-pid` (Linux, the server's own user or root), each endpoint's row also
//! has the server's peak resident memory during that endpoint's load: the peak is reset
//! (`/proc/N/clear_refs`) before it and read (`VmHWM`) after it.
//!
//! Each row also has the CPU time per request (Linux) of the server (with
//! `--server-pid`), of every `postgres` process on the machine, and of this load
//! generator: what the 2 cores went to, steadier from run to run than requests/s.
//! (`scripts/bench.sh` starts a release server on a fresh database and runs this.)
//!
//! Last, `--streams N` (default 1,000) live streams of the user are held open, idle:
//! the server's memory per stream, and the time from a change to its arrival on all.

mod live;

use serde_json::{json, Value};
use std::{
    process::ExitCode,
    sync::Arc,
    time::{Duration, Instant},
};

struct Options {
    url: String,
    seconds: u64,
    concurrency: usize,
    server_pid: Option<u32>,
    streams: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        url: String::new(),
        seconds: 10,
        concurrency: 64,
        server_pid: None,
        streams: 1000,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => options.url = value()?,
            "--seconds" => {
                options.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?
            }
            "--concurrency" => {
                options.concurrency = value()?
                    .parse()
                    .map_err(|e| format!("--concurrency: {e}"))?
            }
            "--server-pid" => {
                options.server_pid =
                    Some(value()?.parse().map_err(|e| format!("--server-pid: {e}"))?)
            }
            "--streams" => {
                options.streams = value()?.parse().map_err(|e| format!("--streams: {e}"))?
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if options.url.is_empty() {
        return Err("usage: bench --url http://host:port [--seconds N] [--concurrency N]".into());
    }
    Ok(options)
}

/// What one endpoint did under load.
struct Outcome {
    name: &'static str,
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
    /// The server's peak resident memory during this load, in KiB.
    peak_rss_kib: Option<u64>,
    cpu: CpuUse,
}

/// CPU seconds (user and system) of the server, of PostgreSQL and of this process.
#[derive(Clone, Copy, Debug, Default)]
struct CpuUse {
    server: Option<f64>,
    postgres: f64,
    generator: f64,
}

/// Clock ticks per second of `/proc/N/stat`: USER_HZ, 100 on every Linux build we run.
const TICKS_PER_SECOND: f64 = 100.0;

/// User plus system CPU seconds of a process, from `/proc/<pid>/stat`, with its name.
fn cpu_seconds(pid: &str) -> Option<(String, f64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The name is in parentheses and may hold spaces; the numbers follow the last one.
    let (head, rest) = stat.rsplit_once(')')?;
    let name = head.split_once('(')?.1.to_owned();
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((name, (user + system) / TICKS_PER_SECOND))
}

fn cpu_use(server_pid: Option<u32>) -> CpuUse {
    let postgres = std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|entry| cpu_seconds(entry.file_name().to_str()?))
        .filter(|(name, _)| name == "postgres")
        .map(|(_, seconds)| seconds)
        .sum();
    CpuUse {
        server: server_pid.and_then(|pid| cpu_seconds(&pid.to_string()).map(|(_, s)| s)),
        postgres,
        generator: cpu_seconds("self").map_or(0.0, |(_, s)| s),
    }
}

impl CpuUse {
    fn since(self, before: CpuUse) -> CpuUse {
        CpuUse {
            server: self.server.zip(before.server).map(|(a, b)| a - b),
            postgres: self.postgres - before.postgres,
            generator: self.generator - before.generator,
        }
    }
}

/// Starts a new peak of the server's resident memory.
fn reset_peak_rss(pid: Option<u32>) {
    if let Some(pid) = pid {
        if let Err(error) = std::fs::write(format!("/proc/{pid}/clear_refs"), "5") {
            eprintln!("bench: cannot reset the server's peak RSS: {error}");
        }
    }
}

/// The server's peak resident memory since the last reset, in KiB.
fn peak_rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Outcome {
    fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
}

/// One kind of request; `i` numbers the requests of a run.
type MakeRequest = Arc<dyn Fn(&reqwest::Client, usize) -> reqwest::RequestBuilder + Send + Sync>;

async fn run(
    name: &'static str,
    client: &reqwest::Client,
    options: &Options,
    expected: u16,
    make: MakeRequest,
) -> Outcome {
    reset_peak_rss(options.server_pid);
    let cpu_before = cpu_use(options.server_pid);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    // Spawned all at once (collected), so that they really run side by side.
    let workers: Vec<_> = (0..options.concurrency)
        .map(|worker| {
            let client = client.clone();
            let make = make.clone();
            let concurrency = options.concurrency;
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = 0;
                let mut i = worker;
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let ok = match make(&client, i).send().await {
                        Ok(response) => {
                            let status = response.status().as_u16();
                            // Read the whole body: the latency is to the last byte.
                            response.bytes().await.is_ok() && status == expected
                        }
                        Err(_) => false,
                    };
                    latencies.push(t.elapsed());
                    if !ok {
                        errors += 1;
                    }
                    i += concurrency;
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            latencies.extend(l);
            errors += e;
        }
    }
    let elapsed = started.elapsed();
    let peak_rss_kib = peak_rss_kib(options.server_pid);
    let cpu = cpu_use(options.server_pid).since(cpu_before);
    latencies.sort();
    Outcome {
        peak_rss_kib,
        cpu,
        name,
        requests: latencies.len(),
        errors,
        elapsed,
        latencies,
    }
}

async fn json_of(response: reqwest::Response, what: &str) -> Result<Value, String> {
    let status = response.status();
    let body: Value = response.json().await.map_err(|e| format!("{what}: {e}"))?;
    if !status.is_success() {
        return Err(format!("{what}: {status} {body}"));
    }
    Ok(body)
}

async fn bench(options: Options) -> Result<(), String> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(options.concurrency * 2)
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| e.to_string())?;
    let base = options.url.trim_end_matches('/').to_owned();

    reset_peak_rss(options.server_pid);
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4());
    let session = json_of(
        client
            .post(format!("{base}/api/auth/sign-up"))
            .json(&json!({"email": email, "password": "benchmarks are not passwords", "name": "Bench"}))
            .send()
            .await
            .map_err(|e| e.to_string())?,
        "sign-up",
    )
    .await?;
    let token = session["token"].as_str().ok_or("no token")?.to_owned();
    let user_id = session["user"]["id"]
        .as_str()
        .ok_or("no user id")?
        .to_owned();
    let tasks_url = format!("{base}/api/{user_id}/tasks");
    let mut ids = Vec::new();
    for i in 0..100 {
        let task = json_of(
            client
                .post(&tasks_url)
                .bearer_auth(&token)
                .json(&json!({"title": format!("Benchmark task {i}"), "description": "seeded"}))
                .send()
                .await
                .map_err(|e| e.to_string())?,
            "create",
        )
        .await?;
        ids.push(task["id"].as_str().ok_or("no task id")?.to_owned());
    }
    let ids = Arc::new(ids);
    let setup_rss_kib = peak_rss_kib(options.server_pid);
    // A pause, so that the first phase's peak is its own and not what the setup (the
    // sign-up's 19 MiB hash) leaves resident for a moment.
    tokio::time::sleep(Duration::from_secs(3)).await;

    let mut outcomes = Vec::new();
    {
        let (url, token) = (format!("{tasks_url}?limit=100"), token.clone());
        outcomes.push(
            run(
                "list (100 tasks)",
                &client,
                &options,
                200,
                Arc::new(move |c, _| c.get(&url).bearer_auth(&token)),
            )
            .await,
        );
    }
    {
        let (url, token, ids) = (tasks_url.clone(), token.clone(), ids.clone());
        outcomes.push(
            run(
                "toggle",
                &client,
                &options,
                200,
                Arc::new(move |c, i| {
                    c.patch(format!("{url}/{}/complete", ids[i % ids.len()]))
                        .bearer_auth(&token)
                }),
            )
            .await,
        );
    }
    {
        let (url, token) = (tasks_url.clone(), token.clone());
        outcomes.push(
            run(
                "create",
                &client,
                &options,
                201,
                Arc::new(move |c, i| {
                    c.post(&url)
                        .bearer_auth(&token)
                        .json(&json!({"title": format!("Created under load {i}")}))
                }),
            )
            .await,
        );
    }

    println!(
        "| endpoint (c={}, {} s each) | requests/s | p50 | p99 | errors | server peak RSS \
         | CPU per request: server / PostgreSQL / load generator |",
        options.concurrency, options.seconds
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for o in &outcomes {
        let rss = o.peak_rss_kib.map_or("?".to_owned(), |kib| {
            format!("{:.1} MiB", kib as f64 / 1024.0)
        });
        let per_request =
            |seconds: f64| format!("{:.0} µs", seconds * 1e6 / o.requests.max(1) as f64);
        // A postgres process that exits during the load takes its CPU time with it, so
        // the sum can shrink: then it is not known.
        let postgres = Some(o.cpu.postgres).filter(|s| *s >= 0.0);
        let cpu = format!(
            "{} / {} / {}",
            o.cpu.server.map_or("?".to_owned(), per_request),
            postgres.map_or("?".to_owned(), per_request),
            per_request(o.cpu.generator)
        );
        println!(
            "| {} | {:.0} | {:.2} ms | {:.2} ms | {} of {} | {rss} | {cpu} |",
            o.name,
            o.requests as f64 / o.elapsed.as_secs_f64(),
            o.percentile(0.50).as_secs_f64() * 1e3,
            o.percentile(0.99).as_secs_f64() * 1e3,
            o.errors,
            o.requests
        );
    }
    if let Some(kib) = setup_rss_kib {
        println!(
            "| setup: sign-up (one Argon2id hash) and 100 creates, one at a time | | | | | {:.1} MiB | |",
            kib as f64 / 1024.0
        );
    }
    if options.streams > 0 {
        live::measure(
            &base,
            &user_id,
            &token,
            &ids[0],
            options.server_pid,
            options.streams,
            20,
        )
        .await?
        .print();
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::from(2);
        }
    };
    match bench(options).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench: {message}");
            ExitCode::FAILURE
        }
    }
}
