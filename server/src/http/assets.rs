//! The browser bundle under `/pkg/…` (the wasm, its JS glue, the stylesheet), served by
//! tower-http's `ServeDir`: the brotli or gzip copy that the release build made beside
//! each file (`--precompress` in `scripts/lib.sh`) to a browser that takes it, else the
//! file as it is; `Last-Modified` and `If-Modified-Since` for revalidation. Nothing is
//! compressed while the server runs.
//!
//! A copy older than its file (a debug rebuild, `cargo leptos watch`, after a release
//! build) is never sent: the file is, as it is, until a release build makes new copies.

use axum::{
    extract::{Request, State},
    http::{
        header::{ACCEPT_ENCODING, CACHE_CONTROL, VARY},
        HeaderValue,
    },
    middleware::{self, Next},
    response::Response,
    routing::Router,
};
use std::{path::PathBuf, sync::Arc, time::SystemTime};
use tower::ServiceBuilder;
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// The extensions of the compressed copies beside a file.
const COPIES: [&str; 2] = ["br", "gz"];

/// The service of the bundle in `dir`, to be nested under `/pkg`.
pub fn router<S: Clone + Send + Sync + 'static>(dir: PathBuf) -> Router<S> {
    let files = ServeDir::new(&dir).precompressed_br().precompressed_gzip();
    let service = ServiceBuilder::new()
        // Revalidated on every use, so that a returning browser never runs an old
        // bundle against a new server; unchanged, it is a 304.
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::appending(
            VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .layer(middleware::from_fn_with_state(
            Arc::new(dir),
            only_fresh_copies,
        ))
        .service(files);
    Router::new().fallback_service(service)
}

async fn modified(path: PathBuf) -> Option<SystemTime> {
    tokio::fs::metadata(path).await.ok()?.modified().ok()
}

/// Lets the request take a compressed copy only if every copy of its file is at least
/// as new as the file.
async fn only_fresh_copies(
    State(dir): State<Arc<PathBuf>>,
    mut request: Request,
    next: Next,
) -> Response {
    let name = request.uri().path().trim_start_matches('/').to_owned();
    let plain_name = !name.is_empty() && !name.contains(['/', '\\', '%']) && !name.starts_with('.');
    if plain_name {
        if let Some(file) = modified(dir.join(&name)).await {
            for extension in COPIES {
                let copy = modified(dir.join(format!("{name}.{extension}"))).await;
                if copy.is_some_and(|copy| copy < file) {
                    request.headers_mut().remove(ACCEPT_ENCODING);
                    break;
                }
            }
        }
    }
    next.run(request).await
}
