//! Every row of API.md's identity table.

use crate::helpers::{
    assert_unauthorized, count_users, problem, spawn_app, tokens::decode, AUDIENCE, ISSUER,
    PASSWORD,
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde_json::{json, Value};
use sqlx::PgPool;

fn field_errors(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[sqlx::test(migrations = false)]
async fn sign_up_answers_201_with_a_token_for_the_new_user(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let response = app
        .sign_up_as("  Ada@Example.COM ", PASSWORD, "  Ada Lovelace ")
        .await;
    assert_eq!(response.status(), 201);
    let session: Value = response.json().await.expect("JSON");

    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["expires_in"], 3600);
    let user = &session["user"];
    assert_eq!(user["email"], "ada@example.com");
    assert_eq!(user["name"], "Ada Lovelace");
    let id = user["id"].as_str().expect("id");
    assert!(uuid::Uuid::parse_str(id).is_ok(), "{id} is not a UUID");
    assert!(user["created_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));

    let token = session["token"].as_str().expect("token");
    let header = decode(token, 0);
    assert_eq!(header["alg"], "EdDSA");
    assert!(header["kid"].as_str().is_some_and(|k| !k.is_empty()));
    let claims = decode(token, 1);
    assert_eq!(claims["sub"], id);
    assert_eq!(claims["email"], "ada@example.com");
    assert_eq!(claims["name"], "Ada Lovelace");
    assert_eq!(claims["iss"], ISSUER);
    assert_eq!(claims["aud"], AUDIENCE);
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    let (iat, exp) = (
        claims["iat"].as_i64().expect("iat"),
        claims["exp"].as_i64().expect("exp"),
    );
    assert_eq!(exp - iat, 3600);

    // Stored as an Argon2id hash, never as the password.
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(id)
        .fetch_one(&pool)
        .await
        .expect("row");
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    assert!(!hash.contains(PASSWORD));

    let me = app.me(token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("JSON");
    assert_eq!(&me, user);
}

#[sqlx::test(migrations = false)]
async fn sign_up_refuses_invalid_fields_with_422_and_writes_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let long_name = "n".repeat(101);
    let long_password = "p".repeat(129);
    let cases: Vec<(Value, Vec<&str>)> = vec![
        (
            json!({"email": "not-an-email", "password": PASSWORD, "name": "A"}),
            vec!["email"],
        ),
        (
            json!({"email": "a@example.com", "password": "short", "name": "A"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@example.com", "password": long_password, "name": "A"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": "   "}),
            vec!["name"],
        ),
        (
            json!({"email": "a@example.com", "password": PASSWORD, "name": long_name}),
            vec!["name"],
        ),
        (json!({"password": PASSWORD, "name": "A"}), vec!["email"]),
        (json!({}), vec!["email", "password", "name"]),
        // Among the most common passwords, whatever the case.
        (
            json!({"email": "a@example.com", "password": "Password1", "name": "A"}),
            vec!["password"],
        ),
        (
            json!({"email": "a@example.com", "password": "qwertyuiop", "name": "A"}),
            vec!["password"],
        ),
        // Of the wrong type.
        (
            json!({"email": 5, "password": PASSWORD, "name": "A"}),
            vec!["body"],
        ),
    ];
    for (body, fields) in cases {
        let response = app.post_json("/api/auth/sign-up", &body).await;
        assert_eq!(response.status(), 422, "{body}");
        let problem = problem(response).await;
        assert_eq!(problem["status"], 422);
        assert_eq!(field_errors(&problem), fields, "{body}");
    }
    assert_eq!(count_users(&pool).await, 0);
}

#[sqlx::test(migrations = false)]
async fn malformed_json_is_400_and_another_content_type_415(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .post(app.url("/api/auth/sign-up"))
        .header("content-type", "application/json")
        .body(r#"{"email": "a@example.com", "#)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 400);
    assert_eq!(problem(response).await["status"], 400);

    let response = app
        .client
        .post(app.url("/api/auth/sign-in"))
        .header("content-type", "text/plain")
        .body(r#"{"email": "a@example.com", "password": "x"}"#)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 415);
    assert_eq!(problem(response).await["status"], 415);
}

#[sqlx::test(migrations = false)]
async fn a_taken_email_is_409_however_it_is_cased_or_padded(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    assert_eq!(
        app.sign_up_as("grace@example.com", PASSWORD, "Grace")
            .await
            .status(),
        201
    );
    for email in [
        "grace@example.com",
        "GRACE@Example.com",
        "  grace@example.com\t",
    ] {
        let response = app.sign_up_as(email, PASSWORD, "Someone else").await;
        assert_eq!(response.status(), 409, "{email}");
        assert_eq!(problem(response).await["status"], 409);
    }
    assert_eq!(count_users(&pool).await, 1);
}

/// Thirty: as many as the sign-up lane's queue holds on two cores, so that each one is
/// hashed and races to the insert, where the unique index decides.
#[sqlx::test(migrations = false)]
async fn thirty_racing_sign_ups_with_one_email_make_one_account(pool: PgPool) {
    let mut config = crate::helpers::test_config();
    config.auth.throttle.max_sign_ups_per_client = 100;
    let app = crate::helpers::spawn_app_with(pool.clone(), config).await;
    let attempts = (0..30).map(|i| {
        let email = if i % 2 == 0 {
            "Race@Example.com"
        } else {
            " race@example.com"
        };
        app.sign_up_as(email, PASSWORD, "Racer")
    });
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|&&s| s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|&&s| s == 409).count(),
        29,
        "{statuses:?}"
    );
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'race@example.com'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(users, 1);
}

#[sqlx::test(migrations = false)]
async fn sign_in_answers_200_with_a_new_token(pool: PgPool) {
    let app = spawn_app(pool).await;
    let signed_up: Value = app
        .sign_up_as("linus@example.com", PASSWORD, "Linus")
        .await
        .json()
        .await
        .expect("JSON");
    let response = app.sign_in_as("  LINUS@example.com ", PASSWORD).await;
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.expect("JSON");
    assert_eq!(session["token_type"], "Bearer");
    assert_eq!(session["user"], signed_up["user"]);
    assert_ne!(session["token"], signed_up["token"]);
    let token = session["token"].as_str().expect("token");
    assert_eq!(app.me(token).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn unknown_email_and_wrong_password_get_the_same_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.sign_up_as("known@example.com", PASSWORD, "Known").await;

    let wrong_password = assert_unauthorized(
        app.sign_in_as("known@example.com", "not the password")
            .await,
    )
    .await;
    let unknown_email =
        assert_unauthorized(app.sign_in_as("nobody@example.com", PASSWORD).await).await;
    assert_eq!(wrong_password, unknown_email);
    assert_eq!(
        wrong_password["detail"],
        "the email or password is incorrect"
    );

    let response = app
        .post_json("/api/auth/sign-in", &json!({"email": "known@example.com"}))
        .await;
    assert_eq!(response.status(), 422);
}

#[sqlx::test(migrations = false)]
async fn sign_out_answers_204_and_the_token_is_refused_from_then_on(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");
    let other: Value = app
        .sign_in_as(session["user"]["email"].as_str().expect("email"), PASSWORD)
        .await
        .json()
        .await
        .expect("JSON");

    assert_eq!(app.sign_out(token).await.status(), 204);
    assert_unauthorized(app.me(token).await).await;
    assert_unauthorized(app.sign_out(token).await).await;
    // Only that token: another session of the same user goes on.
    assert_eq!(
        app.me(other["token"].as_str().expect("token"))
            .await
            .status(),
        200
    );
}

#[sqlx::test(migrations = false)]
async fn sign_out_without_a_token_is_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app
        .client
        .post(app.url("/api/auth/sign-out"))
        .send()
        .await
        .expect("request");
    assert_unauthorized(response).await;
}

#[sqlx::test(migrations = false)]
async fn the_jwks_publishes_the_key_that_verifies_our_tokens(pool: PgPool) {
    let app = spawn_app(pool).await;
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");
    let kid = decode(token, 0)["kid"].as_str().expect("kid").to_owned();

    let response = app.get("/api/auth/jwks").await;
    assert_eq!(response.status(), 200);
    let cache = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(cache.contains("max-age="), "{cache}");
    let jwks: Value = response.json().await.expect("JSON");
    let keys = jwks["keys"].as_array().expect("keys");
    // The current key and the next one, published ahead of a rotation.
    assert_eq!(keys.len(), 2, "{jwks}");
    let jwk = keys
        .iter()
        .find(|k| k["kid"] == kid.as_str())
        .expect("the token's key");
    assert_eq!(jwk["kty"], "OKP");
    assert_eq!(jwk["crv"], "Ed25519");
    assert_eq!(jwk["alg"], "EdDSA");
    assert!(jwk.get("d").is_none(), "a private key part is published");

    // Anyone can check our token's signature with the published key.
    let x: [u8; 32] = URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().expect("x"))
        .expect("base64url")
        .try_into()
        .expect("32 bytes");
    let key = ed25519_dalek::VerifyingKey::from_bytes(&x).expect("key");
    let (input, signature) = token.rsplit_once('.').expect("token");
    let signature = ed25519_dalek::Signature::from_slice(
        &URL_SAFE_NO_PAD.decode(signature).expect("base64url"),
    )
    .expect("signature");
    key.verify_strict(input.as_bytes(), &signature)
        .expect("the signature verifies");
}

#[sqlx::test(migrations = false)]
async fn me_needs_a_token(pool: PgPool) {
    let app = spawn_app(pool).await;
    assert_unauthorized(app.get("/api/me").await).await;
}
