//! Guessing passwords is refused, and a stranger cannot lock the owner out
//! (`app::auth::throttle`): counts per client address and per (email, client) pair, a
//! growing wait past a number of failures on one email, never a refusal of it; sign-ups
//! limited per client and password hashing bounded, so sign-ins go on during a flood.
//! Clients are told apart by `X-Forwarded-For`, as behind a load balancer.

use crate::helpers::{
    count_users, database_url, listening, problem, spawn_app, spawn_app_with, start_binary_at,
    test_config, TestApp, PASSWORD,
};
use app::auth::config::ThrottleConfig;
use serde_json::json;
use sqlx::PgPool;
use std::time::{Duration, Instant};

async fn app_behind_a_balancer(pool: PgPool, throttle: ThrottleConfig) -> TestApp {
    let mut config = test_config();
    config.auth.trust_forwarded_for = true;
    config.auth.throttle = throttle;
    spawn_app_with(pool, config).await
}

async fn sign_in_from(app: &TestApp, address: &str, email: &str, password: &str) -> u16 {
    app.client
        .post(app.url("/api/auth/sign-in"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": password }))
        .send()
        .await
        .expect("request failed")
        .status()
        .as_u16()
}

async fn attempts(pool: &PgPool, scope: &str, key: &str) -> Option<i32> {
    sqlx::query_scalar("SELECT attempts FROM sign_in_attempts WHERE scope = $1 AND key = $2")
        .bind(scope)
        .bind(key)
        .fetch_optional(pool)
        .await
        .expect("attempts")
}

fn tally(statuses: &[u16], status: u16) -> usize {
    statuses.iter().filter(|&&s| s == status).count()
}

#[sqlx::test(migrations = false)]
async fn fifty_wrong_attempts_from_one_address_do_not_stop_the_owner_at_another(pool: PgPool) {
    let app = app_behind_a_balancer(pool.clone(), ThrottleConfig::default()).await;
    app.sign_up_as("victim@example.com", PASSWORD, "Victim")
        .await;
    let mut statuses = Vec::new();
    for _ in 0..50 {
        statuses.push(sign_in_from(&app, "203.0.113.66", "victim@example.com", "guess").await);
    }
    assert_eq!(tally(&statuses, 401), 5, "{statuses:?}");
    assert_eq!(tally(&statuses, 429), 45, "{statuses:?}");
    // Only the attempts the pair was allowed count against the email.
    assert_eq!(
        attempts(&pool, "email", "victim@example.com").await,
        Some(5)
    );

    let started = Instant::now();
    let status = sign_in_from(&app, "198.51.100.7", "victim@example.com", PASSWORD).await;
    let took = started.elapsed();
    assert_eq!(status, 200);
    assert!(took < Duration::from_secs(2), "the owner waited {took:?}");
    eprintln!("owner's sign-in after 50 wrong attempts elsewhere: {took:?}");
}

#[sqlx::test(migrations = false)]
async fn a_client_over_its_limit_counts_nothing_against_any_email(pool: PgPool) {
    let throttle = ThrottleConfig {
        max_per_client: 3,
        ..ThrottleConfig::default()
    };
    let app = app_behind_a_balancer(pool.clone(), throttle).await;
    for i in 0..3 {
        let email = format!("guess-{i}@example.com");
        assert_eq!(
            sign_in_from(&app, "203.0.113.5", &email, "wrong").await,
            401
        );
    }
    for _ in 0..10 {
        assert_eq!(
            sign_in_from(&app, "203.0.113.5", "victim@example.com", "wrong").await,
            429
        );
    }
    assert_eq!(attempts(&pool, "email", "victim@example.com").await, None);
    assert_eq!(
        attempts(&pool, "pair", "203.0.113.5 victim@example.com").await,
        None
    );
    // An IPv6 client is one client across its /64.
    for i in 0..3 {
        let address = format!("2001:db8:5:6::{i:x}");
        assert_eq!(
            sign_in_from(&app, &address, "v6@example.com", "wrong").await,
            401
        );
    }
    assert_eq!(
        sign_in_from(&app, "2001:db8:5:6:ffff::1", "v6@example.com", "wrong").await,
        429
    );
    assert_eq!(
        sign_in_from(&app, "2001:db8:5:7::1", "v6@example.com", "wrong").await,
        401
    );
}

#[sqlx::test(migrations = false)]
async fn a_much_guessed_email_slows_down_and_the_owner_still_signs_in(pool: PgPool) {
    let throttle = ThrottleConfig {
        slow_after: 4,
        max_delay: Duration::from_millis(1500),
        ..ThrottleConfig::default()
    };
    let app = app_behind_a_balancer(pool.clone(), throttle).await;
    app.sign_up_as("popular@example.com", PASSWORD, "Popular")
        .await;
    // Many addresses, each within its own limits: eight failures on the email.
    let mut took = Vec::new();
    for i in 0..8 {
        let started = Instant::now();
        let address = format!("192.0.2.{}", 10 + i);
        assert_eq!(
            sign_in_from(&app, &address, "popular@example.com", "guess").await,
            401
        );
        took.push(started.elapsed());
    }
    // The first four went at once; from the fifth on, each waited longer (0.5 s, 1 s,
    // then the 1.5 s cap).
    assert!(
        took[..4].iter().all(|t| *t < Duration::from_millis(450)),
        "{took:?}"
    );
    for (i, least) in [(4, 500), (5, 1000), (6, 1500), (7, 1500)] {
        assert!(took[i] >= Duration::from_millis(least), "{i}: {took:?}");
    }

    let started = Instant::now();
    let status = sign_in_from(&app, "198.51.100.20", "popular@example.com", PASSWORD).await;
    let owner = started.elapsed();
    assert_eq!(status, 200, "slowed down, never refused");
    assert!(owner >= Duration::from_millis(1500), "{owner:?}");
    eprintln!("failed attempts took {took:?}; the owner's sign-in then {owner:?}");
}

#[sqlx::test(migrations = false)]
async fn failed_sign_ins_are_limited_per_email_and_client_with_retry_after(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.sign_up_as("target@example.com", PASSWORD, "Target")
        .await;
    for _ in 0..5 {
        let response = app.sign_in_as("target@example.com", "wrong guess").await;
        assert_eq!(response.status(), 401);
    }
    // From this client the email is closed for now, even to the right password...
    let response = app.sign_in_as("target@example.com", PASSWORD).await;
    assert_eq!(response.status(), 429);
    let retry_after: u64 = response
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a Retry-After in seconds");
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    assert_eq!(problem(response).await["status"], 429);

    // ...while another email from the same client is not.
    app.sign_up_as("other@example.com", PASSWORD, "Other").await;
    assert_eq!(
        app.sign_in_as("other@example.com", PASSWORD).await.status(),
        200
    );
}

#[sqlx::test(migrations = false)]
async fn parallel_guesses_cannot_slip_past_the_limit(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.sign_up_as("target@example.com", PASSWORD, "Target")
        .await;
    let guesses = (0..20).map(|_| app.sign_in_as("target@example.com", "guess"));
    let statuses: Vec<u16> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    // Exactly the allowed five were checked; every other one waits.
    assert_eq!(tally(&statuses, 401), 5, "{statuses:?}");
    assert_eq!(tally(&statuses, 429), 15, "{statuses:?}");
}

#[sqlx::test(migrations = false)]
async fn a_successful_sign_in_starts_its_pair_over(pool: PgPool) {
    let app = spawn_app(pool).await;
    app.sign_up_as("forgetful@example.com", PASSWORD, "Forgetful")
        .await;
    for _ in 0..2 {
        for _ in 0..4 {
            let response = app.sign_in_as("forgetful@example.com", "wrong").await;
            assert_eq!(response.status(), 401);
        }
        let response = app.sign_in_as("forgetful@example.com", PASSWORD).await;
        assert_eq!(response.status(), 200);
    }
}

/// Before anything is stored: an email that cannot be one is 422 (not a 500 from an
/// index that cannot hold a 3 KB key), and nothing is counted.
#[sqlx::test(migrations = false)]
async fn a_sign_in_email_of_no_account_shape_is_422_and_stores_nothing(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    let long = format!("{}@example.com", "a".repeat(3000));
    for email in [long.as_str(), "not an email", "@example.com"] {
        let response = app.sign_in_as(email, "whatever it is").await;
        assert_eq!(response.status(), 422, "{}", &email[..email.len().min(20)]);
        let body = problem(response).await;
        assert_eq!(body["errors"][0]["field"], "email");
    }
    let long_password = "p".repeat(129);
    let response = app.sign_in_as("someone@example.com", &long_password).await;
    assert_eq!(response.status(), 422);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM sign_in_attempts")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(stored, 0);
}

async fn sign_up_from(app: &TestApp, address: &str, email: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/auth/sign-up"))
        .header("x-forwarded-for", address)
        .json(&json!({ "email": email, "password": PASSWORD, "name": "Flood" }))
        .send()
        .await
        .expect("request failed")
}

#[sqlx::test(migrations = false)]
async fn sign_ups_are_limited_per_client(pool: PgPool) {
    let app = app_behind_a_balancer(pool.clone(), ThrottleConfig::default()).await;
    for i in 0..10 {
        let response = sign_up_from(&app, "203.0.113.9", &format!("new-{i}@example.com")).await;
        assert_eq!(response.status(), 201);
    }
    let response = sign_up_from(&app, "203.0.113.9", "one-more@example.com").await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().contains_key("retry-after"));
    let response = sign_up_from(&app, "198.51.100.9", "elsewhere@example.com").await;
    assert_eq!(response.status(), 201);
    assert_eq!(count_users(&pool).await, 11);
}

/// One client keeps 300 sign-ups in flight, each of which would cost an Argon2id run,
/// for three seconds; meanwhile another client signs in, again and again. The server is
/// the real binary, and the flood comes from a thread and runtime of its own, so that
/// neither shares a core's queue with the sign-ins being timed.
#[sqlx::test(migrations = false)]
async fn sign_ins_answer_within_two_seconds_while_one_client_floods_sign_up(pool: PgPool) {
    let (_server, mut log, base) = listening(start_binary_at(
        &database_url(&pool),
        &[("AUTH_TRUST_FORWARDED_FOR", "true")],
    ))
    .await;
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
    let client = reqwest::Client::new();
    let steady = json!({ "email": "steady@example.com", "password": PASSWORD, "name": "Steady" });
    let made = client
        .post(format!("{base}/api/auth/sign-up"))
        .json(&steady)
        .send()
        .await
        .expect("sign up");
    assert_eq!(made.status(), 201);

    let flood_for = Duration::from_secs(3);
    let flood_base = base.clone();
    let flood = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let client = reqwest::Client::new();
            let until = Instant::now() + flood_for;
            let lane = |lane: usize| {
                let (client, base) = (client.clone(), flood_base.clone());
                async move {
                    let mut statuses = Vec::new();
                    let mut n = 0;
                    while Instant::now() < until {
                        let body = json!({
                            "email": format!("flood-{lane}-{n}@example.com"),
                            "password": PASSWORD,
                            "name": "Flood",
                        });
                        let status = client
                            .post(format!("{base}/api/auth/sign-up"))
                            .header("x-forwarded-for", "203.0.113.99")
                            .json(&body)
                            .send()
                            .await
                            .map_or(0, |r| r.status().as_u16());
                        statuses.push(status);
                        n += 1;
                        // Refused or not, it comes back soon: at most 3,000 a second in
                        // all, so that what is timed is the server's choices, not two
                        // cores shared with a load generator running flat out.
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    statuses
                }
            };
            futures::future::join_all((0..300).map(lane)).await
        })
    });

    tokio::time::sleep(Duration::from_millis(500)).await;
    let sign_in = json!({ "email": "steady@example.com", "password": PASSWORD });
    let mut took = Vec::new();
    while took.len() < 10 {
        let started = Instant::now();
        let response = client
            .post(format!("{base}/api/auth/sign-in"))
            .header("x-forwarded-for", "198.51.100.1")
            .json(&sign_in)
            .send()
            .await
            .expect("sign in");
        took.push((response.status().as_u16(), started.elapsed()));
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    let statuses: Vec<u16> = tokio::task::spawn_blocking(move || flood.join())
        .await
        .expect("join")
        .expect("the flood")
        .into_iter()
        .flatten()
        .collect();
    for (status, took) in &took {
        assert_eq!(*status, 200);
        assert!(*took < Duration::from_secs(2), "a sign-in took {took:?}");
    }
    assert!(
        tally(&statuses, 201) <= 10,
        "{} sign-ups went through",
        tally(&statuses, 201)
    );
    assert_eq!(
        tally(&statuses, 201) + tally(&statuses, 429),
        statuses.len(),
        "every other sign-up is a 429"
    );
    let slowest = took.iter().map(|(_, t)| *t).max().unwrap_or_default();
    eprintln!(
        "{} sign-ups in the flood ({} made an account); {} sign-ins, the slowest {slowest:?}",
        statuses.len(),
        tally(&statuses, 201),
        took.len()
    );
}
