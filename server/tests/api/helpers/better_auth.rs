//! A real Better Auth server for the tests: `end2end/better-auth/server.mjs` (the npm
//! package pinned there, email and password and the JWT plugin) on a free port, on a
//! database of its own beside the test's, started, stopped and restarted here.
//!
//! Its database is dropped by `finish`; a test that fails leaves it for a look, as
//! `#[sqlx::test]` leaves its own, and the next run of that test drops it first.

use app::auth::trusted::TrustedIssuerConfig;
use serde_json::{json, Value};
use sqlx::PgPool;
use std::{path::PathBuf, process::Stdio, time::Duration};
use tokio::io::{AsyncBufReadExt, BufReader};

/// How a server is set up: its signing algorithm, a key rotation, and which database
/// (a second server on the first one's database shares its users and keys).
#[derive(Clone, Debug)]
pub struct Setup {
    pub alg: &'static str,
    pub rotation_secs: Option<u32>,
    pub database: Option<String>,
    /// Its own rate limits on (off by default outside production).
    pub rate_limit: bool,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            alg: "EdDSA",
            rotation_secs: None,
            database: None,
            rate_limit: false,
        }
    }
}

pub struct BetterAuth {
    /// The base URL: the tokens' `iss` and `aud`.
    pub url: String,
    pub database: String,
    port: u16,
    setup: Setup,
    pool: PgPool,
    owns_database: bool,
    child: Option<tokio::process::Child>,
    http: reqwest::Client,
}

/// A person signed up at Better Auth, with the session cookie that gets their tokens.
#[derive(Clone, Debug)]
pub struct BaUser {
    pub id: String,
    pub email: String,
    pub name: String,
    pub cookie: String,
}

