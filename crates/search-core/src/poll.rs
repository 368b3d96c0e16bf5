//! Polling a future once, with no executor: a read of a missing index piece never completes
//! (see `split::LazyFile::read_bytes_async`), so one poll runs a future up to its first missing
//! piece, which it notes.

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Polls `future` once: its output, or `None` while it waits on a missing piece (noted).
pub(crate) fn poll_ready<F: Future>(future: F) -> Option<F::Output> {
    let mut cx = Context::from_waker(Waker::noop());
    match std::pin::pin!(future).poll(&mut cx) {
        Poll::Ready(out) => Some(out),
        Poll::Pending => None,
    }
}
