//! The HTTP side of `serve`: files of the output folder (tower-http's ServeDir keeps requests
//! inside it), a live-reload event stream and the script that listens to it.

use std::convert::Infallible;
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

/// The router: live-reload endpoints, then the output folder.
pub fn router(out: PathBuf, hub: Arc<Hub>) -> Router {
    let files = ServeDir::new(&out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(out.join("404.html")));
    Router::new()
        .route("/__rapport/events", get(events))
        .route("/__rapport/livereload.js", get(script))
        .fallback_service(files)
        .layer(middleware::from_fn(inject_livereload))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .with_state(hub)
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
