//! A real Better Auth server (npm `better-auth`, pinned in end2end/better-auth) as the
//! trusted issuer: its tokens, as it makes them, on every route of ours.

use crate::helpers::{
    assert_unauthorized, better_auth::BaUser, better_auth::BetterAuth, better_auth::Setup,
    database_url, listening, spawn_app_with, start_binary_at, test_config, TestApp,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use sqlx::PgPool;
use std::time::{Duration, Instant};

async fn our_app(pool: PgPool, better_auth: &BetterAuth) -> TestApp {
    let mut config = test_config();
    config.auth.trusted = Some(better_auth.trusted());
    spawn_app_with(pool, config).await
}

/// Our server, at a base URL.
struct Ours {
    client: reqwest::Client,
    base: String,
}

impl Ours {
    fn of(app: &TestApp) -> Ours {
        Ours::at(app.url(""))
    }

    fn at(base: String) -> Ours {
        Ours {
            client: reqwest::Client::new(),
            base,
        }
    }

    async fn send(
        &self,
        token: &str,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Response {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("our server answers")
    }

    async fn get(&self, token: &str, path: &str) -> reqwest::Response {
        self.send(token, Method::GET, path, None).await
    }
}

/// A token's JSON header and claims.
fn parts(token: &str) -> (Value, Value) {
    let mut parts = token.split('.').map(|part| {
        let bytes = URL_SAFE_NO_PAD.decode(part).expect("base64url");
        serde_json::from_slice::<Value>(&bytes).expect("JSON")
    });
    let header = parts.next().expect("a header");
    let claims = parts.next().expect("claims");
    (header, claims)
}

async fn user_row(pool: &PgPool, id: &str) -> Vec<(String, Option<String>, Option<String>)> {
    sqlx::query_as("SELECT issuer, email, name FROM users WHERE id = $1")
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("users")
}

#[sqlx::test(migrations = false)]
async fn twenty_first_requests_of_a_better_auth_user_make_one_row_of_its_name_and_email(
    pool: PgPool,
) {
    let better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;
    let ada = better_auth.new_user("Ada").await;
    let token = better_auth.token(&ada).await;

    // The token is Better Auth's own: EdDSA, a kid, no typ, no jti, iss = aud = its URL.
    let (header, claims) = parts(&token);
    assert_eq!(header["alg"], "EdDSA");
    assert!(header.get("typ").is_none() && header["kid"].is_string());
    assert_eq!(claims["sub"], ada.id.as_str());
    assert_eq!(claims["iss"], better_auth.url.as_str());
    assert_eq!(claims["aud"], better_auth.url.as_str());
    assert!(claims.get("jti").is_none());

    let ours = Ours::of(&app);
    let tasks = format!("/api/{}/tasks", ada.id);
    let requests = (0..20).map(|_| ours.get(&token, &tasks));
    for response in futures::future::join_all(requests).await {
        assert_eq!(response.status(), 200);
    }
    let rows = user_row(&pool, &ada.id).await;
    assert_eq!(
        rows,
        [(
            better_auth.url.clone(),
            Some(ada.email.clone()),
            Some(ada.name.clone())
        )]
    );
    let me: Value = ours
        .get(&token, "/api/me")
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(
        (&me["id"], &me["email"], &me["name"]),
        (&json!(ada.id), &json!(ada.email), &json!(ada.name))
    );
    better_auth.finish().await;
}

#[sqlx::test(migrations = false)]
async fn better_auth_tokens_drive_every_task_route_and_only_for_their_own_user(pool: PgPool) {
    let better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;
    let (ada, bob) = (
        better_auth.new_user("Ada").await,
        better_auth.new_user("Bob").await,
    );
    let (ada_token, bob_token) = (better_auth.token(&ada).await, better_auth.token(&bob).await);
    let ours = Ours::of(&app);
    let tasks = format!("/api/{}/tasks", ada.id);

    let created = ours
        .send(
            &ada_token,
            Method::POST,
            &tasks,
            Some(json!({"title": "Buy milk"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    let task: Value = created.json().await.expect("JSON");
    assert_eq!(task["user_id"], ada.id.as_str());
    let one = format!("{tasks}/{}", task["id"].as_str().expect("id"));

    let replaced = ours
        .send(
            &ada_token,
            Method::PUT,
            &one,
            Some(json!({"title": "Buy oat milk"})),
        )
        .await;
    assert_eq!(replaced.status(), 200);
    let completed = ours
        .send(&ada_token, Method::PATCH, &format!("{one}/complete"), None)
        .await;
    assert_eq!(completed.status(), 200);
    let completed: Value = completed.json().await.expect("JSON");
    assert_eq!(
        (&completed["title"], &completed["completed"]),
        (&json!("Buy oat milk"), &json!(true))
    );
    let listed: Value = ours
        .send(&ada_token, Method::GET, &tasks, None)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(1));

    // Bob's token on Ada's URL is 403; Ada's task under Bob's URL is 404.
    let forbidden = ours.send(&bob_token, Method::GET, &tasks, None).await;
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let bobs_view = one.replace(&ada.id, &bob.id);
    for method in [Method::GET, Method::PUT, Method::DELETE] {
        let body = (method == Method::PUT).then(|| json!({"title": "Mine now"}));
        let response = ours
            .send(&bob_token, method.clone(), &bobs_view, body)
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method}");
    }

    // One changed byte anywhere in the token is 401.
    for at in [10, ada_token.len() / 2, ada_token.len() - 5] {
        let mut bytes = ada_token.clone().into_bytes();
        bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).expect("ASCII");
        assert_unauthorized(ours.send(&tampered, Method::GET, &tasks, None).await).await;
    }

    let deleted = ours.send(&ada_token, Method::DELETE, &one, None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    better_auth.finish().await;
}

/// A second Better Auth server on the same database holds the same users and the same
/// keys: its token for Ada differs from the trusted one's in `iss` (and `aud`) alone.
#[sqlx::test(migrations = false)]
async fn a_second_better_auth_server_naming_the_same_subject_is_refused(pool: PgPool) {
    let trusted = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &trusted).await;
    let ada = trusted
        .sign_up("Ada", "ada@example.com", "a long and unusual secret")
        .await;
    let genuine = trusted.token(&ada).await;

    let mut other = BetterAuth::start_with(
        &pool,
        Setup {
            database: Some(trusted.database.clone()),
            ..Setup::default()
        },
    )
    .await;
    let signed_in = other
        .sign_in("ada@example.com", "a long and unusual secret")
        .await;
    assert_eq!(signed_in.status(), 200);
    let cookie = signed_in
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("better-auth.session_token="))
        .and_then(|v| v.split(';').next())
        .map(|v| format!("better-auth.session_token={v}"))
        .expect("a session cookie");
    let forged = other
        .token(&BaUser {
            cookie,
            ..ada.clone()
        })
        .await;
    let ((genuine_header, genuine_claims), (forged_header, forged_claims)) =
        (parts(&genuine), parts(&forged));
    assert_eq!(forged_header["kid"], genuine_header["kid"], "the same key");
    assert_eq!(
        forged_claims["sub"], genuine_claims["sub"],
        "the same subject"
    );
    assert_eq!(forged_claims["iss"], other.url.as_str());

    let tasks = format!("/api/{}/tasks", ada.id);
    let ours = Ours::of(&app);
    assert_eq!(ours.get(&genuine, &tasks).await.status(), 200);
    let refused = ours.get(&forged, &tasks).await;
    assert_unauthorized(refused).await;
    other.stop().await;
    trusted.finish().await;
}

#[sqlx::test(migrations = false)]
async fn a_restart_of_our_server_keeps_better_auth_users_tasks_and_tokens(pool: PgPool) {
    let better_auth = BetterAuth::start(&pool).await;
    let ada = better_auth.new_user("Ada").await;
    let token = better_auth.token(&ada).await;
    let jwks_url = format!("{}/api/auth/jwks", better_auth.url);
    let env = [
        ("AUTH_TRUSTED_ISSUER", better_auth.url.as_str()),
        ("AUTH_TRUSTED_JWKS_URL", jwks_url.as_str()),
    ];
    let tasks = format!("/api/{}/tasks", ada.id);

    let (mut first, _log, base) = listening(start_binary_at(&database_url(&pool), &env)).await;
    let created = Ours::at(base)
        .send(
            &token,
            Method::POST,
            &tasks,
            Some(json!({"title": "Survives"})),
        )
        .await;
    assert_eq!(created.status(), 201);
    first.kill().await.expect("stop our server");

    let (_second, _log, base) = listening(start_binary_at(&database_url(&pool), &env)).await;
    let listed = Ours::at(base).get(&token, &tasks).await;
    assert_eq!(listed.status(), 200);
    let listed: Value = listed.json().await.expect("JSON");
    assert_eq!(listed[0]["title"], "Survives");
    assert_eq!(user_row(&pool, &ada.id).await.len(), 1);
    better_auth.finish().await;
}

/// While Better Auth is down, a key already fetched keeps verifying; a token whose key
/// cannot be fetched is refused; once it is back, a new person gets in.
#[sqlx::test(migrations = false)]
async fn while_better_auth_is_down_held_keys_work_and_unknown_ones_are_refused(pool: PgPool) {
    let mut better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;
    let ada = better_auth.new_user("Ada").await;
    let token = better_auth.token(&ada).await;
    let tasks = format!("/api/{}/tasks", ada.id);
    let ours = Ours::of(&app);
    assert_eq!(ours.get(&token, &tasks).await.status(), 200);

    better_auth.stop().await;
    assert_eq!(ours.get(&token, &tasks).await.status(), 200);
    // The same token under a kid never seen: its key cannot be had, so it is refused.
    let (mut header, _) = parts(&token);
    header["kid"] = json!("a-kid-never-published");
    let rest = token.split_once('.').map(|(_, rest)| rest).expect("a JWT");
    let unknown = format!(
        "{}.{rest}",
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&header).expect("JSON"))
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_unauthorized(ours.get(&unknown, &tasks).await).await;

    better_auth.restart().await;
    let bob = better_auth.new_user("Bob").await;
    let bob_token = better_auth.token(&bob).await;
    let bob_tasks = format!("/api/{}/tasks", bob.id);
    assert_eq!(ours.get(&bob_token, &bob_tasks).await.status(), 200);
    assert_eq!(ours.get(&token, &tasks).await.status(), 200);
    better_auth.finish().await;
}

/// Better Auth rotates its key: a token of the new key is accepted within 5 s, and one
/// of the old key still is (Better Auth keeps publishing it for its grace period).
#[sqlx::test(migrations = false)]
async fn a_key_rotated_at_better_auth_is_taken_within_five_seconds(pool: PgPool) {
    let better_auth = BetterAuth::start_with(
        &pool,
        Setup {
            rotation_secs: Some(2),
            ..Setup::default()
        },
    )
    .await;
    let app = our_app(pool.clone(), &better_auth).await;
    let ada = better_auth.new_user("Ada").await;
    let old = better_auth.token(&ada).await;
    let tasks = format!("/api/{}/tasks", ada.id);
    let ours = Ours::of(&app);
    assert_eq!(ours.get(&old, &tasks).await.status(), 200);

    tokio::time::sleep(Duration::from_millis(2500)).await;
    let new = better_auth.token(&ada).await;
    assert_ne!(parts(&new).0["kid"], parts(&old).0["kid"], "a new key");
    let published = better_auth.jwks().await["keys"]
        .as_array()
        .map_or(0, Vec::len);
    assert!(published >= 2, "old and new keys published: {published}");

    let started = Instant::now();
    while ours.get(&new, &tasks).await.status() != 200 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the new key was not taken within 5 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        ours.get(&old, &tasks).await.status(),
        200,
        "the old key still verifies"
    );
    better_auth.finish().await;
}
