pub mod better_auth;
pub mod live;
pub mod rpc;
pub mod smtp;
pub mod tasks;
pub mod tokens;

use app::{
    account::{mail::MailConfig, service::AccountConfig},
    auth::config::{AuthConfig, ThrottleConfig},
    live::hub::LiveLimits,
    tasks::service::TaskLimits,
};
use leptos::config::LeptosOptions;
use secrecy::SecretString;
use serde_json::{json, Value};
use server::{
    config::{Config, DatabaseConfig},
    http::limits::Limits,
    startup::Application,
};
use sqlx::PgPool;
use std::{net::SocketAddr, sync::Once, time::Duration};
use tokio::task::JoinHandle;

pub const ISSUER: &str = "https://todo.test";
pub const AUDIENCE: &str = "todo-test";

/// The password of the users that tests make.
pub const PASSWORD: &str = "a long and unusual secret";

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub server: JoinHandle<std::io::Result<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request failed")
    }

    pub async fn get_authorized(&self, path: &str, authorization: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("authorization", authorization)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn me(&self, token: &str) -> reqwest::Response {
        self.get_authorized("/api/me", &format!("Bearer {token}"))
            .await
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request failed")
    }

    pub async fn sign_up_as(&self, email: &str, password: &str, name: &str) -> reqwest::Response {
        self.post_json(
            "/api/auth/sign-up",
            &json!({ "email": email, "password": password, "name": name }),
        )
        .await
    }

    pub async fn sign_in_as(&self, email: &str, password: &str) -> reqwest::Response {
        self.post_json(
            "/api/auth/sign-in",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    pub async fn sign_out(&self, token: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/auth/sign-out"))
            .bearer_auth(token)
            .send()
            .await
            .expect("request failed")
    }

    /// Signs up a fresh user and returns the session body.
    pub async fn new_user(&self) -> Value {
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4());
        let response = self.sign_up_as(&email, PASSWORD, "Test User").await;
        assert_eq!(response.status(), 201);
        response.json().await.expect("session JSON")
    }
}

/// Logs go to the test output only when `TEST_LOG` is set.
fn init_logs() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        if std::env::var_os("TEST_LOG").is_some() {
            server::telemetry::init();
        }
    });
}

pub fn test_config() -> Config {
    let mut auth = AuthConfig::new(ISSUER, AUDIENCE);
    auth.throttle = ThrottleConfig {
        window: Duration::from_secs(900),
        max_per_client: 30,
        max_per_client_email: 5,
        ..ThrottleConfig::default()
    };
    Config {
        leptos_options: LeptosOptions::builder()
            .output_name("todo")
            .site_root("target/site")
            .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
            .build(),
        database: DatabaseConfig {
            // Unused: the tests hand in their own pool.
            url: SecretString::from(String::new()),
            max_connections: 5,
            acquire_timeout: Duration::from_secs(1),
        },
        auth,
        limits: Limits::default(),
        tasks: TaskLimits::default(),
        account: AccountConfig {
            public_url: None,
            mail: MailConfig::default(),
        },
        live: LiveLimits::default(),
    }
}

/// Starts the application on a free port, on the given database, in the background.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    spawn_app_with(pool, test_config()).await
}

pub async fn spawn_app_with(pool: PgPool, config: Config) -> TestApp {
    init_logs();
    let app = Application::build_with_pool(config, pool)
        .await
        .expect("the application does not start");
    let addr = app.local_addr().expect("no local address");
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .expect("cannot build the HTTP client"),
        server: tokio::spawn(app.run_until_stopped()),
    }
}

/// How many accounts the database holds: to show that a refused request wrote nothing.
pub async fn count_users(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await
        .expect("count users")
}

/// How many tasks the database holds, in all or of one user.
pub async fn count_tasks(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tasks")
        .fetch_one(pool)
        .await
        .expect("count tasks")
}

pub async fn count_tasks_of(pool: &PgPool, user_id: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM tasks WHERE user_id = $1")
        .bind(user_id)
        .fetch_one(pool)
        .await
        .expect("count tasks")
}

pub async fn problem(response: reqwest::Response) -> Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("the problem body is not JSON")
}

/// Asserts a 401 as API.md wants it, and returns its body.
pub async fn assert_unauthorized(response: reqwest::Response) -> Value {
    assert_eq!(response.status(), 401);
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .and_then(|v| v.to_str().ok()),
        Some("Bearer")
    );
    problem(response).await
}

/// The server binary itself on this test's database, on a free port, logging JSON to a
/// pipe; killed when dropped.
pub fn start_binary(pool: &PgPool) -> tokio::process::Child {
    start_binary_at(&database_url(pool), &[])
}

/// The URL of a test's database, for a server process.
pub fn database_url(pool: &PgPool) -> String {
    let options = pool.connect_options();
    format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        options.get_database().unwrap_or_default()
    )
}

/// The server binary on the database at `url`, with `env` added to its environment.
pub fn start_binary_at(url: &str, env: &[(&str, &str)]) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("DATABASE_URL", url)
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("LEPTOS_OUTPUT_NAME", "todo")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .env("AUTH_SIGN_IN_MAX_PER_CLIENT_EMAIL", "5")
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("cannot start the server binary")
}

/// Starts the binary and waits until it listens: the process, its log, and its base URL.
pub async fn spawn_binary(pool: &PgPool) -> (Child, LogLines, String) {
    listening(start_binary(pool)).await
}

pub type Child = tokio::process::Child;
pub type LogLines = tokio::io::Lines<tokio::io::BufReader<tokio::process::ChildStdout>>;

/// Waits until a started binary listens: the process, its log, and its base URL.
pub async fn listening(mut child: Child) -> (Child, LogLines, String) {
    use tokio::io::AsyncBufReadExt;
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let wait = async {
        while let Some(line) = lines.next_line().await.expect("read the log") {
            let value: Value = serde_json::from_str(&line).unwrap_or_default();
            if let Some(base) = value["fields"]["message"]
                .as_str()
                .and_then(|m| m.strip_prefix("listening on "))
            {
                return base.to_owned();
            }
        }
        panic!("the server stopped before it listened");
    };
    let base = tokio::time::timeout(Duration::from_secs(30), wait)
        .await
        .expect("the server did not start listening");
    (child, lines, base)
}
