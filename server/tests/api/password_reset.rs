//! "Forgot password": a link by email (a real SMTP exchange with a local sink), used
//! once within 30 minutes, stored only as a hash, and the same answer for any email.

use crate::helpers::{
    assert_unauthorized, problem, smtp::SmtpSink, spawn_app_with, test_config, TestApp, PASSWORD,
};
use app::auth::config::ThrottleConfig;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::Duration;

async fn app_with_mail(pool: PgPool, sink: &SmtpSink) -> TestApp {
    let mut config = test_config();
    config.account.mail.smtp_url = Some(sink.url().into());
    config.account.mail.from = "Todo <no-reply@todo.test>".into();
    spawn_app_with(pool, config).await
}

async fn forgot(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_json("/api/auth/forgot-password", &json!({ "email": email }))
        .await
}

async fn reset(app: &TestApp, token: &str, new_password: &str) -> reqwest::Response {
    app.post_json(
        "/api/auth/reset-password",
        &json!({ "token": token, "new_password": new_password }),
    )
    .await
}

/// The token of a reset link.
fn token_of(link: &str) -> String {
    link.split_once("token=")
        .expect("a token in the link")
        .1
        .to_owned()
}

#[sqlx::test]
async fn a_reset_link_arrives_by_email_and_sets_a_new_password_once(pool: PgPool) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(pool.clone(), &sink).await;
    let email = "forgetful@example.com";
    let session: Value = app
        .sign_up_as(email, PASSWORD, "Forgetful")
        .await
        .json()
        .await
        .expect("JSON");
    let old_token = session["token"].as_str().expect("token").to_owned();

    let asked = std::time::Instant::now();
    let response = forgot(&app, "  Forgetful@Example.com ").await;
    assert_eq!(response.status(), 202);
    let mail = sink
        .next(Duration::from_secs(10))
        .await
        .expect("the email arrives");
    let round_trip = asked.elapsed();
    assert_eq!(mail.to, ["<forgetful@example.com>"]);
    assert!(
        mail.text().contains("Subject: Reset your Todo password"),
        "{}",
        mail.data
    );
    // The link points at the configured site (here the address it listens on), never
    // at a Host header the asker chose.
    let link = mail
        .link(&format!("http://{}/reset-password?token=", app.addr))
        .expect("a link to the site");
    let token = token_of(&link);
    assert_eq!(token.len(), 43, "256 random bits, base64url");

    // Stored only as its SHA-256: no column holds the token.
    let clear: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM password_resets WHERE position($1 in encode(token_hash, 'escape')) > 0 OR encode(token_hash, 'hex') = $1",
    )
    .bind(&token)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(clear, 0);
    let hashed: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM password_resets WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
    )
    .bind(&token)
    .fetch_one(&pool)
    .await
    .expect("count");
    assert_eq!(hashed, 1);

    // A weak new password: 422, and the link still works afterwards.
    let response = reset(&app, &token, "short").await;
    assert_eq!(response.status(), 422);
    let new = "remembered at last";
    assert_eq!(reset(&app, &token, new).await.status(), 204);

    // Every session ended; the new password signs in, the old one does not.
    assert_unauthorized(app.me(&old_token).await).await;
    assert_eq!(app.sign_in_as(email, PASSWORD).await.status(), 401);
    assert_eq!(app.sign_in_as(email, new).await.status(), 200);

    // Single use.
    let response = reset(&app, &token, "yet another password").await;
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "token");
    assert!(body["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("used already"));
    assert_eq!(app.sign_in_as(email, new).await.status(), 200);
    println!("reset link round trip (request to email received): {round_trip:?}");
}

#[sqlx::test]
async fn an_expired_or_unknown_link_sets_nothing(pool: PgPool) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(pool.clone(), &sink).await;
    let email = "late@example.com";
    assert_eq!(app.sign_up_as(email, PASSWORD, "Late").await.status(), 201);
    assert_eq!(forgot(&app, email).await.status(), 202);
    let mail = sink
        .next(Duration::from_secs(10))
        .await
        .expect("the email arrives");
    let token = token_of(&mail.link("http://").expect("a link"));
    sqlx::query("UPDATE password_resets SET expires_at = now() - interval '1 second'")
        .execute(&pool)
        .await
        .expect("expire the link");

    let response = reset(&app, &token, "a brand new password").await;
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert!(body["errors"][0]["message"]
        .as_str()
        .expect("message")
        .contains("expired"));
    let response = reset(&app, "not-a-token-we-made", "a brand new password").await;
    assert_eq!(response.status(), 422);
    assert_eq!(problem(response).await["errors"][0]["field"], "token");
    assert_eq!(
        app.sign_in_as(email, PASSWORD).await.status(),
        200,
        "nothing changed"
    );
}

/// What a client sees of an answer: status, headers but the date, body.
async fn seen(response: reqwest::Response) -> (u16, Vec<(String, String)>, String) {
    let status = response.status().as_u16();
    let mut headers: Vec<(String, String)> = response
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date" && *name != "x-request-id")
        .map(|(name, value)| {
            (
                name.to_string(),
                value.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    headers.sort();
    (status, headers, response.text().await.expect("body"))
}

#[sqlx::test]
async fn an_unknown_email_is_answered_exactly_like_a_known_one(pool: PgPool) {
    let mut sink = SmtpSink::start().await;
    let app = app_with_mail(pool.clone(), &sink).await;
    assert_eq!(
        app.sign_up_as("known@example.com", PASSWORD, "Known")
            .await
            .status(),
        201
    );

    let known = seen(forgot(&app, "known@example.com").await).await;
    let unknown = seen(forgot(&app, "nobody@example.com").await).await;
    assert_eq!(known, unknown);
    assert_eq!(known.0, 202);
    let mail = sink.next(Duration::from_secs(10)).await.expect("one email");
    assert_eq!(mail.to, ["<known@example.com>"]);
    assert!(
        sink.next(Duration::from_secs(2)).await.is_none(),
        "none for an unknown email"
    );
    let links: i64 = sqlx::query_scalar("SELECT count(*) FROM password_resets")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(links, 1);

    // Not an email at all: 422, which tells nothing about accounts.
    assert_eq!(forgot(&app, "not an email").await.status(), 422);
}

#[sqlx::test]
async fn reset_requests_are_throttled_per_email_and_per_client(pool: PgPool) {
    let sink = SmtpSink::start().await;
    let mut config = test_config();
    config.account.mail.smtp_url = Some(sink.url().into());
    config.auth.throttle = ThrottleConfig {
        max_resets_per_email: 2,
        max_resets_per_client: 4,
        ..config.auth.throttle
    };
    let app = spawn_app_with(pool, config).await;
    // Per email, whether or not it has an account.
    for _ in 0..2 {
        assert_eq!(forgot(&app, "nobody@example.com").await.status(), 202);
    }
    let response = forgot(&app, "nobody@example.com").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    // Per client, over any emails.
    assert_eq!(forgot(&app, "someone@example.com").await.status(), 202);
    let response = forgot(&app, "someone-else@example.com").await;
    assert_eq!(response.status(), 429);
}
