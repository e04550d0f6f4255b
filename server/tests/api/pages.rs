use crate::helpers::spawn_app;
use sqlx::PgPool;

async fn record_click(app: &crate::helpers::TestApp) -> reqwest::Response {
    app.client
        .post(app.url("/rpc/clicks/record"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body("")
        .send()
        .await
        .expect("request failed")
}

#[sqlx::test(migrations = false)]
async fn the_start_page_is_rendered_on_the_server_with_the_stored_count(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    sqlx::query("INSERT INTO clicks DEFAULT VALUES")
        .execute(&pool)
        .await
        .expect("insert");

    let response = app.get("/").await;
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html")));
    let html = response.text().await.expect("body");
    assert!(html.contains("<h1>Todo</h1>"), "no heading in {html}");
    assert!(
        html.contains(r#"data-testid="click-count""#),
        "no counter in {html}"
    );
    // The count comes from the database, rendered into the HTML by the server.
    assert!(html.contains(">1<"), "the stored count 1 is not in {html}");
    // The hydration script is referenced, so the browser can take the page over.
    assert!(
        html.contains("/pkg/todo.js"),
        "no hydration script in {html}"
    );
}

#[sqlx::test(migrations = false)]
async fn the_record_server_function_writes_a_row_and_returns_the_new_count(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    for expected in 1..=3 {
        let response = record_click(&app).await;
        assert_eq!(response.status(), 200);
        let count: i64 = response.json().await.expect("a number");
        assert_eq!(count, expected);
    }
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM clicks")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(rows, 3);

    let response = app
        .client
        .post(app.url("/rpc/clicks/count"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 200);
    assert_eq!(response.json::<i64>().await.expect("a number"), 3);
}

#[sqlx::test(migrations = false)]
async fn an_unknown_page_is_a_server_rendered_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.expect("body");
    assert!(html.contains("Page not found"), "{html}");
}
