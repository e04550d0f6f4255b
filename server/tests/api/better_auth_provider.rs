//! Better Auth as the identity provider (`AUTH_PROVIDER=better-auth`): our sign-up,
//! sign-in, refresh and sign-out go to a real Better Auth server, its tokens drive our
//! routes, and its refusals are ours.

use crate::helpers::{
    assert_unauthorized,
    better_auth::{BetterAuth, Setup},
    problem, spawn_app_with, test_config, TestApp,
};
use app::auth::provider_cookie;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::PgPool;

const PASSWORD: &str = "a long and unusual secret";

async fn our_app(pool: PgPool, better_auth: &BetterAuth) -> TestApp {
    let mut config = test_config();
    config.auth.trusted = Some(better_auth.trusted());
    config.auth.better_auth = Some(better_auth.provider());
    spawn_app_with(pool, config).await
}

async fn post(app: &TestApp, path: &str, body: Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .json(&body)
        .send()
        .await
        .expect("our server answers")
}

/// The `todo_provider_session` cookie an answer sets, as `name=value`.
fn provider_cookie_of(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{}=", provider_cookie::NAME)))
        .map(str::to_owned)
}

async fn me(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .get(app.url("/api/me"))
        .bearer_auth(token)
        .send()
        .await
        .expect("our server answers")
}

#[sqlx::test(migrations = false)]
async fn sign_up_and_sign_in_go_to_better_auth_and_its_token_is_the_session(pool: PgPool) {
    let better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;

    let signed_up = post(
        &app,
        "/api/auth/sign-up",
        json!({"email": " Ada@Example.com ", "password": PASSWORD, "name": "Ada"}),
    )
    .await;
    assert_eq!(signed_up.status(), StatusCode::CREATED);
    let cookie = provider_cookie_of(&signed_up).expect("the provider's session is kept");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let session: Value = signed_up.json().await.expect("JSON");
    let token = session["token"].as_str().expect("a token");
    assert_eq!(session["token_type"], "Bearer");
    assert!((800..=900).contains(&session["expires_in"].as_u64().expect("expires_in")));
    assert_eq!(session["user"]["email"], "ada@example.com");
    let id = session["user"]["id"].as_str().expect("an id").to_owned();
    assert_eq!(id.len(), 32, "Better Auth's id, not ours: {id}");

    // The token is Better Auth's, and it works here.
    let claims = crate::helpers::tokens::claims_of(token);
    assert_eq!(claims["iss"], better_auth.url.as_str());
    let me_answer = me(&app, token).await;
    assert_eq!(me_answer.status(), 200);
    let user: Value = me_answer.json().await.expect("JSON");
    assert_eq!((&user["id"], &user["name"]), (&json!(id), &json!("Ada")));

    // The password went to Better Auth alone: it signs in there, and nothing here holds it.
    let at_better_auth = better_auth.sign_in("ada@example.com", PASSWORD).await;
    assert_eq!(at_better_auth.status(), 200);
    let local_accounts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE password_hash <> ''")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(local_accounts, 0);

    let signed_in = post(
        &app,
        "/api/auth/sign-in",
        json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(signed_in.status(), 200);
    assert!(provider_cookie_of(&signed_in).is_some());
    let session: Value = signed_in.json().await.expect("JSON");
    assert_eq!(session["user"]["id"], id.as_str());
    let token = session["token"].as_str().expect("a token");
    assert_eq!(me(&app, token).await.status(), 200);
    better_auth.finish().await;
}

#[sqlx::test(migrations = false)]
async fn better_auth_refusals_are_the_answers_our_own_accounts_give(pool: PgPool) {
    let mut better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;
    let ada = json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"});
    assert_eq!(
        post(&app, "/api/auth/sign-up", ada.clone()).await.status(),
        201
    );

    let taken = post(&app, "/api/auth/sign-up", ada).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    assert_eq!(
        problem(taken).await["detail"],
        "An account with this email already exists."
    );
    let wrong = post(
        &app,
        "/api/auth/sign-in",
        json!({"email": "ada@example.com", "password": "not the password"}),
    )
    .await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let unknown = post(
        &app,
        "/api/auth/sign-in",
        json!({"email": "nobody@example.com", "password": "not the password"}),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        problem(wrong).await,
        problem(unknown).await,
        "one answer for both"
    );
    let invalid = post(
        &app,
        "/api/auth/sign-up",
        json!({"email": "bob@example.com", "password": "short", "name": "Bob"}),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // Better Auth down: nobody gets in, and the answer says the service is unavailable.
    better_auth.stop().await;
    let down = post(
        &app,
        "/api/auth/sign-in",
        json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    let down = post(
        &app,
        "/api/auth/sign-up",
        json!({"email": "carol@example.com", "password": PASSWORD, "name": "Carol"}),
    )
    .await;
    assert_eq!(down.status(), StatusCode::SERVICE_UNAVAILABLE);
    better_auth.restart().await;
    let back = post(
        &app,
        "/api/auth/sign-in",
        json!({"email": "ada@example.com", "password": PASSWORD}),
    )
    .await;
    assert_eq!(back.status(), 200);
    better_auth.finish().await;
}

#[sqlx::test(migrations = false)]
async fn better_auths_own_rate_limit_is_a_429_with_retry_after(pool: PgPool) {
    let better_auth = BetterAuth::start_with(
        &pool,
        Setup {
            rate_limit: true,
            ..Setup::default()
        },
    )
    .await;
    let app = our_app(pool.clone(), &better_auth).await;
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let response = post(
            &app,
            "/api/auth/sign-in",
            json!({"email": "ada@example.com", "password": "not the password"}),
        )
        .await;
        statuses.push(response.status().as_u16());
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<u64>().ok());
            assert!(retry_after.is_some_and(|secs| secs >= 1), "{retry_after:?}");
        }
    }
    // Better Auth allows three sign-ins per ten seconds from one client.
    assert_eq!(statuses, [401, 401, 401, 429]);
    better_auth.finish().await;
}

