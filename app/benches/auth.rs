//! What identity costs in CPU on this machine: one token verification (parse, Ed25519
//! signature, claims; the database check that follows is not included), one token
//! issue, one Argon2id hash and one verification.
//!
//! `cargo bench -p app --features ssr --bench auth` prints a markdown table.

use app::auth::{
    keys::KeyPair,
    password,
    token::{self, Grant},
};
use std::time::{Duration, Instant};

/// Runs `f` in batches for about `budget`, and returns the median time per call.
fn measure(budget: Duration, mut f: impl FnMut()) -> (Duration, usize) {
    // Warm up, and size a batch to about 10 ms.
    let started = Instant::now();
    let mut calls = 0u32;
    while started.elapsed() < Duration::from_millis(100) || calls < 3 {
        f();
        calls += 1;
    }
    let per_call = started.elapsed() / calls;
    let batch = (Duration::from_millis(10).as_nanos() / per_call.as_nanos().max(1)).max(1) as u32;
    let mut samples = Vec::new();
    let started = Instant::now();
    while started.elapsed() < budget || samples.len() < 5 {
        let t = Instant::now();
        for _ in 0..batch {
            f();
        }
        samples.push(t.elapsed() / batch);
    }
    samples.sort();
    (samples[samples.len() / 2], samples.len() * batch as usize)
}

fn main() {
    let runtime = match tokio::runtime::Builder::new_current_thread().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start a runtime: {error}");
            std::process::exit(1);
        }
    };
    let key = match KeyPair::generate() {
        Ok(key) => key,
        Err(error) => {
            eprintln!("cannot make a key: {error}");
            std::process::exit(1);
        }
    };
    let now = chrono::Utc::now().timestamp();
    let grant = Grant {
        subject: "0b9f7c5e-3c1e-4bb8-9f55-0d4c1b0c9a11",
        email: "ada@example.com",
        name: "Ada Lovelace",
        issuer: "todo-app",
        audience: "todo-app",
        issued_at: now,
        expires_at: now + 3600,
        token_id: "5f0c8a0e-8f43-4c1c-bb51-2f3b7d8a9e10",
    };
    let Ok(token) = token::issue(&key, &grant) else {
        eprintln!("cannot issue a token");
        std::process::exit(1);
    };
    let verifying = app::auth::jwk::PublicKey::ed25519(key.verifying_key());
    let budget = Duration::from_secs(2);

    let mut rows = Vec::new();
    let (t, n) = measure(budget, || {
        let claims = token::parse(&token).and_then(|u| u.verify(&verifying, "todo-app", now));
        assert!(claims.is_ok());
    });
    rows.push(("verify one token (parse, Ed25519, claims)", t, n));
    let memo = token::SignatureMemo::new();
    let (t, n) = measure(budget, || {
        let claims = token::parse(&token)
            .and_then(|u| u.verify_remembering(&verifying, "todo-app", now, &memo));
        assert!(claims.is_ok());
    });
    rows.push((
        "verify a token seen before (parse, remembered signature, claims)",
        t,
        n,
    ));
    let (t, n) = measure(budget, || {
        assert!(token::issue(&key, &grant).is_ok());
    });
    rows.push(("issue one token (EdDSA)", t, n));
    let (t, n) = measure(budget, || {
        let hash = runtime.block_on(password::hash("a long and unusual secret".into()));
        assert!(hash.is_ok());
    });
    rows.push(("hash one password (Argon2id m=19 MiB t=2 p=1)", t, n));
    let Ok(hash) = runtime.block_on(password::hash("a long and unusual secret".into())) else {
        std::process::exit(1);
    };
    let (t, n) = measure(budget, || {
        let ok = runtime.block_on(password::verify(
            "a long and unusual secret".into(),
            Some(hash.clone()),
        ));
        assert!(matches!(ok, Ok(true)));
    });
    rows.push(("verify one password (Argon2id)", t, n));

    println!("| operation | median per call | calls measured |");
    println!("|---|---:|---:|");
    for (name, t, n) in rows {
        println!("| {name} | {} | {n} |", human(t));
    }
}

fn human(t: Duration) -> String {
    let ns = t.as_nanos();
    if ns >= 1_000_000 {
        format!("{:.2} ms", ns as f64 / 1e6)
    } else {
        format!("{:.1} µs", ns as f64 / 1e3)
    }
}
