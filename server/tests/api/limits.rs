//! What no request may exceed, and the headers every answer carries.

use crate::helpers::{
    count_tasks, count_users, problem, spawn_app, spawn_app_with, test_config, TestApp,
};
use serde_json::json;
use server::http::limits::Limits;
use sqlx::PgPool;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CAP: usize = Limits::DEFAULT_BODY_BYTES;

/// A new user's token and the path of their tasks.
async fn user_tasks(app: &TestApp) -> (String, String) {
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token").to_owned();
    let path = format!("/api/{}/tasks", session["user"]["id"].as_str().expect("id"));
    (token, path)
}

async fn post_raw(app: &TestApp, path: &str, body: String, token: &str) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("request failed")
}

#[sqlx::test(migrations = false)]
async fn a_body_over_the_cap_is_413_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (token, path) = user_tasks(&app).await;

    // Just under the cap is read (and refused for its content: the title is too long).
    let under = json!({ "title": "x".repeat(CAP - 100) }).to_string();
    let response = post_raw(&app, &path, under, &token).await;
    assert_eq!(response.status(), 422);

    let over = json!({ "title": "Buy milk", "description": "x".repeat(CAP) }).to_string();
    let response = post_raw(&app, &path, over, &token).await;
    assert_eq!(response.status(), 413);
    let body = problem(response).await;
    assert_eq!(body["status"], 413);
    assert_eq!(body["title"], "Content Too Large");

    // A sign-up too; and a server function.
    let users = count_users(&pool).await;
    let over = json!({ "email": "big@example.com", "password": "x".repeat(CAP) }).to_string();
    let response = app
        .client
        .post(app.url("/api/auth/sign-up"))
        .header("content-type", "application/json")
        .body(over)
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 413);
    let response = app
        .client
        .post(app.url("/rpc/tasks/create"))
        .bearer_auth(&token)
        .header("content-type", "application/x-postcard")
        .body(vec![0u8; CAP + 1])
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 413);

    assert_eq!(count_tasks(&pool).await, 0);
    assert_eq!(count_users(&pool).await, users);
}

/// A body sent in chunks declares no length: it is capped while it is read.
#[sqlx::test(migrations = false)]
async fn a_chunked_body_over_the_cap_is_413_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let (token, path) = user_tasks(&app).await;
    let body = json!({ "title": "Buy milk", "description": "x".repeat(CAP) }).to_string();

    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .expect("connect");
    let head = format!(
        "POST {path} HTTP/1.1\r\nhost: {}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        app.addr
    );
    stream.write_all(head.as_bytes()).await.expect("write head");
    for chunk in body.as_bytes().chunks(8 * 1024) {
        let framed = format!("{:x}\r\n", chunk.len());
        // The server may answer and close before the rest is sent.
        if stream.write_all(framed.as_bytes()).await.is_err()
            || stream.write_all(chunk).await.is_err()
            || stream.write_all(b"\r\n").await.is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 413"),
        "expected 413, got {}",
        answer.lines().next().unwrap_or_default()
    );
    assert!(answer.contains("application/problem+json"));
    assert_eq!(count_tasks(&pool).await, 0);
}

#[sqlx::test(migrations = false)]
async fn a_request_past_the_timeout_is_503_and_writes_nothing(pool: PgPool) {
    let mut config = test_config();
    // Hashing a password alone takes longer than this.
    config.limits.request_timeout = Duration::from_millis(1);
    let app = spawn_app_with(pool.clone(), config).await;

    let response = app
        .sign_up_as("slow@example.com", "a long and unusual secret", "Slow")
        .await;
    assert_eq!(response.status(), 503);
    let body = problem(response).await;
    assert_eq!(body["status"], 503);
    // The dropped request never finishes later.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(count_users(&pool).await, 0);
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

#[sqlx::test(migrations = false)]
async fn every_answer_carries_the_security_headers(pool: PgPool) {
    let app = spawn_app(pool).await;
    for path in [
        "/api/openapi.json",
        "/api/no-such-thing",
        "/healthz",
        "/sign-in",
    ] {
        let response = app.get(path).await;
        assert_eq!(
            header(&response, "x-content-type-options"),
            "nosniff",
            "{path}"
        );
        assert_eq!(
            header(&response, "referrer-policy"),
            "no-referrer",
            "{path}"
        );
        assert_eq!(header(&response, "x-frame-options"), "DENY", "{path}");
        assert!(
            header(&response, "content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
    }
    let response = app.get("/api/openapi.json").await;
    assert!(header(&response, "content-security-policy").starts_with("default-src 'none'"));
}

/// Answers that carry a token or someone's data are never kept by a cache; an https
/// site tells browsers to come back over https only.
#[sqlx::test(migrations = false)]
async fn api_answers_are_never_cached_and_an_https_site_sends_hsts(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let sign_up = app
        .sign_up_as("cache@example.com", "a long and unusual secret", "Cache")
        .await;
    assert_eq!(header(&sign_up, "cache-control"), "no-store");
    let session: serde_json::Value = sign_up.json().await.expect("JSON");
    let token = session["token"].as_str().expect("token");
    let user_id = session["user"]["id"].as_str().expect("id");
    let sign_in = app
        .sign_in_as("cache@example.com", "a long and unusual secret")
        .await;
    let me = app.me(token).await;
    let tasks = app
        .get_authorized(&format!("/api/{user_id}/tasks"), &format!("Bearer {token}"))
        .await;
    let refused = app.get("/api/me").await;
    let rpc = app
        .client
        .post(app.url("/rpc/auth/me"))
        .bearer_auth(token)
        .header("content-type", "application/x-postcard")
        .body(Vec::new())
        .send()
        .await
        .expect("request");
    for (what, response) in [
        ("sign-in", &sign_in),
        ("me", &me),
        ("tasks", &tasks),
        ("401", &refused),
        ("server function", &rpc),
    ] {
        assert_eq!(header(response, "cache-control"), "no-store", "{what}");
        assert_eq!(
            header(response, "strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{what}"
        );
    }
    // The public keys may be cached a while.
    let jwks = app.get("/api/auth/jwks").await;
    assert_eq!(header(&jwks, "cache-control"), "public, max-age=300");

    // A site whose issuer is not an https URL (a local one) sends no HSTS.
    let mut config = test_config();
    config.auth.issuer = "todo-app".into();
    let local = spawn_app_with(pool, config).await;
    let response = local.get("/healthz").await;
    assert!(!response.headers().contains_key("strict-transport-security"));
}

/// A page allows the one inline script that carries its nonce, and the bundle.
#[sqlx::test(migrations = false)]
async fn a_page_allows_only_its_own_scripts(pool: PgPool) {
    let app = spawn_app(pool).await;
    let first = app.get("/sign-in").await;
    let policy = header(&first, "content-security-policy").to_owned();
    let html = first.text().await.expect("page");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("no nonce in the policy");
    assert!(nonce.len() >= 16, "a short nonce: {nonce}");
    assert!(policy.contains("script-src 'self' 'nonce-"));
    assert!(policy.contains("'wasm-unsafe-eval'"));
    assert!(!policy.contains("unsafe-inline"));
    // Every script in the page carries it.
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), scripts);

    // A new nonce for every page.
    let second = app.get("/sign-in").await;
    assert_ne!(header(&second, "content-security-policy"), policy);
}