#[sqlx::test(migrations = false)]
async fn the_provider_session_refreshes_the_token_until_sign_out_ends_it(pool: PgPool) {
    let better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;
    let signed_up = post(
        &app,
        "/api/auth/sign-up",
        json!({"email": "ada@example.com", "password": PASSWORD, "name": "Ada"}),
    )
    .await;
    let cookie = provider_cookie_of(&signed_up).expect("a provider session");
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    let first: Value = signed_up.json().await.expect("JSON");
    let first = first["token"].as_str().expect("a token").to_owned();
    let refresh = |cookie: Option<String>| {
        let request = app.client.post(app.url("/api/auth/refresh"));
        let request = match cookie {
            Some(cookie) => request.header("cookie", cookie),
            None => request,
        };
        async move { request.send().await.expect("our server answers") }
    };

    assert_unauthorized(refresh(None).await).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let refreshed = refresh(Some(pair.clone())).await;
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.expect("JSON");
    let second = refreshed["token"].as_str().expect("a token").to_owned();
    assert_ne!(second, first, "a new token");
    assert_eq!(refreshed["user"]["name"], "Ada");
    assert_eq!(me(&app, &second).await.status(), 200);

    let signed_out = app
        .client
        .post(app.url("/api/auth/sign-out"))
        .bearer_auth(&second)
        .header("cookie", &pair)
        .send()
        .await
        .expect("our server answers");
    assert_eq!(signed_out.status(), StatusCode::NO_CONTENT);
    let cleared = provider_cookie_of(&signed_out).expect("the cookie is removed");
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    // Refused here, and ended at Better Auth: the old cookie gets no new token.
    assert_unauthorized(me(&app, &second).await).await;
    let ended = refresh(Some(pair)).await;
    assert_eq!(ended.status(), StatusCode::UNAUTHORIZED);
    better_auth.finish().await;
}

/// The web app's path: the same through its server functions, the provider's session
/// riding in the cookie the browser keeps and page scripts cannot read.
#[sqlx::test(migrations = false)]
async fn the_web_apps_server_functions_sign_in_refresh_and_sign_out_through_better_auth(
    pool: PgPool,
) {
    use crate::helpers::rpc::{call, ok, refused, sign_up_args};
    use app::{auth::model::AuthSession, error::AppError};
    let better_auth = BetterAuth::start(&pool).await;
    let app = our_app(pool.clone(), &better_auth).await;

    let signed_up = call(
        &app,
        "/rpc/auth/sign-up",
        &sign_up_args("rpc@example.com"),
        None,
    )
    .await;
    let cookie = provider_cookie_of(&signed_up).expect("a provider session");
    let pair = cookie.split(';').next().expect("name=value").to_owned();
    let session: AuthSession = ok(signed_up).await;
    assert_eq!(
        crate::helpers::tokens::claims_of(&session.token)["iss"],
        better_auth.url.as_str()
    );

    let refresh = |cookie: Option<&str>| {
        let mut request = app
            .client
            .post(app.url("/rpc/auth/refresh"))
            .header("content-type", "application/x-postcard")
            .header("accept", "application/x-postcard")
            .body(postcard::to_allocvec(&()).expect("encode"));
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie.to_owned());
        }
        async move { request.send().await.expect("our server answers") }
    };
    assert_eq!(
        refused(refresh(None).await, 401).await,
        AppError::Unauthorized
    );
    let refreshed: AuthSession = ok(refresh(Some(&pair)).await).await;
    assert_eq!(refreshed.user.id, session.user.id);
    assert_eq!(me(&app, &refreshed.token).await.status(), 200);

    let signed_out = app
        .client
        .post(app.url("/rpc/auth/sign-out"))
        .header("content-type", "application/x-postcard")
        .header("accept", "application/x-postcard")
        .header("cookie", &pair)
        .bearer_auth(&refreshed.token)
        .body(postcard::to_allocvec(&()).expect("encode"))
        .send()
        .await
        .expect("our server answers");
    assert_eq!(signed_out.status(), 200);
    assert!(provider_cookie_of(&signed_out).is_some_and(|c| c.contains("Max-Age=0")));
    assert_eq!(
        refused(refresh(Some(&pair)).await, 401).await,
        AppError::Unauthorized
    );
    better_auth.finish().await;
}
