//! The browser bundle under `/pkg/…` (the wasm, its JS glue, the stylesheet), served
//! compressed: brotli at its best where the browser takes it, else gzip. The wasm is
//! most of what a first visit downloads (README, Sizes).
//!
//! Each file is compressed once, off the async threads, and kept in memory with the
//! size and modification time it was read at. Every request compares those with the
//! file on disk, so a rebuild (`cargo leptos watch`) is never answered with stale bytes:
//! until the new version is compressed, it is served as it is.

use axum::{
    body::Body,
    extract::Path,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use bytes::Bytes;
use std::{
    collections::{HashMap, HashSet},
    io::Write,
    path::PathBuf,
    sync::{Arc, Mutex, PoisonError},
    time::UNIX_EPOCH,
};

/// The version of a file on disk that a packed copy was made from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Version {
    len: u64,
    modified_nanos: u128,
}

impl Version {
    fn of(metadata: &std::fs::Metadata) -> Self {
        let modified_nanos = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Version {
            len: metadata.len(),
            modified_nanos,
        }
    }

    fn etag(self, encoding: Encoding) -> HeaderValue {
        let tag = format!(
            "\"{:x}-{:x}-{}\"",
            self.len,
            self.modified_nanos,
            encoding.suffix()
        );
        HeaderValue::from_str(&tag).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
            Encoding::Identity => "id",
        }
    }

    /// The best encoding that `Accept-Encoding` allows (`q=0` refuses one).
    fn choose(headers: &HeaderMap) -> Self {
        let mut accepted = HashSet::new();
        for value in headers.get_all(header::ACCEPT_ENCODING) {
            let Ok(value) = value.to_str() else { continue };
            for item in value.split(',') {
                let mut parts = item.split(';').map(str::trim);
                let name = parts.next().unwrap_or_default().to_ascii_lowercase();
                let refused = parts.any(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                        .is_some_and(|q| q <= 0.0)
                });
                if !refused {
                    accepted.insert(name);
                }
            }
        }
        if accepted.contains("br") {
            Encoding::Brotli
        } else if accepted.contains("gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// One file, as read, and compressed both ways.
struct Packed {
    version: Version,
    raw: Bytes,
    brotli: Bytes,
    gzip: Bytes,
}

impl Packed {
    fn make(version: Version, raw: Bytes) -> std::io::Result<Self> {
        let mut brotli = Vec::with_capacity(raw.len() / 3);
        {
            // Quality 11 with a 4 MiB window: slow, but done once per build.
            let mut writer = brotli::CompressorWriter::new(&mut brotli, 64 * 1024, 11, 22);
            writer.write_all(&raw)?;
        }
        let mut gzip = flate2::write::GzEncoder::new(
            Vec::with_capacity(raw.len() / 2),
            flate2::Compression::best(),
        );
        gzip.write_all(&raw)?;
        let gzip = gzip.finish()?;
        Ok(Packed {
            version,
            raw,
            brotli: brotli.into(),
            gzip: gzip.into(),
        })
    }

    fn body(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Brotli => self.brotli.clone(),
            Encoding::Gzip => self.gzip.clone(),
            Encoding::Identity => self.raw.clone(),
        }
    }
}

pub struct Assets {
    dir: PathBuf,
    packed: Mutex<HashMap<String, Arc<Packed>>>,
    /// Files being compressed right now, so that a burst of requests starts one job.
    packing: Mutex<HashSet<(String, Version)>>,
}

impl Assets {
    pub fn new(dir: PathBuf) -> Arc<Self> {
        Arc::new(Assets {
            dir,
            packed: Mutex::default(),
            packing: Mutex::default(),
        })
    }

