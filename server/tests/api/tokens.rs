//! API.md's status-code table for tokens: every way a token can be wrong is the same 401
//! with `WWW-Authenticate: Bearer`, and a body that does not say which check failed.

use crate::helpers::{
    assert_unauthorized, spawn_app, spawn_app_with, test_config,
    tokens::{b64, decode, now, random_signing_key, sign, spawn_app_with_key_file, tempfile_path},
    TestApp,
};
use app::auth::keys::{thumbprint, KeySource};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use sqlx::PgPool;

/// A user's valid token, and its claims as a template for forged ones.
async fn valid_token(app: &TestApp) -> (String, Value, Value) {
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token").to_owned();
    let header = decode(&token, 0);
    let claims = decode(&token, 1);
    (token, header, claims)
}

async fn public_key_bytes(app: &TestApp, kid: &str) -> Vec<u8> {
    let jwks: Value = app.get("/api/auth/jwks").await.json().await.expect("JSON");
    let jwk = jwks["keys"]
        .as_array()
        .and_then(|keys| keys.iter().find(|k| k["kid"] == kid))
        .expect("the key")
        .clone();
    URL_SAFE_NO_PAD
        .decode(jwk["x"].as_str().expect("x"))
        .expect("b64")
}

fn with(claims: &Value, key: &str, value: Value) -> Value {
    let mut claims = claims.clone();
    claims[key] = value;
    claims
}

#[sqlx::test(migrations = false)]
async fn every_bad_token_is_the_same_401(pool: PgPool) {
    let app = spawn_app(pool).await;
    let (token, header, claims) = valid_token(&app).await;
    assert_eq!(app.me(&token).await.status(), 200);
    let kid = header["kid"].as_str().expect("kid").to_owned();
    let (input, signature) = token.rsplit_once('.').expect("token");

    // A signature from some other key, on otherwise perfect claims.
    let stranger = random_signing_key();
    let foreign = sign(&stranger, &header, &claims);

    // Payload changed after signing.
    let tampered_payload = {
        let parts: Vec<&str> = token.split('.').collect();
        format!(
            "{}.{}.{}",
            parts[0],
            b64(&with(&claims, "name", json!("Mallory"))),
            parts[2]
        )
    };
    // One bit of the signature flipped.
    let tampered_signature = {
        let mut bytes = URL_SAFE_NO_PAD.decode(signature).expect("b64");
        bytes[0] ^= 1;
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(bytes))
    };
    let alg_none = format!(
        "{}.{}.",
        b64(&json!({"alg": "none", "typ": "JWT", "kid": kid})),
        b64(&claims)
    );
    // The classic confusion: HS256 keyed with the public key's bytes.
    let public = public_key_bytes(&app, &kid).await;
    let mut hs_header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    hs_header.kid = Some(kid.clone());
    let hs256 = jsonwebtoken::encode(
        &hs_header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&public),
    )
    .expect("HS256 token");
    let hs256_with_x = jsonwebtoken::encode(
        &hs_header,
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(URL_SAFE_NO_PAD.encode(&public).as_bytes()),
    )
    .expect("HS256 token");

    let cases: Vec<(&str, String)> = vec![
        ("foreign signature", format!("Bearer {foreign}")),
        ("tampered payload", format!("Bearer {tampered_payload}")),
        ("tampered signature", format!("Bearer {tampered_signature}")),
        ("alg none", format!("Bearer {alg_none}")),
        ("HS256 with the public key", format!("Bearer {hs256}")),
        ("HS256 with the public x", format!("Bearer {hs256_with_x}")),
        ("garbage", "Bearer not-a-token".into()),
        ("garbage with dots", "Bearer a.b.c".into()),
        ("empty bearer", "Bearer ".into()),
        ("basic", "Basic dXNlcjpwYXNzd29yZA==".into()),
        ("no scheme", token.clone()),
        ("unknown kid", {
            let h = json!({"alg": "EdDSA", "typ": "JWT", "kid": "no-such-key"});
            format!("Bearer {}", sign(&stranger, &h, &claims))
        }),
    ];
    let mut bodies = Vec::new();
    for (case, authorization) in &cases {
        let response = app.get_authorized("/api/me", authorization).await;
        assert_eq!(response.status(), 401, "{case}");
        bodies.push((case.to_string(), assert_unauthorized(response).await));
    }
    let response = app.get("/api/me").await;
    bodies.push(("no header".into(), assert_unauthorized(response).await));

    let first = bodies[0].1.clone();
    for (case, body) in &bodies {
        assert_eq!(body, &first, "{case} says something the others do not");
    }
}

