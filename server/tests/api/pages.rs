//! The pages are rendered on the server, on the right page for the visitor.

use crate::helpers::{spawn_app, TestApp};
use sqlx::PgPool;

async fn page(app: &TestApp, path: &str, signed_in: bool) -> reqwest::Response {
    // As a browser asks for a page; a redirect is a 302 only for such requests.
    let mut request = app.client.get(app.url(path)).header("accept", "text/html");
    if signed_in {
        request = request.header("cookie", "todo_signed_in=1");
    }
    request.send().await.expect("request failed")
}

fn location(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

#[sqlx::test(migrations = false)]
async fn the_sign_in_page_is_server_rendered_with_its_form(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = page(&app, "/sign-in", false).await;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html")));
    let html = response.text().await.expect("body");
    for needle in [
        "<h1 id=\"sign-in-heading\">Sign in</h1>",
        "<label for=\"email\">Email</label>",
        "<label for=\"password\">Password</label>",
        "autocomplete=\"current-password\"",
        "/pkg/todo.js",
    ] {
        assert!(html.contains(needle), "{needle} is not in {html}");
    }
}

#[sqlx::test(migrations = false)]
async fn visitors_without_a_session_are_sent_to_sign_in_by_the_server(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = page(&app, "/tasks", false).await;
    assert_eq!(response.status(), 302);
    assert_eq!(
        location(&response).as_deref(),
        Some("/sign-in?next=%2Ftasks")
    );

    let response = page(&app, "/", false).await;
    assert_eq!(location(&response).as_deref(), Some("/sign-in"));
}

#[sqlx::test(migrations = false)]
async fn a_visitor_with_a_session_gets_the_tasks_layout_at_once(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = page(&app, "/", true).await;
    assert_eq!(location(&response).as_deref(), Some("/tasks"));
    let response = page(&app, "/sign-in", true).await;
    assert_eq!(location(&response).as_deref(), Some("/tasks"));
    // …unless the session has just ended: then the sign-in page stays.
    let response = page(&app, "/sign-in?reason=ended&next=%2Ftasks", true).await;
    assert_eq!(response.status(), 200);

    let response = page(&app, "/tasks", true).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.expect("body");
    assert!(
        html.contains("<h1 id=\"tasks-heading\">Tasks</h1>"),
        "{html}"
    );
    assert!(html.contains("What needs to be done?"), "{html}");
}

#[sqlx::test(migrations = false)]
async fn an_unknown_page_is_a_server_rendered_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("body");
    assert!(html.contains("Page not found"), "{html}");
}

/// Without JavaScript the forms post as plain forms: the answer is a page that says the
/// app needs JavaScript and links back, never an empty 405, and it reads nothing posted.
#[sqlx::test(migrations = false)]
async fn a_plain_form_post_to_a_page_is_answered_with_why_it_needs_javascript(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for (path, back) in [("/sign-in", "/sign-in"), ("/sign-up", "/sign-up")] {
        let response = app
            .client
            .post(app.url(path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("email=ada%40example.com&password=a+long+and+unusual+secret&name=Ada")
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 200, "{path}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        assert!(content_type.is_some_and(|t| t.starts_with("text/html")));
        let html = response.text().await.expect("body");
        assert!(html.contains("This app needs JavaScript"), "{html}");
        assert!(html.contains(&format!("href=\"{back}\"")), "{html}");
        assert!(
            !html.contains("ada@example.com"),
            "nothing posted is echoed"
        );
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(users, 0, "nothing was signed up");
    // The pages themselves still render as before.
    assert_eq!(page(&app, "/sign-in", false).await.status(), 200);
}
