//! `rapport serve`: build, serve over HTTP, watch the sources, rebuild incrementally, reload open tabs.
//! Errors are printed and shown over the page while the last good build keeps being served.

mod affected;
pub mod changes;
pub mod rebuild;
pub mod server;
pub mod watch;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
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
    let (state, first) = State::new(opts.build.clone(), out.clone())?;
    report(&first);
    if !opts.bind.is_loopback() {
        eprintln!(
            "warning: serving on {} makes the site reachable from other machines; the default is 127.0.0.1",
            opts.bind
        );
    }
    let runtime =
        tokio::runtime::Runtime::new().map_err(|source| Error::Io { path: PathBuf::from("tokio"), source })?;
    runtime.block_on(run(opts, root, out, state))
}

async fn run(opts: ServeOptions, root: PathBuf, out: PathBuf, state: State) -> Result<(), Error> {
    let (notices, _) = broadcast::channel(16);
    let (stop_tx, stop_rx) = tokio_watch::channel(false);
    let hub = Arc::new(Hub { notices, current_error: Mutex::new(None), shutdown: stop_rx });
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
    let (watcher, rx) =
        watch::start(&root).map_err(|e| Error::Usage(format!("cannot watch {}: {e}", root.display())))?;
    let loop_hub = hub.clone();
    let rebuilds = std::thread::spawn(move || rebuild_loop(state, rx, root, loop_hub));
    let app = server::router(out, hub);
    let shutdown = async move {
        stop.await;
        let _ = stop_tx.send(true);
    };
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|source| Error::Io { path: PathBuf::from(&url), source })?;
    // Closing the watcher ends the rebuild loop; waiting for it means no rebuild is still
    // writing into the private output folder while it is being removed.
    drop(watcher);
    let _ = rebuilds.join();
    println!("Stopped.");
    Ok(())
}

/// Applies each batch of changes, then tells open tabs to reload or shows them the errors.
fn rebuild_loop(mut state: State, rx: std::sync::mpsc::Receiver<PathBuf>, root: PathBuf, hub: Arc<Hub>) {
    while let Some(changes) = watch::next_batch(&rx, &root) {
        match state.apply(&changes) {
            Ok(rebuilt) => {
                report(&rebuilt);
                hub.announce(Notice::Reload);
                if !rebuilt.full {
                    if let Err(e) = state.refresh_search(&changes.content) {
                        eprintln!("error: search index not updated: {e}");
                    }
                }
            }
            Err(e) => {
                let text = match e.diagnostics() {
                    Some(d) => d.render(),
                    None => format!("error: {e}\n"),
                };
                eprint!("{text}");
                eprintln!("Still serving the last good build; fix the problem and save again.");
                hub.announce(Notice::BuildError(text));
            }
        }
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
