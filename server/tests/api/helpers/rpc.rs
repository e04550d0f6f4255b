//! Server functions called as the web app calls them: POST, a postcard body, the
//! bearer token.

use super::TestApp;
use app::{
    auth::{
        api::SignUp,
        model::{AuthSession, SignUpRequest},
    },
    error::AppError,
};
use leptos::server_fn::error::FromServerFnError;
use serde::{de::DeserializeOwned, Serialize};

/// Calls a server function as the web app does: POST, a postcard body, the bearer token.
pub async fn call(
    app: &TestApp,
    path: &str,
    args: &impl Serialize,
    token: Option<&str>,
) -> reqwest::Response {
    let body = postcard::to_allocvec(args).expect("encode");
    let mut request = app
        .client
        .post(app.url(path))
        .header("content-type", "application/x-postcard")
        .header("accept", "application/x-postcard")
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request failed")
}

pub async fn ok<T: DeserializeOwned>(response: reqwest::Response) -> T {
    assert_eq!(response.status(), 200);
    let bytes = response.bytes().await.expect("body");
    postcard::from_bytes(&bytes).expect("postcard")
}

pub async fn refused(response: reqwest::Response, status: u16) -> AppError {
    assert_eq!(response.status(), status);
    AppError::de(response.bytes().await.expect("body"))
}

pub fn sign_up_args(email: &str) -> SignUp {
    SignUp {
        request: SignUpRequest {
            email: Some(email.into()),
            password: Some("a long and unusual secret".into()),
            name: Some("Rpc".into()),
        },
    }
}

/// A new account's session, made through the sign-up server function.
pub async fn signed_up(app: &TestApp, email: &str) -> AuthSession {
    ok(call(app, "/rpc/auth/sign-up", &sign_up_args(email), None).await).await
}
