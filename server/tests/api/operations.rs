use crate::{
    helpers::{problem, spawn_app, spawn_app_with, test_config, TestApp},
    proxy::Proxy,
};
use sqlx::{postgres::PgPoolOptions, PgPool};
use std::{
    net::ToSocketAddrs,
    time::{Duration, Instant},
};

#[sqlx::test(migrations = false)]
async fn healthz_answers_200(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn readyz_answers_200_when_the_database_answers(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 200);
}

#[sqlx::test(migrations = false)]
async fn migrations_run_on_start(pool: PgPool) {
    let _app = spawn_app(pool.clone()).await;
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .expect("the migrations table is missing");
    let on_disk = std::fs::read_dir("../migrations")
        .expect("no migrations folder")
        .filter(|entry| {
            entry
                .as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    assert_eq!(applied as usize, on_disk);
}

#[sqlx::test(migrations = false)]
async fn unknown_api_paths_are_problem_json_404(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/api/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let body = problem(response).await;
    assert_eq!(body["status"], 404);
    assert_eq!(body["title"], "Not Found");
}

/// Starts the app on a database reached through a proxy that the test controls.
async fn spawn_app_behind_proxy(pool: &PgPool) -> (TestApp, Proxy) {
    let options = pool.connect_options();
    let target = (options.get_host(), options.get_port())
        .to_socket_addrs()
        .expect("cannot resolve the database host")
        .next()
        .expect("the database host has no address");
    let proxy = Proxy::start(target).await;
    let proxied = (*options).clone().host("127.0.0.1").port(proxy.addr.port());
    let app_pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(Duration::from_secs(1))
        .connect_with(proxied)
        .await
        .expect("cannot connect through the proxy");
    (spawn_app_with(app_pool, test_config()).await, proxy)
}

#[sqlx::test(migrations = false)]
async fn readyz_is_503_while_the_database_is_unreachable_and_recovers_by_itself(pool: PgPool) {
    let (app, proxy) = spawn_app_behind_proxy(&pool).await;
    assert_eq!(app.get("/readyz").await.status(), 200);

    proxy.cut();
    let started = Instant::now();
    let response = app.get("/readyz").await;
    let waited = started.elapsed();
    assert_eq!(response.status(), 503);
    assert_eq!(problem(response).await["status"], 503);
    // A probe answers within its own timeout, it does not hang on the dead database.
    assert!(waited < Duration::from_secs(5), "readyz took {waited:?}");

    proxy.restore();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = app.get("/readyz").await.status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "readyz still answers {status} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[sqlx::test(migrations = false)]
async fn a_wrong_method_is_problem_json_405(pool: PgPool) {
    let app = spawn_app(pool).await;
    let response = app.get("/api/auth/sign-in").await;
    assert_eq!(response.status(), 405);
    assert_eq!(problem(response).await["status"], 405);
}

#[sqlx::test(migrations = false)]
async fn identity_answers_503_while_the_database_is_unreachable(pool: PgPool) {
    let (app, proxy) = spawn_app_behind_proxy(&pool).await;
    let session = app.new_user().await;
    let token = session["token"].as_str().expect("token");

    proxy.cut();
    let started = Instant::now();
    // A valid token is not "unauthorized" because the database is away: it is 503.
    let response = app.me(token).await;
    assert_eq!(response.status(), 503);
    assert_eq!(problem(response).await["status"], 503);
    let response = app
        .sign_up_as("late@example.com", "a long and unusual secret", "Late")
        .await;
    assert_eq!(response.status(), 503);
    let body = problem(response).await;
    assert!(
        !body.to_string().to_lowercase().contains("sql"),
        "the problem leaks database text: {body}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "503s took {:?}",
        started.elapsed()
    );

    proxy.restore();
    let users: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'late@example.com'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(users, 0, "a sign-up that failed wrote a row");
}
