//! The HTTP side of `serve`: files of the output folder (tower-http's ServeDir keeps requests
//! inside it), a live-reload event stream and the script that listens to it.

use std::convert::Infallible;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::Stream;
use tokio::sync::{broadcast, watch};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// What open tabs are told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The site was rebuilt: reload, keeping the scroll position.
    Reload,
    /// The last change has errors: show them over the page (the last good site stays served).
    BuildError(String),
}

/// Shared between the server and the rebuild loop.
pub struct Hub {
    pub notices: broadcast::Sender<Notice>,
    /// The current build error, shown to tabs that connect while it lasts.
    pub current_error: Mutex<Option<String>>,
    pub shutdown: watch::Receiver<bool>,
}

impl Hub {
    /// Tells every open tab; a tab that connects later gets the current error, if any.
    pub fn announce(&self, notice: Notice) {
        if let Ok(mut cur) = self.current_error.lock() {
            *cur = match &notice {
                Notice::BuildError(text) => Some(text.clone()),
                Notice::Reload => None,
            };
        }
        // No subscribers is fine: nobody has the site open.
        let _ = self.notices.send(notice);
    }
}

const LIVERELOAD_JS: &str = include_str!("livereload.js");
const LIVERELOAD_TAG: &str = "<script src=\"/__rapport/livereload.js\"></script>";
/// HTML larger than this is served without the live-reload script rather than buffered.
const MAX_INJECT_BYTES: usize = 32 * 1024 * 1024;

/// The router: live-reload endpoints, then the output folder; requests whose Host is not in
/// `hosts` and files that resolve outside the output folder are refused.
pub fn router(out: PathBuf, hub: Arc<Hub>, hosts: AllowedHosts) -> Router {
    let files = ServeDir::new(&out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(out.join("404.html")));
    let root = Arc::new(out.canonicalize().unwrap_or(out));
    Router::new()
        .route("/__rapport/events", get(events))
        .route("/__rapport/livereload.js", get(script))
        .fallback_service(files)
        .layer(middleware::from_fn_with_state(root, stay_inside))
        .layer(middleware::from_fn(inject_livereload))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(middleware::from_fn_with_state(Arc::new(hosts), check_host))
        .with_state(hub)
}

/// The names a browser may use for the server in its Host header (against DNS rebinding: a
/// page on another site whose name is re-pointed at 127.0.0.1 sends its own name).
#[derive(Debug, Clone)]
pub struct AllowedHosts {
    names: Vec<String>,
    /// Bound to all interfaces: any IP address of the machine is fine too.
    any_ip: bool,
}

/// Loopback names and the bind address.
pub fn allowed_hosts(bind: IpAddr) -> AllowedHosts {
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string(), bind.to_string()];
    names.dedup();
    AllowedHosts { names, any_ip: bind.is_unspecified() }
}

impl AllowedHosts {
    /// True when `host` (a Host header value, with or without port) names this server.
    pub fn allows(&self, host: &str) -> bool {
        let name = match host.strip_prefix('[') {
            Some(rest) => rest.split(']').next().unwrap_or(""),
            None => host.rsplit_once(':').map_or(host, |(name, _)| name),
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        self.names.contains(&name) || (self.any_ip && name.parse::<IpAddr>().is_ok())
    }
}

async fn check_host(State(hosts): State<Arc<AllowedHosts>>, req: Request<Body>, next: Next) -> Response {
    let host = req.headers().get(header::HOST).map(|h| h.to_str().unwrap_or(""));
    match host {
        Some(h) if !hosts.allows(h) => {
            (StatusCode::FORBIDDEN, "rapport serve answers only to localhost and its bind address\n").into_response()
        }
        _ => next.run(req).await,
    }
}

/// Answers 404 for a path that resolves (through a symbolic link) outside the output folder.
async fn stay_inside(State(root): State<Arc<PathBuf>>, req: Request<Body>, next: Next) -> Response {
    let decoded = percent_encoding::percent_decode_str(req.uri().path()).decode_utf8_lossy().into_owned();
    let rel = decoded.trim_start_matches('/');
    let path = root.join(rel);
    let mut candidates = vec![path.clone()];
    if path.is_dir() {
        candidates.push(path.join("index.html"));
    }
    let escapes = candidates.iter().filter_map(|p| p.canonicalize().ok()).any(|p| !p.starts_with(root.as_path()));
    if escapes {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    next.run(req).await
}

async fn script() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVERELOAD_JS)
}

async fn events(State(hub): State<Arc<Hub>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = hub.notices.subscribe();
    let first = hub.current_error.lock().ok().and_then(|e| e.clone()).map(Notice::BuildError);
    let shutdown = hub.shutdown.clone();
    let stream = futures_util::stream::unfold((rx, first, shutdown), |(mut rx, first, mut shutdown)| async move {
        if let Some(n) = first {
            return Some((Ok(to_event(&n)), (rx, None, shutdown)));
        }
        tokio::select! {
            // Ends the stream on Ctrl-C so graceful shutdown does not wait for open tabs.
            _ = shutdown.changed() => None,
            msg = rx.recv() => match msg {
                Ok(n) => Some((Ok(to_event(&n)), (rx, None, shutdown))),
                // Missed notices while busy: a reload shows the latest state anyway.
                Err(broadcast::error::RecvError::Lagged(_)) => Some((Ok(to_event(&Notice::Reload)), (rx, None, shutdown))),
                Err(broadcast::error::RecvError::Closed) => None,
            },
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn to_event(n: &Notice) -> Event {
    match n {
        Notice::Reload => Event::default().event("reload").data("{}"),
        Notice::BuildError(text) => {
            Event::default().event("build-error").data(serde_json::to_string(text).unwrap_or_default())
        }
    }
}

/// Adds the live-reload script to HTML pages as they are served; the files on disk stay clean.
async fn inject_livereload(req: Request<Body>, next: Next) -> Response {
    let res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !is_html {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_INJECT_BYTES).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "page too large to serve").into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let injected = match html.rfind("</body>") {
        Some(at) => format!("{}{LIVERELOAD_TAG}{}", &html[..at], &html[at..]),
        None => format!("{html}{LIVERELOAD_TAG}"),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(injected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_check_allows_loopback_names_and_the_bind_address_only() {
        let local = allowed_hosts("127.0.0.1".parse().unwrap());
        for ok in ["localhost:1111", "127.0.0.1:1111", "[::1]:1111", "LOCALHOST", "localhost."] {
            assert!(local.allows(ok), "{ok}");
        }
        for bad in ["evil.example:1111", "evil.example", "192.168.1.5:1111", "localhost.evil.example"] {
            assert!(!local.allows(bad), "{bad}");
        }
        let lan = allowed_hosts("192.168.1.5".parse().unwrap());
        assert!(lan.allows("192.168.1.5:1111") && !lan.allows("evil.example"));
        let all = allowed_hosts("0.0.0.0".parse().unwrap());
        assert!(all.allows("10.0.0.7:1111") && !all.allows("evil.example:1111"));
    }
}
