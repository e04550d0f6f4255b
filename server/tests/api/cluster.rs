//! PostgreSQL itself stopped under a running server binary, and started again. The
//! cluster is the test's own, made with `initdb` in a temporary directory and run on a
//! free port, so the shared server that the other tests use is never touched. Where
//! the PostgreSQL server programs cannot be found or run, the test says so and passes,
//! except under CI (`CI` set), where it fails instead.

use crate::helpers::{listening, live, start_binary_at, PASSWORD};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
    time::{Duration, Instant},
};

/// A throwaway PostgreSQL cluster: its directory, programs and port.
struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    port: u16,
    /// As root, the server programs run as the `postgres` user (they refuse root).
    as_postgres: bool,
}

impl Cluster {
    /// Makes and starts the cluster, or says why it cannot.
    fn start() -> Result<Cluster, String> {
        let bin = server_programs().ok_or("no PostgreSQL server programs (initdb, pg_ctl)")?;
        let as_postgres = run(Command::new("id").arg("-u"))
            .map(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
            .map_err(|e| format!("id -u: {e}"))?;
        let dir = std::env::temp_dir().join(format!("todo-cluster-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free port: {e}"))?
            .port();
        let cluster = Cluster {
            dir,
            bin,
            port,
            as_postgres,
        };
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(&cluster.dir))?;
        }
        let data = cluster.dir.join("data");
        cluster.pg(
            "initdb",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-U".as_ref(),
                "postgres".as_ref(),
                "--auth=trust".as_ref(),
                "--no-sync".as_ref(),
                "-E".as_ref(),
                "UTF8".as_ref(),
                "--locale=C".as_ref(),
            ],
        )?;
        cluster.up()?;
        Ok(cluster)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Starts the server and waits until it takes connections.
    fn up(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.display()
        );
        let data = self.dir.join("data");
        let log = self.dir.join("log");
        self.pg(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-l".as_ref(),
                log.as_os_str(),
                "-o".as_ref(),
                options.as_ref(),
                "-w".as_ref(),
                "start".as_ref(),
            ],
        )
        .map(|_| ())
    }

    /// Stops the server at once, as a crash would: connections drop, no checkpoint.
    fn down(&self) -> Result<(), String> {
        let data = self.dir.join("data");
        self.pg(
            "pg_ctl",
            &[
                "-D".as_ref(),
                data.as_os_str(),
                "-m".as_ref(),
                "immediate".as_ref(),
                "-w".as_ref(),
                "stop".as_ref(),
            ],
        )
        .map(|_| ())
    }

    fn pg(&self, program: &str, args: &[&std::ffi::OsStr]) -> Result<Output, String> {
        let program = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        run(command.args(args))
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.down();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a command; its stderr is the error when it fails.
fn run(command: &mut Command) -> Result<Output, String> {
    let output = command.output().map_err(|e| format!("{command:?}: {e}"))?;
    if output.status.success() {
        Ok(output)
    } else {
        Err(format!(
            "{command:?}: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// Where `initdb` and `pg_ctl` are: beside `pg_config`'s answer, or Debian's layout.
fn server_programs() -> Option<PathBuf> {
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|out| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
    let debian = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"));
    from_pg_config
        .into_iter()
        .chain(debian)
        .find(|dir| has(dir, "initdb") && has(dir, "pg_ctl"))
}

fn has(dir: &Path, program: &str) -> bool {
    dir.join(program).is_file()
}

async fn status_within(request: reqwest::RequestBuilder, limit: Duration) -> StatusCode {
    let started = Instant::now();
    let response = request.send().await.expect("the server answers");
    let waited = started.elapsed();
    assert!(
        waited < limit,
        "{:?} took {waited:?}",
        response.url().path()
    );
    response.status()
}

/// A cluster of the test's own and the server binary on it, with pool waits of one
/// second (an outage is answered in about that): `None` where no cluster can run here,
/// which fails instead under CI.
async fn server_on_own_cluster() -> Option<(Cluster, crate::helpers::Child, String)> {
    let cluster = match Cluster::start() {
        Ok(cluster) => cluster,
        Err(why) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: cannot run a PostgreSQL cluster of this test's own: {why}");
            return None;
        }
        Err(why) => panic!("CI must run this test, but: {why}"),
    };
    let (server, mut log, base) = listening(start_binary_at(
        &cluster.url(),
        &[("DATABASE_ACQUIRE_TIMEOUT_SECS", "1")],
    ))
    .await;
    tokio::spawn(async move { while let Ok(Some(_)) = log.next_line().await {} });
    Some((cluster, server, base))
}

#[tokio::test]
async fn a_stopped_cluster_gives_fast_503s_writes_nothing_and_the_server_recovers_by_itself() {
    let Some((cluster, _server, base)) = server_on_own_cluster().await else {
        return;
    };
    let client = Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let url = |path: &str| format!("{base}{path}");

    let session: Value = client
        .post(url("/api/auth/sign-up"))
        .json(&json!({"email": "outage@example.com", "password": PASSWORD, "name": "O"}))
        .send()
        .await
        .expect("sign-up")
        .json()
        .await
        .expect("session");
    let token = session["token"].as_str().expect("token");
    let tasks = url(&format!(
        "/api/{}/tasks",
        session["user"]["id"].as_str().expect("id")
    ));
    let created = client
        .post(&tasks)
        .bearer_auth(token)
        .json(&json!({"title": "before the outage"}))
        .send()
        .await
        .expect("create");
    assert_eq!(created.status(), 201);

    cluster.down().expect("stop the cluster");
    let fast = Duration::from_secs(5);
    for request in [
        client.get(url("/readyz")),
        client.get(&tasks).bearer_auth(token),
        client
            .post(&tasks)
            .bearer_auth(token)
            .json(&json!({"title": "during the outage"})),
        client
            .post(url("/api/auth/sign-up"))
            .json(&json!({"email": "late@example.com", "password": PASSWORD, "name": "L"})),
    ] {
        assert_eq!(
            status_within(request, fast).await,
            StatusCode::SERVICE_UNAVAILABLE
        );
    }
    // What needs no database goes on: liveness, and refusing a bad token.
    assert_eq!(
        status_within(client.get(url("/healthz")), fast).await,
        StatusCode::OK
    );
    assert_eq!(
        status_within(client.get(&tasks).bearer_auth("not.a.token"), fast).await,
        StatusCode::UNAUTHORIZED
    );

    cluster.up().expect("start the cluster again");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ready = client.get(url("/readyz")).send().await;
        if ready.is_ok_and(|r| r.status() == StatusCode::OK) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "readyz is not 200 30 s after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Nothing from the outage was written; the server works again without a restart.
    let listed: Vec<Value> = client
        .get(&tasks)
        .bearer_auth(token)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("tasks");
    let titles: Vec<&str> = listed.iter().filter_map(|t| t["title"].as_str()).collect();
    assert_eq!(titles, ["before the outage"]);
    let late = client
        .post(url("/api/auth/sign-in"))
        .json(&json!({"email": "late@example.com", "password": PASSWORD}))
        .send()
        .await
        .expect("sign-in");
    assert_eq!(late.status(), StatusCode::UNAUTHORIZED);
    let after = client
        .post(&tasks)
        .bearer_auth(token)
        .json(&json!({"title": "after the outage"}))
        .send()
        .await
        .expect("create");
    assert_eq!(after.status(), 201);
}

#[tokio::test]
async fn a_live_stream_outlives_a_database_restart_resyncs_and_goes_on() {
    let Some((cluster, _server, base)) = server_on_own_cluster().await else {
        return;
    };
    let client = Client::new();
    let session: Value = client
        .post(format!("{base}/api/auth/sign-up"))
        .json(&json!({"email": "live@example.com", "password": PASSWORD, "name": "L"}))
        .send()
        .await
        .expect("sign-up")
        .json()
        .await
        .expect("session");
    let token = session["token"].as_str().expect("token");
    let user_id = session["user"]["id"].as_str().expect("id");
    let mut stream = live::open(&base, user_id, token).await;

    cluster.down().expect("stop the cluster");
    cluster.up().expect("start the cluster again");
    // What was announced while the listener was away is gone: the stream is told to
    // read everything again once the listener is back.
    let resync = stream
        .next_within(Duration::from_secs(20))
        .await
        .expect("no resync within 20 s of the restart")
        .expect("the stream ended");
    assert_eq!(resync.event, "resync");

    let tasks = format!("{base}/api/{user_id}/tasks");
    let deadline = Instant::now() + Duration::from_secs(30);
    let created: Value = loop {
        let response = client
            .post(&tasks)
            .bearer_auth(token)
            .json(&json!({"title": "after the restart"}))
            .send()
            .await
            .expect("create");
        if response.status() == StatusCode::CREATED {
            break response.json().await.expect("task");
        }
        assert!(
            Instant::now() < deadline,
            "no create 30 s after the restart"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let id = created["id"].as_str().expect("id");
    assert_eq!(stream.next().await, Some(live::change("created", &[id])));
}
