//! The live sync phase: N idle streams of one user held open on the server, what they
//! cost it in memory, and how long a change takes from its request to every stream.

use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// What the phase measured.
pub struct LiveOutcome {
    pub streams: usize,
    pub rss_before_kib: Option<u64>,
    pub rss_after_kib: Option<u64>,
    /// Per change: from its request to its arrival on each stream.
    pub arrivals: Vec<Duration>,
    /// Per change: from its request to its arrival on the last stream.
    pub all_arrived: Vec<Duration>,
    pub changes: usize,
    pub missing: usize,
}

/// The server's resident memory now, in KiB.
fn rss_kib(pid: Option<u32>) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid?)).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Opens `streams` streams, waits until each said `ready`, then makes `changes`
/// toggles one after another and times their arrival everywhere.
pub async fn measure(
    base: &str,
    user_id: &str,
    token: &str,
    task_id: &str,
    server_pid: Option<u32>,
    streams: usize,
    changes: usize,
) -> Result<LiveOutcome, String> {
    // Streams are long: no total timeout on their client.
    let client = reqwest::Client::new();
    let rss_before_kib = rss_kib(server_pid);
    let (ready_tx, mut ready_rx) = mpsc::unbounded_channel::<()>();
    let (arrived_tx, mut arrived_rx) = mpsc::unbounded_channel::<Instant>();
    let url = format!("{base}/api/{user_id}/events");
    let mut readers = Vec::new();
    for _ in 0..streams {
        let (client, url, token) = (client.clone(), url.clone(), token.to_owned());
        let (ready_tx, arrived_tx) = (ready_tx.clone(), arrived_tx.clone());
        readers.push(tokio::spawn(async move {
            let Ok(mut response) = client.get(&url).bearer_auth(&token).send().await else {
                return;
            };
            if !response.status().is_success() {
                eprintln!("bench: a stream was refused: {}", response.status());
                return;
            }
            let mut buffer = String::new();
            while let Ok(Some(chunk)) = response.chunk().await {
                let now = Instant::now();
                buffer.push_str(&String::from_utf8_lossy(&chunk));
                while let Some(end) = buffer.find("\n\n") {
                    let frame: String = buffer.drain(..end + 2).collect();
                    if frame.contains("event: ready") {
                        let _ = ready_tx.send(());
                    } else if frame.contains("event: change") {
                        let _ = arrived_tx.send(now);
                    }
                }
            }
        }));
    }
    let deadline = Duration::from_secs(60);
    for _ in 0..streams {
        tokio::time::timeout(deadline, ready_rx.recv())
            .await
            .map_err(|_| "the streams did not all open within 60 s".to_owned())?;
    }
    // Idle for a moment, so that what the opening allocated for a while is given back.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let rss_after_kib = rss_kib(server_pid);

    let toggle = format!("{base}/api/{user_id}/tasks/{task_id}/complete");
    let (mut arrivals, mut all_arrived, mut missing) = (Vec::new(), Vec::new(), 0);
    for _ in 0..changes {
        let sent = Instant::now();
        let response = client
            .patch(&toggle)
            .bearer_auth(token)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("toggle: {}", response.status()));
        }
        let mut last = Duration::ZERO;
        for _ in 0..streams {
            match tokio::time::timeout(Duration::from_secs(10), arrived_rx.recv()).await {
                Ok(Some(at)) => {
                    let took = at.saturating_duration_since(sent);
                    arrivals.push(took);
                    last = last.max(took);
                }
                _ => missing += 1,
            }
        }
        all_arrived.push(last);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    for reader in readers {
        reader.abort();
    }
    arrivals.sort();
    all_arrived.sort();
    Ok(LiveOutcome {
        streams,
        rss_before_kib,
        rss_after_kib,
        arrivals,
        all_arrived,
        changes,
        missing,
    })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

impl LiveOutcome {
    pub fn print(&self) {
        let ms = |d: Duration| format!("{:.2} ms", d.as_secs_f64() * 1e3);
        println!();
        println!(
            "| live sync: {} idle streams of one user, {} changes one after another | value |",
            self.streams, self.changes
        );
        println!("|---|---:|");
        if let (Some(before), Some(after)) = (self.rss_before_kib, self.rss_after_kib) {
            println!(
                "| server RSS before the streams / with them open | {:.1} MiB / {:.1} MiB |",
                before as f64 / 1024.0,
                after as f64 / 1024.0
            );
            println!(
                "| server memory per idle stream | {:.1} KiB |",
                after.saturating_sub(before) as f64 / self.streams.max(1) as f64
            );
        }
        println!(
            "| a change's request to its arrival on one stream, p50 / p99 | {} / {} |",
            ms(percentile(&self.arrivals, 0.5)),
            ms(percentile(&self.arrivals, 0.99))
        );
        println!(
            "| a change's request to its arrival on all {}, p50 / p99 | {} / {} |",
            self.streams,
            ms(percentile(&self.all_arrived, 0.5)),
            ms(percentile(&self.all_arrived, 0.99))
        );
        println!(
            "| arrivals missing (of {}) | {} |",
            self.streams * self.changes,
            self.missing
        );
    }
}
