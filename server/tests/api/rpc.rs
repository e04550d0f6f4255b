//! The server functions that the web app calls take the same path as the REST routes:
//! the same service, the same verification, the same statuses.

use crate::helpers::{spawn_app, TestApp};
use serde_json::Value;
use sqlx::PgPool;

/// Calls a server function as the web app does: POST, a JSON body, the bearer token.
async fn call(app: &TestApp, path: &str, body: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(if body.is_empty() {
            "{}".to_owned()
        } else {
            body.to_owned()
        });
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request failed")
}

#[sqlx::test(migrations = false)]
async fn sign_up_and_me_through_server_functions(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = call(
        &app,
        "/rpc/auth/sign-up",
        r#"{"request": {"email": "RPC@example.com", "password": "a long and unusual secret", "name": "Rpc"}}"#,
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let session: Value = response.json().await.expect("JSON");
    assert_eq!(session["user"]["email"], "rpc@example.com");
    let token = session["token"].as_str().expect("token");

    // The token works on both paths.
    assert_eq!(app.me(token).await.status(), 200);
    let response = call(&app, "/rpc/auth/me", "", Some(token)).await;
    assert_eq!(response.status(), 200);
    let user: Value = response.json().await.expect("JSON");
    assert_eq!(user, session["user"]);

    // Signed out through a server function: refused by both.
    assert_eq!(
        call(&app, "/rpc/auth/sign-out", "", Some(token))
            .await
            .status(),
        200
    );
    assert_eq!(
        call(&app, "/rpc/auth/me", "", Some(token)).await.status(),
        401
    );
    assert_eq!(app.me(token).await.status(), 401);
}

#[sqlx::test(migrations = false)]
async fn server_functions_answer_with_the_statuses_of_the_rest_api(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = call(&app, "/rpc/auth/me", "", None).await;
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.expect("JSON");
    assert_eq!(error["kind"], "unauthorized");

    let response = call(&app, "/rpc/auth/me", "", Some("not.a.token")).await;
    assert_eq!(response.status(), 401);

    let response = call(
        &app,
        "/rpc/auth/sign-in",
        r#"{"request": {"email": "nobody@example.com", "password": "whatever it is"}}"#,
        None,
    )
    .await;
    assert_eq!(response.status(), 401);
    let error: Value = response.json().await.expect("JSON");
    assert_eq!(error["kind"], "invalid_credentials");

    let response = call(
        &app,
        "/rpc/auth/sign-up",
        r#"{"request": {"email": "bad", "password": "short", "name": ""}}"#,
        None,
    )
    .await;
    assert_eq!(response.status(), 422);
    let error: Value = response.json().await.expect("JSON");
    assert_eq!(error["kind"], "validation");
    assert_eq!(error["errors"].as_array().map(Vec::len), Some(3));
}
