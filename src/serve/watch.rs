//! Watches the site's sources with notify and turns bursts of events into one batch of changes.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::{RecursiveMode, Watcher};

use super::changes::Changes;

/// Events closer together than this belong to one batch (an editor's save).
const QUIET: Duration = Duration::from_millis(40);
/// Once a batch looks like a burst (a git checkout, a copy), a longer pause ends it: the writer
/// may be descheduled between files on a busy machine.
const BURST_QUIET: Duration = Duration::from_millis(300);
const BURST_EVENTS: usize = 20;
/// A batch is handed over after this long even if events keep coming.
const MAX_BATCH: Duration = Duration::from_secs(3);

/// Starts watching `root`'s sources; raw changed paths arrive on the returned channel.
pub fn start(root: &Path) -> notify::Result<(notify::RecommendedWatcher, Receiver<PathBuf>)> {
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(event) = res {
            // Reads (ours included, while rebuilding) are not changes.
            if matches!(event.kind, notify::EventKind::Access(_)) {
                return;
            }
            let created = matches!(event.kind, notify::EventKind::Create(_));
            for path in event.paths {
                // A folder moved in reports only itself: report the pages inside it too.
                if created && path.is_dir() {
                    for entry in walkdir::WalkDir::new(&path).into_iter().filter_map(Result::ok) {
                        let _ = tx.send(entry.into_path());
                    }
                } else {
                    let _ = tx.send(path);
                }
            }
        }
    })?;
    // The root itself, not recursively: site.toml and the synonyms file (editors save by renaming).
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    Ok((watcher, rx))
}

/// The folders under the root whose contents are sources.
const SOURCE_FOLDERS: [&str; 3] = ["content", "themes", "static"];

/// Watches, recursively, each source folder that exists and is not watched yet (`watched`):
/// called at start and after every batch, so a `static/` or `themes/` folder created while
/// serve runs is picked up (its creation is seen through the root's own watch).
pub fn watch_new_folders(watcher: &mut impl Watcher, root: &Path, watched: &mut Vec<PathBuf>) -> notify::Result<()> {
    for dir in SOURCE_FOLDERS {
        let path = root.join(dir);
        if path.is_dir() && !watched.contains(&path) {
            watcher.watch(&path, RecursiveMode::Recursive)?;
            watched.push(path);
        }
    }
    Ok(())
}

/// Waits for the next burst of events and sorts it; `None` when the watcher has stopped.
pub fn next_batch(rx: &Receiver<PathBuf>, root: &Path) -> Option<Changes> {
    loop {
        let first = rx.recv().ok()?;
        let started = Instant::now();
        let mut changes = Changes::default();
        add(&mut changes, root, &first);
        let mut events = 1;
        while started.elapsed() < MAX_BATCH {
            let quiet = if events >= BURST_EVENTS { BURST_QUIET } else { QUIET };
            match rx.recv_timeout(quiet) {
                Ok(path) => {
                    add(&mut changes, root, &path);
                    events += 1;
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        if !changes.is_empty() {
            return Some(changes);
        }
    }
}

fn add(changes: &mut Changes, root: &Path, path: &Path) {
    let rel = path.strip_prefix(root).unwrap_or(path);
    changes.add(root, rel);
}
