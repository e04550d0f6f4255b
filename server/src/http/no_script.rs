//! What a plain form POST to a page gets. The sign-in and sign-up forms work in the
//! page: the session lives in the browser (its token is kept there), so without
//! JavaScript nothing can sign in. A browser that posts the form anyway gets a small
//! page that says so and links back, never an empty 405. What it posted is not read.

use app::state::AppState;
use axum::{
    http::{header, StatusCode},
    response::{Html, IntoResponse, Response},
    routing::post,
    Router,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/sign-in",
            post(|| async { page("/sign-in", "Back to sign in") }),
        )
        .route(
            "/sign-up",
            post(|| async { page("/sign-up", "Back to create an account") }),
        )
}

fn page(back: &str, label: &str) -> Response {
    let html = format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>JavaScript is needed · Todo</title>
</head>
<body>
<main>
<h1>This app needs JavaScript</h1>
<p>Your session lives in this browser: signing in keeps its token here, and every page
of your tasks is drawn by the app. What you typed was not used: turn JavaScript on for
this site, then try again.</p>
<p><a href="{back}">{label}</a></p>
</main>
</body>
</html>
"#
    );
    (
        StatusCode::OK,
        [(header::CACHE_CONTROL, "no-store")],
        Html(html),
    )
        .into_response()
}
