//! `rapport serve`: build, serve over HTTP, watch the sources, rebuild incrementally, reload open tabs.
//! Errors are printed and shown over the page while the last good build keeps being served.

mod affected;
pub mod changes;
pub mod rebuild;
pub mod server;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tokio::sync::{broadcast, watch as tokio_watch};

use crate::error::Error;
use crate::output;
use crate::pipeline::BuildOptions;
use rebuild::{Rebuilt, State};
use server::{Hub, Notice};

/// Options of `rapport serve`.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// Diagnostics of one kind printed before the rest are summed up; all when `None`.
    pub limit: Option<usize>,
}

/// Builds, serves and watches until Ctrl-C.
pub fn serve(mut opts: ServeOptions) -> Result<(), Error> {
    opts.build.root =
        opts.build.root.canonicalize().map_err(|source| Error::Io { path: opts.build.root.clone(), source })?;
    let root = opts.build.root.clone();
    let (out, _private) = match &opts.build.output {
        Some(dir) => {
            output::check_output_dir(&root, dir)?;
            (dir.clone(), None)
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("rapport-serve-")
                .tempdir()
                .map_err(|source| Error::Io { path: std::env::temp_dir(), source })?;
            (dir.path().to_path_buf(), Some(dir))
        }
    };
    std::fs::create_dir_all(&out).map_err(|source| Error::Io { path: out.clone(), source })?;
    // A first build with errors still starts the server: the page shows them, and the next save
    // that fixes them builds the site.
    let (state, first_error) = match State::new(opts.build.clone(), out.clone()) {
        Ok((state, first)) => {
            report(&first);
            (Some(state), None)
        }
        Err(e @ (Error::Content(_) | Error::Config(_))) => {
            let text = error_text(&e, opts.limit);
            eprint!("{text}");
            eprintln!("The first build failed; serving the errors until a save fixes them.");
            write_error_page(&out, &text)?;
            (None, Some(text))
        }
        Err(e) => return Err(e),
    };
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site reachable from other machines; the default is 127.0.0.1",
            opts.bind
        );
    }
    let runtime =
        tokio::runtime::Runtime::new().map_err(|source| Error::Io { path: PathBuf::from("tokio"), source })?;
    runtime.block_on(run(opts, root, out, state, first_error))
}

/// The diagnostics of `e` rendered (at most `limit` of a kind), or its one line.
fn error_text(e: &Error, limit: Option<usize>) -> String {
    match e.diagnostics() {
        Some(d) => d.render_with(limit),
        None => format!("error: {e}\n"),
    }
}

/// A page to carry the error overlay while no build has succeeded yet.
fn write_error_page(out: &Path, text: &str) -> Result<(), Error> {
    let escaped = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let html = format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Build failed</title></head>\n\
         <body><h1>Build failed</h1><pre>{escaped}</pre></body></html>\n"
    );
    for name in ["index.html", "404.html"] {
        let path = out.join(name);
        std::fs::write(&path, &html).map_err(|source| Error::Io { path, source })?;
    }
    Ok(())
}

async fn run(
    opts: ServeOptions,
    root: PathBuf,
    out: PathBuf,
    state: Option<State>,
    first_error: Option<String>,
) -> Result<(), Error> {
    let (notices, _) = broadcast::channel(16);
    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let hub = Arc::new(Hub { notices, current_error: Mutex::new(first_error), shutdown: stop_rx });
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(opts.bind, opts.port))
        .await
        .map_err(|e| Error::Usage(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port)))?;
    let addr = listener.local_addr().map_err(|source| Error::Io { path: PathBuf::from("socket"), source })?;
    let url = format!("http://{addr}/");
    // Installed before anyone is told the address, so that an early Ctrl-C still stops cleanly.
    let stop = stop_signal().map_err(|source| Error::Io { path: PathBuf::from("signal handler"), source })?;
    println!("Serving {} at {url} (Ctrl-C to stop)", root.display());
    if opts.open {
        open_browser(&url);
    }
    let cannot_watch = |e: notify::Error| Error::Usage(format!("cannot watch {}: {e}", root.display()));
    let (mut watcher, rx) = watch::start(&root).map_err(cannot_watch)?;
    let mut watched = Vec::new();
    watch::watch_new_folders(&mut watcher, &root, &mut watched).map_err(cannot_watch)?;
    // The rebuild loop adds folders created later; dropping the watcher (taking it out) ends the loop.
    let watcher = Arc::new(Mutex::new(Some(watcher)));
    let loop_watch = Watching { watcher: watcher.clone(), watched };
    let loop_hub = hub.clone();
    let first = FirstBuild { opts: opts.build.clone(), out: out.clone() };
    let limit = opts.limit;
    let rebuilds = std::thread::spawn(move || rebuild_loop(state, first, rx, root, loop_hub, limit, loop_watch));
    let app = server::router(out, hub, server::allowed_hosts(opts.bind));
    accept_loop(listener, app, stop).await;
    let _ = stop_tx.send(true);
    // Closing the watcher ends the rebuild loop; waiting for it means no rebuild is still
    // writing into the private output folder while it is being removed.
    drop(watcher.lock().ok().and_then(|mut w| w.take()));
    let _ = rebuilds.join();
    println!("Stopped.");
    Ok(())
}