/// The same secret on every server, so that two servers on one database read its keys.
const SECRET: &str = "a test secret of better auth, 32+ characters long";

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/better-auth/server.mjs")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl BetterAuth {
    /// An EdDSA server (Better Auth's default) on a database of its own.
    pub async fn start(pool: &PgPool) -> BetterAuth {
        BetterAuth::start_with(pool, Setup::default()).await
    }

    pub async fn start_with(pool: &PgPool, setup: Setup) -> BetterAuth {
        let modules = script().with_file_name("node_modules");
        assert!(
            modules.join("better-auth").is_dir(),
            "end2end/better-auth has no node_modules: run `npm ci` there (scripts/test.sh does)"
        );
        let (database, owns_database) = match &setup.database {
            Some(shared) => (shared.clone(), false),
            None => {
                // Named after the test's database, whose name may be as long as a
                // name can be.
                let ours: String = sqlx::query_scalar("SELECT left(md5(current_database()), 16)")
                    .fetch_one(pool)
                    .await
                    .expect("the test's database name");
                let name = format!("better_auth_{ours}_{}", setup.alg.to_lowercase());
                for statement in [
                    format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#),
                    format!(r#"CREATE DATABASE "{name}""#),
                ] {
                    sqlx::query(&statement)
                        .execute(pool)
                        .await
                        .expect("a database for Better Auth");
                }
                (name, true)
            }
        };
        let port = free_port();
        let mut server = BetterAuth {
            url: format!("http://127.0.0.1:{port}"),
            database,
            port,
            setup,
            pool: pool.clone(),
            owns_database,
            child: None,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("an HTTP client"),
        };
        server.run().await;
        server
    }

    fn database_url(&self) -> String {
        let options = self.pool.connect_options();
        format!(
            "postgres://{}@{}:{}/{}",
            options.get_username(),
            options.get_host(),
            options.get_port(),
            self.database
        )
    }

    /// Starts the process and waits for its "ready" line.
    async fn run(&mut self) {
        let mut command = tokio::process::Command::new("node");
        command
            .arg(script())
            .env("BETTER_AUTH_PORT", self.port.to_string())
            .env("BETTER_AUTH_URL", &self.url)
            .env("BETTER_AUTH_DATABASE_URL", self.database_url())
            .env("BETTER_AUTH_SECRET", SECRET)
            .env("BETTER_AUTH_ALG", self.setup.alg)
            .stdout(Stdio::piped())
            .kill_on_drop(true);
        if self.setup.rate_limit {
            command.env("BETTER_AUTH_RATE_LIMIT", "1");
        }
        if let Some(secs) = self.setup.rotation_secs {
            command.env("BETTER_AUTH_ROTATION_SECS", secs.to_string());
        }
        let mut child = command.spawn().expect("cannot start node");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let ready = async {
            while let Some(line) = lines.next_line().await.expect("its output") {
                if line.starts_with("ready ") {
                    return;
                }
            }
            panic!("Better Auth stopped before it was ready");
        };
        tokio::time::timeout(Duration::from_secs(60), ready)
            .await
            .expect("Better Auth was not ready within 60 s");
        // What it prints later is not read; it must not block on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.child = Some(child);
    }

    pub async fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill().await;
        }
    }

    /// The same server again: same port, database and keys.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.run().await;
    }

    /// Stops it and drops its database.
    pub async fn finish(mut self) {
        self.stop().await;
        if self.owns_database {
            let drop = format!(
                r#"DROP DATABASE IF EXISTS "{}" WITH (FORCE)"#,
                self.database
            );
            sqlx::query(&drop)
                .execute(&self.pool)
                .await
                .expect("drop Better Auth's database");
        }
    }

    /// Our server's configuration to trust this one.
    pub fn trusted(&self) -> TrustedIssuerConfig {
        TrustedIssuerConfig {
            issuer: self.url.clone(),
            audience: self.url.clone(),
            jwks_url: format!("{}/api/auth/jwks", self.url),
            cache_for: Duration::from_secs(300),
            min_refetch_gap: Duration::from_secs(1),
        }
    }

    /// A POST as a browser on its own origin sends it (Better Auth refuses a request
    /// without an `Origin`).
    async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.url))
            .header("origin", &self.url)
            .json(body)
            .send()
            .await
            .expect("Better Auth answers")
    }

    /// The session cookie of an answer, as a `Cookie` header value.
    fn session_cookie(response: &reqwest::Response) -> String {
        response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("better-auth.session_token="))
            .and_then(|v| v.split(';').next())
            .expect("a session cookie")
            .to_owned()
    }

    pub async fn sign_up(&self, name: &str, email: &str, password: &str) -> BaUser {
        let response = self
            .post(
                "/api/auth/sign-up/email",
                &json!({ "name": name, "email": email, "password": password }),
            )
            .await;
        assert_eq!(response.status(), 200, "Better Auth's sign-up");
        let cookie = Self::session_cookie(&response);
        let body: Value = response.json().await.expect("JSON");
        BaUser {
            id: body["user"]["id"].as_str().expect("id").to_owned(),
            email: body["user"]["email"].as_str().expect("email").to_owned(),
            name: body["user"]["name"].as_str().expect("name").to_owned(),
            cookie,
        }
    }

    /// A new person with a unique email.
    pub async fn new_user(&self, name: &str) -> BaUser {
        let email = format!(
            "{}-{}@example.com",
            name.to_lowercase(),
            uuid::Uuid::new_v4()
        );
        self.sign_up(name, &email, "a long and unusual secret")
            .await
    }

    /// Our server's configuration with this one as the identity provider.
    pub fn provider(&self) -> app::auth::better_auth::BetterAuthConfig {
        app::auth::better_auth::BetterAuthConfig {
            url: self.url.clone(),
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.post(
            "/api/auth/sign-in/email",
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// A JWT for the person's session, from `GET /api/auth/token`.
    pub async fn token(&self, user: &BaUser) -> String {
        let response = self
            .http
            .get(format!("{}/api/auth/token", self.url))
            .header("cookie", &user.cookie)
            .send()
            .await
            .expect("Better Auth answers");
        assert_eq!(response.status(), 200, "Better Auth's /token");
        let body: Value = response.json().await.expect("JSON");
        body["token"].as_str().expect("a token").to_owned()
    }

    /// Its JWK Set, as it serves it.
    pub async fn jwks(&self) -> Value {
        self.http
            .get(format!("{}/api/auth/jwks", self.url))
            .send()
            .await
            .expect("Better Auth answers")
            .json()
            .await
            .expect("JSON")
    }
}
