//! The browser bundle under `/pkg/` is sent as the compressed copy the release build
//! made beside each file, revalidated by `Last-Modified`, never as a copy older than its
//! file, and nothing outside it is reachable.

use crate::helpers::{spawn_app_with, test_config, TestApp};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::{
    io::{Read, Write},
    net::SocketAddr,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

/// A site root of its own, with a `pkg/` beside a file that must stay private.
fn site() -> PathBuf {
    let root = std::env::temp_dir().join(format!("todo-assets-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(root.join("pkg")).expect("site dir");
    std::fs::write(root.join("secret.txt"), "not for the browser").expect("write");
    root
}

/// Something wasm-sized and compressible, different for each seed.
fn bundle(seed: u8) -> Vec<u8> {
    (0..300_000u32)
        .map(|i| (i % 251) as u8 ^ seed ^ ((i / 4096) as u8))
        .collect()
}

/// Writes a file and its brotli and gzip copies, as a release build does, all with the
/// same modification time.
fn write_with_copies(path: &Path, bytes: &[u8], at: SystemTime) {
    let mut brotli = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 4096, 9, 22);
        writer.write_all(bytes).expect("brotli");
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes).expect("gzip");
    let gzip = gzip.finish().expect("gzip");
    for (file, contents) in [
        (path.to_path_buf(), bytes.to_vec()),
        (path.with_extension("wasm.br"), brotli),
        (path.with_extension("wasm.gz"), gzip),
    ] {
        std::fs::write(&file, contents).expect("write");
        touch(&file, at);
    }
}

fn touch(path: &Path, at: SystemTime) {
    std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(at))
        .expect("set the modification time");
}

async fn spawn_with_site(pool: PgPool, root: &Path) -> TestApp {
    let mut config = test_config();
    config.leptos_options = LeptosOptions::builder()
        .output_name("todo")
        .site_root(root.to_string_lossy().into_owned())
        .site_addr(SocketAddr::from(([127, 0, 0, 1], 0)))
        .build();
    spawn_app_with(pool, config).await
}

async fn get(app: &TestApp, path: &str, accept_encoding: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(path));
    if let Some(value) = accept_encoding {
        request = request.header("accept-encoding", value);
    }
    request.send().await.expect("request failed")
}

fn unbrotli(compressed: &[u8]) -> Vec<u8> {
    let mut raw = Vec::new();
    brotli::Decompressor::new(compressed, 4096)
        .read_to_end(&mut raw)
        .expect("brotli");
    raw
}

#[sqlx::test(migrations = false)]
async fn the_bundle_is_sent_compressed_and_revalidated(pool: PgPool) {
    let root = site();
    let wasm = bundle(1);
    let built = SystemTime::now() - Duration::from_secs(60);
    write_with_copies(&root.join("pkg/todo.wasm"), &wasm, built);
    let app = spawn_with_site(pool, &root).await;

    let response = get(&app, "/pkg/todo.wasm", Some("gzip, deflate, br")).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-encoding"], "br");
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(headers["cache-control"], "no-cache");
    assert!(headers.get_all("vary").iter().any(|v| v
        .to_str()
        .is_ok_and(|v| v.to_ascii_lowercase().contains("accept-encoding"))));
    let compressed = response.bytes().await.expect("body");
    assert!(compressed.len() < wasm.len() / 2);
    assert_eq!(unbrotli(&compressed), wasm);
    let last_modified = headers["last-modified"].to_str().expect("date").to_owned();

    // Unchanged: 304 without a body.
    let response = app
        .client
        .get(app.url("/pkg/todo.wasm"))
        .header("accept-encoding", "br")
        .header("if-modified-since", &last_modified)
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 304);
    assert!(response.bytes().await.expect("body").is_empty());

    // A browser without brotli gets gzip; one that asks for nothing gets the file.
    let response = get(&app, "/pkg/todo.wasm", Some("gzip")).await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    let compressed = response.bytes().await.expect("body");
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(&compressed[..])
        .read_to_end(&mut raw)
        .expect("gzip");
    assert_eq!(raw, wasm);
    let response = get(&app, "/pkg/todo.wasm", None).await;
    assert!(response.headers().get("content-encoding").is_none());
    assert_eq!(response.bytes().await.expect("body"), wasm);

    std::fs::remove_dir_all(&root).ok();
}

#[sqlx::test(migrations = false)]
async fn a_file_newer_than_its_copies_is_sent_as_it_is(pool: PgPool) {
    let root = site();
    let file = root.join("pkg/todo.wasm");
    write_with_copies(
        &file,
        &bundle(1),
        SystemTime::now() - Duration::from_secs(60),
    );
    let app = spawn_with_site(pool, &root).await;
    let response = get(&app, "/pkg/todo.wasm", Some("br")).await;
    assert_eq!(response.headers()["content-encoding"], "br");

    // A debug rebuild writes the file, not its copies.
    let rebuilt = bundle(2)[..250_000].to_vec();
    std::fs::write(&file, &rebuilt).expect("write");
    touch(&file, SystemTime::now());
    for accept in ["br", "gzip", "gzip, deflate, br"] {
        let response = get(&app, "/pkg/todo.wasm", Some(accept)).await;
        assert_eq!(response.status(), 200);
        assert!(
            response.headers().get("content-encoding").is_none(),
            "{accept}"
        );
        assert_eq!(response.bytes().await.expect("body"), rebuilt, "{accept}");
    }

    std::fs::remove_dir_all(&root).ok();
}

#[sqlx::test(migrations = false)]
async fn nothing_outside_the_bundle_is_reachable(pool: PgPool) {
    let root = site();
    std::fs::write(root.join("pkg/todo.js"), "export {}").expect("write");
    let app = spawn_with_site(pool, &root).await;

    let response = get(&app, "/pkg/todo.js", None).await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().expect("type");
    assert!(
        content_type.starts_with("text/javascript"),
        "{content_type}"
    );
    for path in [
        "/pkg/..%2Fsecret.txt",
        "/pkg/%2e%2e%2fsecret.txt",
        "/pkg/.hidden",
        "/pkg/missing.wasm",
    ] {
        let response = get(&app, path, None).await;
        let status = response.status();
        let body = response.text().await.expect("body");
        assert!(!body.contains("not for the browser"), "{path}");
        assert_eq!(status, 404, "{path}");
    }

    std::fs::remove_dir_all(&root).ok();
}
