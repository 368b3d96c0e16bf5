//! The index pieces a search has loaded so far, and those its reads found missing.
//!
//! Every read of the split index (see [`crate::SplitIndex`]) comes here: bytes from the pieces
//! at hand, or the list of pieces it lacks, noted for the engine to ask for.

use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::directory::OwnedBytes;

thread_local! {
    /// `Some(missed)` while this thread runs [`probe`]: reads of missing pieces note them and
    /// answer zeros, and `missed` says whether any did.
    static PROBE: Cell<Option<bool>> = const { Cell::new(None) };
}

/// Runs `read` with reads of missing pieces noted and answered with zeros instead of failing,
/// so that one call reading many ranges (a term dictionary's candidate blocks) notes every
/// piece it lacks in one round. The second value is true when a piece was missing: the first
/// then holds zeros where the index has bytes, and must be dropped unread.
pub(crate) fn probe<T>(read: impl FnOnce() -> T) -> (T, bool) {
    /// Puts back the outer probe's state however `read` ends (a panic caught further up must
    /// not leave reads answering zeros).
    struct Restore(Option<bool>);
    impl Drop for Restore {
        fn drop(&mut self) {
            let missed = PROBE.replace(self.0) == Some(true);
            if missed && self.0.is_some() {
                PROBE.set(Some(true));
            }
        }
    }
    let restore = Restore(PROBE.replace(Some(false)));
    let out = read();
    let missed = PROBE.get() == Some(true);
    drop(restore);
    (out, missed)
}

/// The pieces loaded so far, and those a read found missing since the last look.
#[derive(Debug, Default)]
pub(crate) struct Pieces {
    loaded: BTreeMap<u32, OwnedBytes>,
    missing: BTreeSet<u32>,
    /// Reads that spanned several pieces, joined once: a common word's postings span a dozen,
    /// and each keystroke reads them again.
    joined: HashMap<(usize, usize), OwnedBytes>,
    /// Bytes held in `joined`, at most [`MAX_JOINED_BYTES`].
    joined_bytes: usize,
}

/// The most bytes of joined reads kept; past it they are dropped and joined again as needed.
const MAX_JOINED_BYTES: usize = 32 << 20;

/// The pieces, shared by every file handle of a [`LazyDirectory`].
pub(crate) type SharedPieces = Arc<Mutex<Pieces>>;

impl Pieces {
    fn lock(shared: &SharedPieces) -> std::sync::MutexGuard<'_, Pieces> {
        shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds piece `n`.
    pub fn add(shared: &SharedPieces, n: u32, bytes: Vec<u8>) {
        Pieces::lock(shared).loaded.insert(n, OwnedBytes::new(bytes));
    }

    /// True when a read found a piece missing since the last [`Pieces::take_missing`].
    pub fn has_missing(shared: &SharedPieces) -> bool {
        !Pieces::lock(shared).missing.is_empty()
    }

    /// The pieces reads found missing since the last call, in order.
    pub fn take_missing(shared: &SharedPieces) -> Vec<u32> {
        std::mem::take(&mut Pieces::lock(shared).missing).into_iter().collect()
    }

    /// Bytes `range` of the address space, or the pieces it lacks (also noted as missing).
    pub fn read(shared: &SharedPieces, range: Range<usize>, piece_bytes: usize) -> Result<OwnedBytes, Vec<u32>> {
        Pieces::lock(shared).read_locked(range, piece_bytes)
    }

