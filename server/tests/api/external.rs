//! Tokens of a trusted external issuer shaped like Better Auth's: the test serves the
//! issuer's JWK Set on 127.0.0.1 and mints the tokens itself.

use crate::helpers::{
    assert_unauthorized, spawn_app_with, test_config,
    tokens::{claims_of, random_signing_key, sign},
    TestApp,
};
use app::auth::trusted::TrustedIssuerConfig;
use axum::{extract::State, http::StatusCode, response::Redirect, routing::get, Json, Router};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

/// A stand-in for a Better Auth server's `/api/auth/jwks`.
#[derive(Clone)]
struct Issuer {
    keys: Arc<Mutex<Vec<(String, SigningKey)>>>,
    up: Arc<AtomicBool>,
    fetches: Arc<AtomicUsize>,
    base_url: String,
}

impl Issuer {
    async fn start() -> Issuer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("address");
        let issuer = Issuer {
            keys: Arc::new(Mutex::new(vec![("ba-key-1".into(), random_signing_key())])),
            up: Arc::new(AtomicBool::new(true)),
            fetches: Arc::new(AtomicUsize::new(0)),
            base_url: format!("http://{addr}"),
        };
        let router = Router::new()
            .route("/api/auth/jwks", get(serve_jwks))
            .route(
                "/moved",
                get(|| async { Redirect::temporary("/api/auth/jwks") }),
            )
            .route("/padded", get(serve_padded_jwks))
            .with_state(issuer.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        issuer
    }

    fn config(&self) -> TrustedIssuerConfig {
        TrustedIssuerConfig {
            issuer: self.base_url.clone(),
            audience: self.base_url.clone(),
            jwks_url: format!("{}/api/auth/jwks", self.base_url),
            cache_for: Duration::from_secs(300),
            min_refetch_gap: Duration::from_secs(5),
        }
    }

    fn add_key(&self, kid: &str) {
        let mut keys = self.keys.lock().expect("lock");
        keys.push((kid.into(), random_signing_key()));
    }

    fn fetches(&self) -> usize {
        self.fetches.load(Ordering::SeqCst)
    }

    /// A token as Better Auth's JWT plugin makes it: no `typ`, 15 minutes, iss = aud.
    fn token(&self, kid: &str, alg: &str, claims: Value) -> String {
        let keys = self.keys.lock().expect("lock");
        let key = keys
            .iter()
            .find(|(k, _)| k == kid)
            .map(|(_, key)| key.clone())
            .unwrap_or_else(random_signing_key);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let mut payload = json!({
            "iat": now, "exp": now + 900, "iss": self.base_url, "aud": self.base_url,
            "emailVerified": true, "image": null, "createdAt": "2026-01-01T00:00:00.000Z",
        });
        if let (Some(payload), Some(extra)) = (payload.as_object_mut(), claims.as_object()) {
            for (k, v) in extra {
                payload.insert(k.clone(), v.clone());
            }
        }
        sign(&key, &json!({"alg": alg, "kid": kid}), &payload)
    }
}

async fn serve_jwks(State(issuer): State<Issuer>) -> Result<Json<Value>, StatusCode> {
    issuer.fetches.fetch_add(1, Ordering::SeqCst);
    if !issuer.up.load(Ordering::SeqCst) {
        return Err(StatusCode::SERVICE_UNAVAILABLE);
    }
    let keys = issuer
        .keys
        .lock()
        .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)?;
    let keys: Vec<Value> = keys
        .iter()
        .map(|(kid, key)| {
            json!({
                "kty": "OKP", "crv": "Ed25519", "kid": kid,
                "x": URL_SAFE_NO_PAD.encode(key.verifying_key().as_bytes()),
            })
        })
        .collect();
    Ok(Json(json!({ "keys": keys })))
}

/// The same set, grown past 64 KiB by keys of another type, which a reader skips.
async fn serve_padded_jwks(State(issuer): State<Issuer>) -> Result<Json<Value>, StatusCode> {
    let Json(mut set) = serve_jwks(State(issuer)).await?;
    let filler = json!({"kty": "RSA", "kid": "filler", "e": "AQAB", "n": "A".repeat(1000)});
    if let Some(keys) = set["keys"].as_array_mut() {
        keys.extend(std::iter::repeat_n(filler, 80));
    }
    Ok(Json(set))
}

async fn spawn_trusting(pool: PgPool, trusted: TrustedIssuerConfig) -> TestApp {
    let mut config = test_config();
    config.auth.trusted = Some(trusted);
    spawn_app_with(pool, config).await
}

async fn user_rows(pool: &PgPool, id: &str) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT id, issuer, email, name FROM users WHERE id = $1")
        .bind(id)
        .fetch_all(pool)
        .await
        .expect("query")
}

