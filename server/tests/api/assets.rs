//! The browser bundle under `/pkg/` is served compressed, revalidated by ETag, never
//! stale after a rebuild, and nothing outside it is reachable.

use crate::helpers::{spawn_app_with, test_config, TestApp};
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::{io::Read, net::SocketAddr, path::PathBuf, time::Duration};

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

async fn spawn_with_site(pool: PgPool, root: &std::path::Path) -> TestApp {
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

/// Asks until the server has compressed the current file (it does so in the background).
async fn brotli_body(app: &TestApp, path: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
    for _ in 0..200 {
        let response = get(app, path, Some("gzip, deflate, br")).await;
        assert_eq!(response.status(), 200);
        if response.headers().get("content-encoding").is_some() {
            let headers = response.headers().clone();
            assert_eq!(headers["content-encoding"], "br");
            let compressed = response.bytes().await.expect("body");
            let mut raw = Vec::new();
            brotli::Decompressor::new(&compressed[..], 4096)
                .read_to_end(&mut raw)
                .expect("brotli");
            return (headers, raw);
        }
        // Until then the file is served as it is, and whole.
        assert!(!response.bytes().await.expect("body").is_empty());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{path} was never served compressed");
}

#[sqlx::test(migrations = false)]
async fn the_bundle_is_served_compressed_and_revalidated(pool: PgPool) {
    let root = site();
    let wasm = bundle(1);
    std::fs::write(root.join("pkg/todo.wasm"), &wasm).expect("write");
    let app = spawn_with_site(pool, &root).await;

    let (headers, body) = brotli_body(&app, "/pkg/todo.wasm").await;
    assert_eq!(body, wasm);
    assert_eq!(headers["content-type"], "application/wasm");
    assert_eq!(headers["cache-control"], "no-cache");
    assert_eq!(headers["vary"], "accept-encoding");
    let etag = headers["etag"].to_str().expect("etag").to_owned();

    // Unchanged: 304 without a body.
    let response = app
        .client
        .get(app.url("/pkg/todo.wasm"))
        .header("accept-encoding", "br")
        .header("if-none-match", &etag)
        .send()
        .await
        .expect("request failed");
    assert_eq!(response.status(), 304);
    assert!(response.bytes().await.expect("body").is_empty());

    // A browser without brotli gets gzip; one that asks for nothing gets the file.
    let response = get(&app, "/pkg/todo.wasm", Some("gzip")).await;
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_ne!(response.headers()["etag"], etag.as_str());
    let compressed = response.bytes().await.expect("body");
    assert!(compressed.len() < wasm.len() / 2);
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
async fn a_rebuilt_file_is_never_served_stale(pool: PgPool) {
    let root = site();
    std::fs::write(root.join("pkg/todo.wasm"), bundle(1)).expect("write");
    let app = spawn_with_site(pool, &root).await;
    let (before, _) = brotli_body(&app, "/pkg/todo.wasm").await;

    let rebuilt = bundle(2)[..250_000].to_vec();
    std::fs::write(root.join("pkg/todo.wasm"), &rebuilt).expect("write");
    // At once the new bytes, whether already compressed or not yet.
    let response = get(&app, "/pkg/todo.wasm", Some("br")).await;
    let compressed = response.headers().get("content-encoding").is_some();
    let body = response.bytes().await.expect("body");
    let body = if compressed {
        let mut raw = Vec::new();
        brotli::Decompressor::new(&body[..], 4096)
            .read_to_end(&mut raw)
            .expect("brotli");
        raw
    } else {
        body.to_vec()
    };
    assert_eq!(body, rebuilt);
    let (after, body) = brotli_body(&app, "/pkg/todo.wasm").await;
    assert_eq!(body, rebuilt);
    assert_ne!(before["etag"], after["etag"]);

    std::fs::remove_dir_all(&root).ok();
}

#[sqlx::test(migrations = false)]
async fn nothing_outside_the_bundle_is_reachable(pool: PgPool) {
    let root = site();
    std::fs::write(root.join("pkg/todo.js"), "export {}").expect("write");
    let app = spawn_with_site(pool, &root).await;

    let response = get(&app, "/pkg/todo.js", None).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    for path in [
        "/pkg/..%2Fsecret.txt",
        "/pkg/%2e%2e%2fsecret.txt",
        "/pkg/.hidden",
        "/pkg/missing.wasm",
    ] {
        let response = get(&app, path, None).await;
        assert_eq!(response.status(), 404, "{path}");
        let body = response.text().await.expect("body");
        assert!(!body.contains("not for the browser"), "{path}");
    }

    std::fs::remove_dir_all(&root).ok();
}
