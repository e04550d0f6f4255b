use leptos::config::LeptosOptions;
use secrecy::SecretString;
use server::{
    config::{Config, DatabaseConfig},
    startup::Application,
};
use sqlx::PgPool;
use std::{net::SocketAddr, sync::Once, time::Duration};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
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
    }
}

/// Starts the application on a free port, on the given database, in the background.
pub async fn spawn_app(pool: PgPool) -> TestApp {
    init_logs();
    let app = Application::build_with_pool(test_config(), pool)
        .await
        .expect("the application does not start");
    let addr = app.local_addr().expect("no local address");
    tokio::spawn(app.run_until_stopped());
    TestApp {
        addr,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .expect("cannot build the HTTP client"),
    }
}

pub async fn problem(response: reqwest::Response) -> serde_json::Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("the problem body is not JSON")
}