#[sqlx::test(migrations = false)]
async fn twenty_concurrent_first_requests_make_exactly_one_user_row(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool.clone(), issuer.config()).await;
    let sub = "ba_5mKq9ZtR2xWc"; // Better Auth ids are not UUIDs.
    let token = issuer.token(
        "ba-key-1",
        "EdDSA",
        json!({"sub": sub, "email": " Ext@Example.COM", "name": "Ext User"}),
    );
    let requests = (0..20).map(|_| app.me(&token));
    let responses = futures::future::join_all(requests).await;
    for response in responses {
        assert_eq!(response.status(), 200);
        let user: Value = response.json().await.expect("JSON");
        assert_eq!(user["id"], sub);
        assert_eq!(user["email"], "ext@example.com");
        assert_eq!(user["name"], "Ext User");
    }
    let rows = user_rows(&pool, sub).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1, issuer.base_url, "the row remembers its issuer");
    // One fetch of the key set served all twenty.
    assert_eq!(issuer.fetches(), 1);
}

#[sqlx::test(migrations = false)]
async fn the_rfc_9864_algorithm_name_is_accepted_too(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool, issuer.config()).await;
    let token = issuer.token("ba-key-1", "Ed25519", json!({"sub": "ba_alg_name"}));
    assert_eq!(app.me(&token).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn a_later_token_fills_in_what_the_row_lacks_and_changes_nothing_else(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool.clone(), issuer.config()).await;
    let sub = "ba_fill_me";
    let bare = issuer.token("ba-key-1", "EdDSA", json!({"sub": sub}));
    let user: Value = app.me(&bare).await.json().await.expect("JSON");
    assert_eq!(
        (user["email"].as_str(), user["name"].as_str()),
        (Some(""), Some(""))
    );

    let full = issuer.token(
        "ba-key-1",
        "EdDSA",
        json!({"sub": sub, "email": "filled@example.com", "name": "Filled In"}),
    );
    assert_eq!(app.me(&full).await.status(), 200);
    let renamed = issuer.token(
        "ba-key-1",
        "EdDSA",
        json!({"sub": sub, "email": "other@example.com", "name": "Other Name"}),
    );
    let user: Value = app.me(&renamed).await.json().await.expect("JSON");
    assert_eq!(user["email"], "filled@example.com");
    assert_eq!(user["name"], "Filled In");
    assert_eq!(user_rows(&pool, sub).await.len(), 1);
}