#[sqlx::test(migrations = false)]
async fn our_signature_on_wrong_claims_is_still_401(pool: PgPool) {
    let (app, key, kid, _file) = spawn_app_with_key_file(pool).await;
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");
    assert_eq!(
        decode(token, 0)["kid"],
        kid.as_str(),
        "the app signs with the file's key"
    );
    let claims = decode(token, 1);
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});

    // Our key and our claims, minted by the test: accepted, which shows the key is ours.
    assert_eq!(app.me(&sign(&key, &header, &claims)).await.status(), 200);

    let now = now();
    let cases = [
        (
            "expired",
            with(
                &with(&claims, "exp", json!(now - 120)),
                "iat",
                json!(now - 3720),
            ),
        ),
        ("not yet valid", with(&claims, "nbf", json!(now + 3600))),
        (
            "wrong iss",
            with(&claims, "iss", json!("https://elsewhere.test")),
        ),
        ("wrong aud", with(&claims, "aud", json!("another-audience"))),
        ("no jti", {
            let mut c = claims.clone();
            c.as_object_mut().expect("object").remove("jti");
            c
        }),
        ("no exp", {
            let mut c = claims.clone();
            c.as_object_mut().expect("object").remove("exp");
            c
        }),
        ("bad sub", with(&claims, "sub", json!("has a space"))),
    ];
    for (case, claims) in cases {
        let response = app.me(&sign(&key, &header, &claims)).await;
        assert_eq!(response.status(), 401, "{case}");
        assert_unauthorized(response).await;
    }

    // A small leeway: one that expired a few seconds ago still passes.
    let just_expired = with(&claims, "exp", json!(now - 5));
    assert_eq!(
        app.me(&sign(&key, &header, &just_expired)).await.status(),
        200
    );

    // Signed out: revoked until it expires.
    assert_eq!(app.sign_out(token).await.status(), 204);
    assert_unauthorized(app.me(token).await).await;
}

/// An app in key-file mode whose database already holds keys, as after a leak or a
/// write by someone who can insert rows: `current` and `next`, both with private keys.
async fn planted_keys(pool: &PgPool) -> Vec<(SigningKey, String)> {
    server::db::migrate(pool).await.expect("migrations");
    let mut planted = Vec::new();
    for state in ["current", "next"] {
        let key = random_signing_key();
        let kid = thumbprint(&key.verifying_key());
        sqlx::query("INSERT INTO signing_keys (kid, private_key, state) VALUES ($1, $2, $3)")
            .bind(&kid)
            .bind(key.to_pkcs8_der().expect("DER").as_bytes().to_vec())
            .bind(state)
            .execute(pool)
            .await
            .expect("plant a key");
        planted.push((key, kid));
    }
    planted
}

fn jwks_kids(jwks: &Value) -> Vec<String> {
    let mut kids: Vec<String> = jwks["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["kid"].as_str().expect("kid").to_owned())
        .collect();
    kids.sort();
    kids
}

#[sqlx::test(migrations = false)]
async fn in_key_file_mode_keys_in_the_database_sign_nothing_that_verifies(pool: PgPool) {
    let planted = planted_keys(&pool).await;
    let (app, _key, kid, _file) = spawn_app_with_key_file(pool).await;
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");
    assert_eq!(decode(token, 0)["kid"], kid.as_str());
    let claims = decode(token, 1);

    for (key, planted_kid) in &planted {
        let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": planted_kid});
        let forged = sign(key, &header, &claims);
        assert_unauthorized(app.me(&forged).await).await;
    }
    // An unknown kid makes no instance reread the database for keys, however long it waits.
    tokio::time::sleep(std::time::Duration::from_secs(6)).await;
    let (key, planted_kid) = &planted[0];
    let forged = sign(key, &json!({"alg": "EdDSA", "kid": planted_kid}), &claims);
    assert_unauthorized(app.me(&forged).await).await;

    let jwks: Value = app.get("/api/auth/jwks").await.json().await.expect("JSON");
    assert_eq!(jwks_kids(&jwks), [kid], "only the file's key is published");
    assert_eq!(app.me(token).await.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn in_key_file_mode_the_listed_previous_public_keys_verify_and_nothing_else(pool: PgPool) {
    use ed25519_dalek::pkcs8::EncodePublicKey;
    // The key of the file before a rotation, listed by the operator; and another one.
    let previous = random_signing_key();
    let previous_kid = thumbprint(&previous.verifying_key());
    let previous_pem = previous
        .verifying_key()
        .to_public_key_pem(LineEnding::LF)
        .expect("PEM");
    let previous_file = tempfile_path::TempPath::new("previous.pem", previous_pem.as_bytes());
    let current = random_signing_key();
    let current_kid = thumbprint(&current.verifying_key());
    let current_pem = current.to_pkcs8_pem(LineEnding::LF).expect("PEM");
    let current_file = tempfile_path::TempPath::new("signing.pem", current_pem.as_bytes());
    let mut config = test_config();
    config.auth.keys = KeySource::File {
        signing: current_file.0.clone(),
        previous: vec![previous_file.0.clone()],
    };
    let app = spawn_app_with(pool, config).await;

    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");
    assert_eq!(decode(token, 0)["kid"], current_kid.as_str());
    let claims = decode(token, 1);
    let old = sign(
        &previous,
        &json!({"alg": "EdDSA", "kid": previous_kid}),
        &claims,
    );
    assert_eq!(
        app.me(&old).await.status(),
        200,
        "a listed previous key verifies"
    );
    let stranger = random_signing_key();
    let stranger_kid = thumbprint(&stranger.verifying_key());
    let forged = sign(
        &stranger,
        &json!({"alg": "EdDSA", "kid": stranger_kid}),
        &claims,
    );
    assert_unauthorized(app.me(&forged).await).await;

    let jwks: Value = app.get("/api/auth/jwks").await.json().await.expect("JSON");
    let mut expected = vec![current_kid, previous_kid];
    expected.sort();
    assert_eq!(jwks_kids(&jwks), expected);
}