    fn read_locked(&mut self, range: Range<usize>, piece_bytes: usize) -> Result<OwnedBytes, Vec<u32>> {
        if range.is_empty() {
            return Ok(OwnedBytes::empty());
        }
        let first = range.start / piece_bytes;
        let last = (range.end - 1) / piece_bytes;
        let lacking: Vec<u32> = (first..=last).map(|n| n as u32).filter(|n| !self.loaded.contains_key(n)).collect();
        if !lacking.is_empty() {
            self.missing.extend(lacking.iter().copied());
            if PROBE.get().is_some() {
                PROBE.set(Some(true));
                return Ok(OwnedBytes::new(vec![0; range.len()]));
            }
            return Err(lacking);
        }
        let at = |n: usize| &self.loaded[&(n as u32)];
        if first == last {
            let base = first * piece_bytes;
            return Ok(at(first).slice(range.start - base..range.end - base));
        }
        let key = (range.start, range.end);
        if let Some(bytes) = self.joined.get(&key) {
            return Ok(bytes.clone());
        }
        let mut out = Vec::with_capacity(range.len());
        for n in first..=last {
            let base = n * piece_bytes;
            let piece = at(n).as_slice();
            let from = range.start.saturating_sub(base);
            let to = (range.end - base).min(piece.len());
            out.extend_from_slice(&piece[from..to]);
        }
        let out = OwnedBytes::new(out);
        if self.joined_bytes + out.len() > MAX_JOINED_BYTES {
            self.joined.clear();
            self.joined_bytes = 0;
        }
        self.joined_bytes += out.len();
        self.joined.insert(key, out.clone());
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_pieces_and_report_what_is_missing() {
        let shared: SharedPieces = Arc::default();
        Pieces::add(&shared, 0, vec![0, 1, 2, 3]);
        assert_eq!(Pieces::read(&shared, 1..3, 4).unwrap().as_slice(), &[1, 2]);
        assert_eq!(Pieces::read(&shared, 2..9, 4).unwrap_err(), vec![1, 2]);
        assert_eq!(Pieces::take_missing(&shared), vec![1, 2]);
        Pieces::add(&shared, 1, vec![4, 5, 6, 7]);
        Pieces::add(&shared, 2, vec![8, 9]);
        assert_eq!(Pieces::read(&shared, 2..9, 4).unwrap().as_slice(), &[2, 3, 4, 5, 6, 7, 8]);
        assert!(Pieces::take_missing(&shared).is_empty());
    }

    #[test]
    fn a_probe_notes_every_missing_piece_and_reads_zeros_only_while_it_runs() {
        let shared: SharedPieces = Arc::default();
        Pieces::add(&shared, 0, vec![1, 2, 3, 4]);
        let read = |range: Range<usize>| Pieces::read(&shared, range, 4);
        let (reads, missed) = probe(|| [read(1..3), read(5..7), read(9..10)]);
        assert!(missed);
        assert_eq!(reads.map(|r| r.unwrap().as_slice().to_vec()), [vec![2, 3], vec![0, 0], vec![0]]);
        assert_eq!(Pieces::take_missing(&shared), vec![1, 2], "each missing piece noted");
        let ((_, inner), outer) = probe(|| probe(|| read(4..5)));
        assert!(inner && outer, "a miss inside a nested probe is the outer probe's too");
        assert!(!probe(|| read(0..4)).1, "nothing missing");
        assert!(read(4..5).is_err(), "after a probe, a missing piece fails the read again");
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| probe::<()>(|| panic!("in the read"))));
        assert!(caught.is_err());
        assert!(read(4..5).is_err(), "a panic inside a probe does not leave it on");
    }

    #[test]
    fn a_read_across_pieces_is_joined_once_and_kept_within_a_budget() {
        let shared: SharedPieces = Arc::default();
        Pieces::add(&shared, 0, vec![0, 1, 2, 3]);
        Pieces::add(&shared, 1, vec![4, 5, 6, 7]);
        let first = Pieces::read(&shared, 2..6, 4).unwrap();
        let again = Pieces::read(&shared, 2..6, 4).unwrap();
        assert_eq!(again.as_slice(), &[2, 3, 4, 5]);
        assert_eq!(first.as_slice().as_ptr(), again.as_slice().as_ptr(), "the joined bytes are shared");
        let other = Pieces::read(&shared, 3..5, 4).unwrap();
        assert_eq!(other.as_slice(), &[3, 4], "another range is joined on its own");
        assert_eq!(Pieces::lock(&shared).joined_bytes, 6);
        // Past the budget, what was kept goes.
        Pieces::lock(&shared).joined_bytes = MAX_JOINED_BYTES;
        assert_eq!(Pieces::read(&shared, 1..7, 4).unwrap().as_slice(), &[1, 2, 3, 4, 5, 6]);
        let pieces = Pieces::lock(&shared);
        assert_eq!((pieces.joined.len(), pieces.joined_bytes), (1, 6));
    }
}