/// The watcher, shared with the rebuild loop, and the source folders it already watches.
struct Watching {
    watcher: Arc<Mutex<Option<notify::RecommendedWatcher>>>,
    watched: Vec<PathBuf>,
}

impl Watching {
    /// Starts watching source folders created since the last look.
    fn pick_up_new_folders(&mut self, root: &Path) {
        let Ok(mut guard) = self.watcher.lock() else { return };
        if let Some(w) = guard.as_mut() {
            if let Err(e) = watch::watch_new_folders(w, root, &mut self.watched) {
                eprintln!("warning: cannot watch a new folder: {e}");
            }
        }
    }
}

/// What a full build needs while none has succeeded yet.
struct FirstBuild {
    opts: BuildOptions,
    out: PathBuf,
}

/// Applies each batch of changes, then tells open tabs to reload or shows them the errors.
/// Until a first build succeeds (`state` is `None`), every batch tries a full build.
fn rebuild_loop(
    mut state: Option<State>,
    first: FirstBuild,
    rx: std::sync::mpsc::Receiver<PathBuf>,
    root: PathBuf,
    hub: Arc<Hub>,
    limit: Option<usize>,
    mut watching: Watching,
) {
    while let Some(changes) = watch::next_batch(&rx, &root) {
        watching.pick_up_new_folders(&root);
        let result = match state.as_mut() {
            Some(state) => state.apply(&changes),
            None => State::new(first.opts.clone(), first.out.clone()).map(|(new, rebuilt)| {
                state = Some(new);
                rebuilt
            }),
        };
        match result {
            Ok(rebuilt) => {
                report(&rebuilt);
                hub.announce(Notice::Reload);
                if let (false, Some(state)) = (rebuilt.full, state.as_mut()) {
                    if let Err(e) = state.refresh_search(&changes.content) {
                        eprintln!("error: search index not updated: {e}");
                    }
                }
            }
            Err(e) => {
                let text = error_text(&e, limit);
                eprint!("{text}");
                eprintln!("Still serving the last good build; fix the problem and save again.");
                hub.announce(Notice::BuildError(text));
            }
        }
    }
}

/// A connection that has not sent complete request headers this long after it opened, or after
/// its last response (an idle keep-alive connection), is closed.
pub const HEADER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Serves `app` on each accepted connection until `stop` resolves. Hyper's header read timeout
/// (which axum::serve does not set) closes slow and idle connections, so a client cannot hold
/// the server's connections open by sending nothing.
async fn accept_loop(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        // Accept errors (too many open files) are for this one connection only.
        let Ok((stream, _)) = accepted else { continue };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(HEADER_TIMEOUT);
            let _ = http.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
        });
    }
}

/// Resolves on Ctrl-C (or SIGTERM on Unix). The handlers are in place once this returns.
fn stop_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {}
                _ = terminate.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}

fn report(r: &Rebuilt) {
    if !r.warnings.is_empty() {
        eprint!("{}", r.warnings.render());
    }
    let what = if r.full { "Built" } else { "Rebuilt" };
    println!("{what} {} files ({} changed) in {} ms", r.rendered, r.written, r.elapsed.as_millis());
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("Could not open a browser; visit {url}");
    }
}