#[sqlx::test(migrations = false)]
async fn an_issuer_cannot_speak_for_another_issuers_user(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool.clone(), issuer.config()).await;
    let local = app.new_user().await;
    let local_id = local["user"]["id"].as_str().expect("id");
    let token = issuer.token("ba-key-1", "EdDSA", json!({"sub": local_id}));
    assert_unauthorized(app.me(&token).await).await;
    // The local user's row is untouched and still works with its own token.
    let rows = user_rows(&pool, local_id).await;
    assert_eq!(rows[0].1, crate::helpers::ISSUER);
    assert_eq!(
        app.me(local["token"].as_str().expect("token"))
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrations = false)]
async fn an_unknown_kid_refetches_the_set_at_most_once_per_few_seconds(pool: PgPool) {
    let issuer = Issuer::start().await;
    let mut trusted = issuer.config();
    trusted.min_refetch_gap = Duration::from_secs(1);
    let app = spawn_trusting(pool, trusted).await;
    let first = issuer.token("ba-key-1", "EdDSA", json!({"sub": "ba_rotating"}));
    assert_eq!(app.me(&first).await.status(), 200);
    assert_eq!(issuer.fetches(), 1);

    // The issuer rotates. Right after a fetch the new kid waits for the gap to pass...
    issuer.add_key("ba-key-2");
    let second = issuer.token("ba-key-2", "EdDSA", json!({"sub": "ba_rotating"}));
    assert_unauthorized(app.me(&second).await).await;
    assert_eq!(issuer.fetches(), 1);
    // ...then the unknown kid makes one fetch, which finds it.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(app.me(&second).await.status(), 200);
    assert_eq!(issuer.fetches(), 2);

    // A flood of unknown kids does not become a flood of fetches.
    for i in 0..10 {
        let unknown = issuer.token(&format!("nope-{i}"), "EdDSA", json!({"sub": "ba_rotating"}));
        assert_unauthorized(app.me(&unknown).await).await;
    }
    assert_eq!(issuer.fetches(), 2);
    assert_eq!(app.me(&first).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn while_the_set_cannot_be_fetched_its_tokens_are_refused_and_ours_work(pool: PgPool) {
    let issuer = Issuer::start().await;
    let mut trusted = issuer.config();
    // Refetch on every request, so that each one sees whether the source answers.
    trusted.cache_for = Duration::ZERO;
    trusted.min_refetch_gap = Duration::ZERO;
    let app = spawn_trusting(pool, trusted).await;
    let external = issuer.token("ba-key-1", "EdDSA", json!({"sub": "ba_outage"}));
    let own = app.new_user().await;
    let own = own["token"].as_str().expect("token");
    assert_eq!(app.me(&external).await.status(), 200);

    issuer.up.store(false, Ordering::SeqCst);
    assert_unauthorized(app.me(&external).await).await;
    assert_eq!(app.me(own).await.status(), 200);

    issuer.up.store(true, Ordering::SeqCst);
    assert_eq!(app.me(&external).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn an_issuer_that_never_answers_is_refused_and_ours_work(pool: PgPool) {
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("address");
    drop(closed);
    let base = format!("http://{addr}");
    let app = spawn_trusting(
        pool,
        TrustedIssuerConfig {
            issuer: base.clone(),
            audience: base.clone(),
            jwks_url: format!("{base}/api/auth/jwks"),
            cache_for: Duration::from_secs(300),
            min_refetch_gap: Duration::from_secs(5),
        },
    )
    .await;
    let key = random_signing_key();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default();
    let token = sign(
        &key,
        &json!({"alg": "EdDSA", "kid": "k"}),
        &json!({"sub": "ba_nobody", "iat": now, "exp": now + 900, "iss": base, "aud": base}),
    );
    assert_unauthorized(app.me(&token).await).await;
    let own = app.new_user().await;
    assert_eq!(
        app.me(own["token"].as_str().expect("token")).await.status(),
        200
    );
}

#[sqlx::test(migrations = false)]
async fn a_set_behind_a_redirect_or_past_64_kib_is_not_read(pool: PgPool) {
    let issuer = Issuer::start().await;
    for path in ["/moved", "/padded"] {
        let mut trusted = issuer.config();
        trusted.jwks_url = format!("{}{path}", issuer.base_url);
        let app = spawn_trusting(pool.clone(), trusted).await;
        let token = issuer.token("ba-key-1", "EdDSA", json!({"sub": "ba_elsewhere"}));
        assert_unauthorized(app.me(&token).await).await;
    }
    // The same keys served plainly verify.
    let app = spawn_trusting(pool, issuer.config()).await;
    let token = issuer.token("ba-key-1", "EdDSA", json!({"sub": "ba_elsewhere"}));
    assert_eq!(app.me(&token).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn a_failed_refetch_keeps_the_keys_that_are_still_fresh(pool: PgPool) {
    let issuer = Issuer::start().await;
    let mut trusted = issuer.config();
    trusted.min_refetch_gap = Duration::ZERO;
    let app = spawn_trusting(pool, trusted).await;
    let token = issuer.token("ba-key-1", "EdDSA", json!({"sub": "ba_steady"}));
    assert_eq!(app.me(&token).await.status(), 200);

    // The source goes down; anyone can send an unknown kid, which makes a refetch fail.
    issuer.up.store(false, Ordering::SeqCst);
    let unknown = issuer.token("nope", "EdDSA", json!({"sub": "ba_steady"}));
    assert_unauthorized(app.me(&unknown).await).await;
    assert_eq!(issuer.fetches(), 2);
    assert_eq!(
        app.me(&token).await.status(),
        200,
        "the fresh set still serves"
    );
}

#[sqlx::test(migrations = false)]
async fn a_name_or_email_that_breaks_our_rules_is_refused_not_a_500(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool.clone(), issuer.config()).await;
    let long_name = "n".repeat(101);
    for (i, claims) in [
        json!({"name": "Null\u{0}Byte"}),
        json!({"name": "Bell\u{7}"}),
        json!({"name": long_name}),
        json!({"email": "not an email"}),
        json!({"email": format!("{}@example.com", "e".repeat(300))}),
    ]
    .into_iter()
    .enumerate()
    {
        let sub = format!("ba_bad_profile_{i}");
        let mut claims = claims;
        claims["sub"] = json!(sub);
        let token = issuer.token("ba-key-1", "EdDSA", claims.clone());
        for _ in 0..2 {
            assert_unauthorized(app.me(&token).await).await;
        }
        assert!(user_rows(&pool, &sub).await.is_empty(), "{claims}");
    }
    // Empty ones are only not known yet.
    let token = issuer.token(
        "ba-key-1",
        "EdDSA",
        json!({"sub": "ba_blank", "name": "  ", "email": ""}),
    );
    assert_eq!(app.me(&token).await.status(), 200);
}

/// A sign-out is remembered under its issuer: another issuer's token that happens to
/// carry the same `jti` is not signed out with it.
#[sqlx::test(migrations = false)]
async fn a_sign_out_refuses_only_its_own_issuers_token_id(pool: PgPool) {
    let issuer = Issuer::start().await;
    let app = spawn_trusting(pool, issuer.config()).await;
    let own = app.new_user().await;
    let own = own["token"].as_str().expect("token");
    let jti = claims_of(own)["jti"].clone();
    assert_eq!(app.sign_out(own).await.status(), 204);
    assert_unauthorized(app.me(own).await).await;

    let external = issuer.token(
        "ba-key-1",
        "EdDSA",
        json!({"sub": "ba_same_jti", "jti": jti}),
    );
    assert_eq!(app.me(&external).await.status(), 200);
    assert_eq!(app.sign_out(&external).await.status(), 204);
    assert_unauthorized(app.me(&external).await).await;
}
