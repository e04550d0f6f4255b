//! Calls on the task routes as a signed-up user, for the tests of those routes.

use super::TestApp;
use reqwest::{Method, Response};
use serde_json::Value;

/// A signed-up user of a test app.
pub struct User {
    pub id: String,
    pub token: String,
}

pub async fn user(app: &TestApp) -> User {
    let session = app.new_user().await;
    User {
        id: session["user"]["id"].as_str().expect("id").to_owned(),
        token: session["token"].as_str().expect("token").to_owned(),
    }
}

pub async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
) -> Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request failed")
}

pub async fn create(app: &TestApp, user: &User, body: Value) -> Value {
    let response = call(
        app,
        &user.token,
        Method::POST,
        &format!("/api/{}/tasks", user.id),
        Some(&body),
    )
    .await;
    assert_eq!(response.status(), 201, "{body}");
    response.json().await.expect("JSON")
}

pub async fn list(app: &TestApp, user: &User, query: &str) -> (Vec<Value>, Option<String>) {
    let response = call(
        app,
        &user.token,
        Method::GET,
        &format!("/api/{}/tasks{query}", user.id),
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{query}");
    let next = response
        .headers()
        .get("link")
        .and_then(|v| v.to_str().ok())
        .map(|link| {
            let url = link
                .strip_prefix('<')
                .and_then(|l| l.split_once(">; rel=\"next\""))
                .map(|(url, _)| url.to_owned())
                .unwrap_or_else(|| panic!("not a next link: {link}"));
            url
        });
    (response.json().await.expect("JSON"), next)
}

pub fn ids(tasks: &[Value]) -> Vec<String> {
    tasks
        .iter()
        .map(|t| t["id"].as_str().expect("id").to_owned())
        .collect()
}