    /// Compresses every file already there, in the background, so that the first
    /// visitor after a start gets them compressed too.
    pub fn warm(self: &Arc<Self>) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let (true, Ok(metadata)) = (is_plain_name(&name), entry.metadata()) {
                if metadata.is_file() {
                    self.pack_in_background(name, Version::of(&metadata));
                }
            }
        }
    }

    fn cached(&self, name: &str, version: Version) -> Option<Arc<Packed>> {
        let packed = self.packed.lock().unwrap_or_else(PoisonError::into_inner);
        packed.get(name).filter(|p| p.version == version).cloned()
    }

    fn pack_in_background(self: &Arc<Self>, name: String, version: Version) {
        {
            let mut packing = self.packing.lock().unwrap_or_else(PoisonError::into_inner);
            if !packing.insert((name.clone(), version)) {
                return;
            }
        }
        let assets = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let path = assets.dir.join(&name);
            let packed = std::fs::read(&path).and_then(|raw| {
                let metadata = std::fs::metadata(&path)?;
                // Changed while being read: leave it for the next request.
                if Version::of(&metadata) != version {
                    return Err(std::io::Error::other("changed while being read"));
                }
                Packed::make(version, raw.into())
            });
            match packed {
                Ok(packed) => {
                    tracing::debug!(file = %name, raw = packed.raw.len(), brotli = packed.brotli.len(), gzip = packed.gzip.len(), "asset compressed");
                    assets
                        .packed
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .insert(name.clone(), Arc::new(packed));
                }
                Err(error) => tracing::debug!(file = %name, %error, "asset not compressed"),
            }
            assets
                .packing
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&(name, version));
        });
    }

    /// `GET /pkg/{file}`.
    pub async fn serve(self: Arc<Self>, Path(name): Path<String>, headers: HeaderMap) -> Response {
        if !is_plain_name(&name) {
            return StatusCode::NOT_FOUND.into_response();
        }
        let path = self.dir.join(&name);
        let metadata = match tokio::fs::metadata(&path).await {
            Ok(metadata) if metadata.is_file() => metadata,
            _ => return StatusCode::NOT_FOUND.into_response(),
        };
        let version = Version::of(&metadata);
        let (encoding, body) = match self.cached(&name, version) {
            Some(packed) => {
                let encoding = Encoding::choose(&headers);
                (encoding, packed.body(encoding))
            }
            None => {
                self.pack_in_background(name.clone(), version);
                match tokio::fs::read(&path).await {
                    Ok(raw) => (Encoding::Identity, Bytes::from(raw)),
                    Err(_) => return StatusCode::NOT_FOUND.into_response(),
                }
            }
        };
        respond(&name, version.etag(encoding), encoding, body, &headers)
    }
}

fn respond(
    name: &str,
    etag: HeaderValue,
    encoding: Encoding,
    body: Bytes,
    headers: &HeaderMap,
) -> Response {
    let not_modified = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim().trim_start_matches("W/") == etag.to_str().unwrap_or_default());
    let mut response = if not_modified {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        Response::new(Body::from(body))
    };
    let out = response.headers_mut();
    out.insert(header::CONTENT_TYPE, content_type(name));
    // The names carry no hash: ask every time, answer 304 when unchanged.
    out.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    out.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    out.insert(header::ETAG, etag);
    match encoding {
        Encoding::Brotli => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
        }
        Encoding::Gzip => {
            out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        Encoding::Identity => {}
    }
    response
}

/// A file name of the bundle: no separators, no leading dot, nothing to escape with.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn content_type(name: &str) -> HeaderValue {
    let kind = match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "application/octet-stream",
    };
    HeaderValue::from_static(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn the_best_accepted_encoding_is_chosen() {
        assert_eq!(
            Encoding::choose(&accept("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(Encoding::choose(&accept("gzip")), Encoding::Gzip);
        assert_eq!(
            Encoding::choose(&accept("br;q=0, gzip;q=0.5")),
            Encoding::Gzip
        );
        assert_eq!(Encoding::choose(&accept("identity")), Encoding::Identity);
        assert_eq!(Encoding::choose(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn only_plain_file_names_are_served() {
        assert!(is_plain_name("todo.wasm"));
        assert!(is_plain_name("todo_bg.wasm.d.ts"));
        for name in [
            "",
            ".env",
            "../secret",
            "a/b",
            "a\\b",
            "%2e%2e",
            "todo.wasm\0",
        ] {
            assert!(!is_plain_name(name), "{name:?}");
        }
    }
}
