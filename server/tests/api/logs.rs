//! The server's own logs, read from the real binary: one line per request, and never a
//! secret.

use crate::helpers::{start_binary, PASSWORD};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;
use tokio::{
    io::{AsyncBufReadExt, BufReader, Lines},
    process::ChildStdout,
};

/// The next log line that `wanted` accepts, and every line read on the way.
async fn read_until(
    lines: &mut Lines<BufReader<ChildStdout>>,
    seen: &mut Vec<String>,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let next = async {
        while let Some(line) = lines.next_line().await.expect("read the log") {
            seen.push(line.clone());
            let value: Value = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
            if wanted(&value) {
                return value;
            }
        }
        panic!("the server stopped; its log:\n{}", seen.join("\n"));
    };
    tokio::time::timeout(Duration::from_secs(30), next)
        .await
        .expect("the line never came")
}

#[sqlx::test(migrations = false)]
async fn one_line_per_request_with_id_status_and_latency_and_never_a_secret(pool: PgPool) {
    let mut server = start_binary(&pool);
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let mut seen = Vec::new();
    let listening = read_until(&mut lines, &mut seen, |v| {
        v["fields"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("listening on "))
    })
    .await;
    let base = listening["fields"]["message"]
        .as_str()
        .and_then(|m| m.strip_prefix("listening on "))
        .expect("address")
        .to_owned();

    let client = reqwest::Client::new();
    let session: Value = client
        .post(format!("{base}/api/auth/sign-up"))
        .json(&json!({ "email": "logged@example.com", "password": PASSWORD, "name": "Logged" }))
        .send()
        .await
        .expect("sign up")
        .json()
        .await
        .expect("session");
    let token = session["token"].as_str().expect("token");
    let me = client
        .get(format!("{base}/api/me?probe=1"))
        .bearer_auth(token)
        .header("x-request-id", "test-request-42")
        .send()
        .await
        .expect("me");
    assert_eq!(me.status(), 200);

    let line = read_until(&mut lines, &mut seen, |v| {
        v["span"]["path"] == "/api/me" && v["fields"]["status"].is_number()
    })
    .await;
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["fields"]["status"], 200);
    assert!(line["fields"]["latency"].is_string(), "{line}");
    assert_eq!(line["span"]["method"], "GET");
    assert_eq!(line["span"]["request_id"], "test-request-42");
    let me_lines = seen
        .iter()
        .filter(|l| l.contains("\"path\":\"/api/me\"") && l.contains("\"status\""))
        .count();
    assert_eq!(me_lines, 1, "one line per request");

    let _ = server.start_kill();
    while let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_secs(5), lines.next_line()).await
    {
        seen.push(line);
    }
    let log = seen.join("\n");
    for secret in [token, PASSWORD, "$argon2", "probe=1"] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
    }
}
