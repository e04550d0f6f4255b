//! Several server processes on one database behave as one service, and a process stops
//! without losing a request.

use crate::helpers::{
    count_users, database_url, listening, live, spawn_binary, start_binary_at, Child, PASSWORD,
};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};

async fn post(client: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    client
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("request failed")
}

async fn me(client: &reqwest::Client, base: &str, token: &str) -> u16 {
    client
        .get(format!("{base}/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("request failed")
        .status()
        .as_u16()
}

#[sqlx::test(migrations = false)]
async fn two_processes_on_one_database_are_one_service(pool: PgPool) {
    let (_a, _a_log, a) = spawn_binary(&pool).await;
    let (_b, _b_log, b) = spawn_binary(&pool).await;
    let client = reqwest::Client::new();

    // One signing key: both publish the same keys, and a token from A works on B.
    let jwks = |base: String| {
        let client = client.clone();
        async move {
            client
                .get(format!("{base}/api/auth/jwks"))
                .send()
                .await
                .expect("jwks")
                .json::<Value>()
                .await
                .expect("JSON")
        }
    };
    assert_eq!(jwks(a.clone()).await, jwks(b.clone()).await);
    let email = "both@example.com";
    let session: Value = post(
        &client,
        format!("{a}/api/auth/sign-up"),
        json!({ "email": email, "password": PASSWORD, "name": "Both" }),
    )
    .await
    .json()
    .await
    .expect("session");
    let token = session["token"].as_str().expect("token");
    assert_eq!(me(&client, &b, token).await, 200);

    // A sign-out on A is refused on B at once.
    let signed_out = client
        .post(format!("{a}/api/auth/sign-out"))
        .bearer_auth(token)
        .send()
        .await
        .expect("sign out");
    assert_eq!(signed_out.status(), 204);
    assert_eq!(me(&client, &b, token).await, 401);

    // Failed sign-ins on A and B count toward one limit of 5 per email and client.
    let wrong = json!({ "email": email, "password": "not the password" });
    for base in [&a, &b, &a, &b, &a] {
        let response = post(&client, format!("{base}/api/auth/sign-in"), wrong.clone()).await;
        assert_eq!(response.status(), 401);
    }
    let response = post(&client, format!("{b}/api/auth/sign-in"), wrong.clone()).await;
    assert_eq!(response.status(), 429);
    let right = json!({ "email": email, "password": PASSWORD });
    let response = post(&client, format!("{a}/api/auth/sign-in"), right).await;
    assert_eq!(response.status(), 429, "the limit holds on A too");
}

/// Sends the process SIGTERM, as an orchestrator stopping it would.
fn terminate(server: &Child) {
    let pid = server.id().expect("pid");
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
}

/// SIGTERM while requests are in flight: every one of them is answered, then the process
/// refuses new connections and exits cleanly.
#[sqlx::test(migrations = false)]
async fn sigterm_finishes_the_requests_in_flight(pool: PgPool) {
    let (mut server, _log, base) = listening(start_binary_at(
        &database_url(&pool),
        &[("AUTH_SIGN_UP_MAX_PER_CLIENT", "1000")],
    ))
    .await;
    let client = reqwest::Client::new();
    // Each sign-up hashes a password on the sign-up lane's core: together they keep the
    // server busy for a while. Those past the lane's queue are 429 at once.
    const IN_FLIGHT: usize = 48;
    let requests: Vec<_> = (0..IN_FLIGHT)
        .map(|i| {
            let client = client.clone();
            let url = format!("{base}/api/auth/sign-up");
            tokio::spawn(async move {
                let status = post(
                    &client,
                    url,
                    json!({ "email": format!("u{i}@example.com"), "password": PASSWORD, "name": "U" }),
                )
                .await
                .status()
                .as_u16();
                (status, Instant::now())
            })
        })
        .collect();
    // Long enough for every request to reach the server, short of their all finishing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    terminate(&server);
    let signalled = Instant::now();

    let mut statuses = Vec::new();
    let mut answered_after_the_signal = 0;
    for request in requests {
        let (status, at) = request.await.expect("request task");
        statuses.push(status);
        answered_after_the_signal += usize::from(at > signalled);
    }
    assert!(
        answered_after_the_signal > 0,
        "every request was answered before the signal: the test proved nothing"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 429),
        "a request in flight was lost: {statuses:?}"
    );
    let made = statuses.iter().filter(|s| **s == 201).count();
    assert!(made > 1, "{statuses:?}");
    let exit = tokio::time::timeout(Duration::from_secs(20), server.wait())
        .await
        .expect("the server did not stop")
        .expect("wait");
    assert!(exit.success(), "the server exited with {exit}");
    assert_eq!(
        count_users(&pool).await,
        made as i64,
        "each 201 made its account"
    );
    let after = reqwest::Client::new()
        .get(format!("{base}/healthz"))
        .send()
        .await;
    assert!(after.is_err(), "a request after the shutdown was answered");
}

/// An open live stream does not hold a shutdown up: it is told the server is closing
/// (a page then opens one on another instance) and the process exits.
#[sqlx::test(migrations = false)]
async fn sigterm_ends_open_live_streams_and_the_process_exits(pool: PgPool) {
    let (mut server, _log, base) = spawn_binary(&pool).await;
    let client = reqwest::Client::new();
    let session: Value = post(
        &client,
        format!("{base}/api/auth/sign-up"),
        json!({ "email": "streaming@example.com", "password": PASSWORD, "name": "S" }),
    )
    .await
    .json()
    .await
    .expect("session");
    let token = session["token"].as_str().expect("token");
    let user_id = session["user"]["id"].as_str().expect("id");
    let mut stream = live::open(&base, user_id, token).await;

    terminate(&server);
    let end = stream.next().await.expect("an end event");
    assert_eq!(
        (end.event.as_str(), &end.data),
        ("end", &json!({"reason": "closing"}))
    );
    let exit = tokio::time::timeout(Duration::from_secs(10), server.wait())
        .await
        .expect("the server did not stop with a stream open")
        .expect("wait");
    assert!(exit.success(), "the server exited with {exit}");
}
