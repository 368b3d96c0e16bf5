//! The index split for loading by the piece, the way Quickwit searches tantivy indexes kept in
//! object storage.
//!
//! Every file of the index is laid end to end in one address space cut into fixed-size pieces
//! (`search/pieces/N.bin`). What tantivy reads to open the index (meta.json, the footers of every
//! segment file, the doc store's skip index, each term dictionary's block index) is recorded at
//! build time by opening the index once over a directory that logs every read: those byte ranges
//! are the hot part (`search/hot.bin`), loaded first. Everything else (term dictionary blocks,
//! postings, positions, field norms, stored documents) is read from pieces, which the engine asks
//! for when a read finds them missing (see [`crate::Engine`]).

use std::collections::HashMap;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde::{Deserialize, Serialize};
use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::{
    DirectoryLock, FileHandle, Lock, OwnedBytes, RamDirectory, WatchCallback, WatchHandle, WritePtr,
};
use tantivy::{Directory, HasLen, Index, ReloadPolicy};

use crate::pieces::{Pieces, SharedPieces};
use crate::schema::Fields;
use crate::{analyzer, pack, SearchError, Synonyms};

/// Size of one index piece. Small enough that a query's term dictionary blocks and postings
/// cost a few pieces; large enough that a field's norms (one byte a section) are not hundreds.
pub const PIECE_BYTES: usize = 32 * 1024;

/// Name of the manifest in the hot blob.
const MANIFEST: &str = "manifest.json";
/// Name of the synonyms file in the hot blob (the engine's analyzer needs them to open).
pub(crate) const SYNONYMS_FILE: &str = "synonyms.txt";

/// An index cut for loading by the piece: the hot blob, and the pieces of the address space.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitIndex {
    /// Manifest, synonyms and the byte ranges read on opening (`search/hot.bin`).
    pub hot: Vec<u8>,
    /// The index files end to end, in [`PIECE_BYTES`] pieces (`search/pieces/N.bin`).
    pub pieces: Vec<Vec<u8>>,
}

/// Where each index file lies in the address space, and what of it is hot.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    piece_bytes: usize,
    files: Vec<FileEntry>,
    /// Hot ranges; the bytes of the `i`-th are the hot blob's entry named `i`.
    hot: Vec<HotRange>,
}

#[derive(Debug, Serialize, Deserialize)]
struct FileEntry {
    name: String,
    offset: usize,
    len: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct HotRange {
    file: usize,
    start: usize,
    end: usize,
}

/// Cuts the index files `names` (meta.json and segment files) of `dir` into a hot blob and pieces.
///
/// The files are read in place (a RAM directory hands out its bytes without copying): at
/// 100,000 pages the index is some 140 MB, so the pieces are the only copy made.
pub(crate) fn split(dir: &RamDirectory, names: &[String], synonyms: &Synonyms) -> Result<SplitIndex, SearchError> {
    let reads = opening_reads(dir, synonyms)?;
    let mut entries = Vec::with_capacity(names.len());
    let mut hot_files = Vec::new();
    let mut hot = Vec::new();
    let mut pieces: Vec<Vec<u8>> = Vec::new();
    let mut offset = 0;
    for (i, name) in names.iter().enumerate() {
        let data = read_whole(dir, name)?;
        entries.push(FileEntry { name: name.clone(), offset, len: data.len() });
        offset += data.len();
        for r in merged(reads.get(name.as_str()).cloned().unwrap_or_default()) {
            hot_files.push((hot.len().to_string(), data[r.clone()].to_vec()));
            hot.push(HotRange { file: i, start: r.start, end: r.end });
        }
        let mut rest = data.as_slice();
        while !rest.is_empty() {
            if pieces.last().is_none_or(|p| p.len() == PIECE_BYTES) {
                pieces.push(Vec::with_capacity(PIECE_BYTES));
            }
            let Some(piece) = pieces.last_mut() else { break };
            let (head, tail) = rest.split_at((PIECE_BYTES - piece.len()).min(rest.len()));
            piece.extend_from_slice(head);
            rest = tail;
        }
    }
    let manifest = Manifest { piece_bytes: PIECE_BYTES, files: entries, hot };
    let mut blob = vec![(MANIFEST.to_string(), serde_json::to_vec(&manifest)?)];
    blob.push((SYNONYMS_FILE.to_string(), synonyms.source().as_bytes().to_vec()));
    blob.extend(hot_files);
    Ok(SplitIndex { hot: pack::pack(&blob), pieces })
}

/// File `name` of `dir`, as stored (tantivy's footer included).
fn read_whole(dir: &RamDirectory, name: &str) -> Result<OwnedBytes, SearchError> {
    let bad = |e: &dyn std::fmt::Display| SearchError::BadPack(format!("{name}: {e}"));
    dir.open_read(Path::new(name)).map_err(|e| bad(&e))?.read_bytes().map_err(|e| bad(&e))
}

/// Overlapping or touching ranges joined, in order.
fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The byte ranges of each file that opening the index and every field's term dictionary reads.
fn opening_reads(ram: &RamDirectory, synonyms: &Synonyms) -> Result<HashMap<String, Vec<Range<usize>>>, SearchError> {
    let log = Arc::new(Mutex::new(Vec::new()));
    let dir = Recording { inner: ram.clone(), log: log.clone() };
    let (reader, _) = open_reader(dir, &Arc::new(synonyms.clone()))?;
    let searcher = reader.searcher();
    let schema = searcher.schema().clone();
    for segment in searcher.segment_readers() {
        for (field, entry) in schema.fields() {
            if entry.is_indexed() {
                segment.inverted_index(field)?;
            }
        }
    }
    let mut out: HashMap<String, Vec<Range<usize>>> = HashMap::new();
    for (name, range) in log.lock().unwrap_or_else(PoisonError::into_inner).drain(..) {
        out.entry(name).or_default().push(range);
    }
    Ok(out)
}

/// Opens the index in `dir` with the analyzers it was built with registered.
pub(crate) fn open_reader<D: Directory>(
    dir: D,
    synonyms: &Arc<Synonyms>,
) -> Result<(tantivy::IndexReader, Fields), SearchError> {
    let index = Index::open(dir)?;
    analyzer::register_all(index.tokenizers(), synonyms);
    let fields = Fields::of(&index.schema())?;
    // Manual reload: the index never changes once opened, and watching would need threads.
    let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
    Ok((reader, fields))
}

/// A read-only tantivy directory over the hot blob and the pieces loaded so far.
#[derive(Debug, Clone)]
pub(crate) struct LazyDirectory {
    files: Arc<HashMap<PathBuf, Arc<LazyFile>>>,
}

#[derive(Debug)]
struct LazyFile {
    offset: usize,
    len: usize,
    piece_bytes: usize,
    /// Hot ranges of this file with their bytes, by start.
    hot: Vec<(Range<usize>, OwnedBytes)>,
    pieces: SharedPieces,
}

/// An opened hot blob: the directory and the synonyms text.
pub(crate) struct Opened {
    pub dir: LazyDirectory,
    pub synonyms: String,
    /// The length of each piece, in order.
    pub piece_lens: Vec<usize>,
}

impl LazyDirectory {
    /// Reads the hot blob; file reads outside its hot ranges go to `pieces`.
    pub fn open(hot_blob: &[u8], pieces: &SharedPieces) -> Result<Opened, SearchError> {
        let entries = pack::unpack(hot_blob)?;
        let mut by_name: HashMap<&str, &[u8]> = entries.iter().map(|(n, b)| (n.as_str(), *b)).collect();
        let manifest = by_name.remove(MANIFEST).ok_or_else(|| SearchError::BadPack("no manifest".into()))?;
        let manifest: Manifest = serde_json::from_slice(manifest)?;
        if manifest.piece_bytes == 0 {
            return Err(SearchError::BadPack("piece size 0".into()));
        }
        let synonyms = String::from_utf8_lossy(by_name.remove(SYNONYMS_FILE).unwrap_or_default()).into_owned();
        let mut hot: Vec<Vec<(Range<usize>, OwnedBytes)>> = manifest.files.iter().map(|_| Vec::new()).collect();
        for (i, h) in manifest.hot.iter().enumerate() {
            let bytes = by_name.get(i.to_string().as_str()).ok_or_else(|| SearchError::BadPack("hot range".into()))?;
            let slot = hot.get_mut(h.file).ok_or_else(|| SearchError::BadPack("hot range file".into()))?;
            if bytes.len() != h.end.saturating_sub(h.start) {
                return Err(SearchError::BadPack("hot range length".into()));
            }
            slot.push((h.start..h.end, OwnedBytes::new(bytes.to_vec())));
        }
        let total = manifest.files.iter().map(|f| f.offset + f.len).max().unwrap_or(0);
        let piece_lens = (0..total.div_ceil(manifest.piece_bytes))
            .map(|n| (total - n * manifest.piece_bytes).min(manifest.piece_bytes))
            .collect();
        let files = manifest
            .files
            .into_iter()
            .zip(hot)
            .map(|(f, hot)| {
                let file = LazyFile {
                    offset: f.offset,
                    len: f.len,
                    piece_bytes: manifest.piece_bytes,
                    hot,
                    pieces: pieces.clone(),
                };
                (PathBuf::from(f.name), Arc::new(file))
            })
            .collect();
        Ok(Opened { dir: LazyDirectory { files: Arc::new(files) }, synonyms, piece_lens })
    }
}

/// The io error a read of a missing piece returns; the engine asks for the pieces and retries.
fn missing_error(pieces: &[u32]) -> io::Error {
    io::Error::other(format!("index pieces not loaded yet: {pieces:?}"))
}

impl HasLen for LazyFile {
    fn len(&self) -> usize {
        self.len
    }
}

#[async_trait::async_trait]
impl FileHandle for LazyFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.end > self.len || range.start > range.end {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "read past the end of an index file"));
        }
        if let Some((r, bytes)) = self.hot.iter().find(|(r, _)| r.start <= range.start && range.end <= r.end) {
            return Ok(bytes.slice(range.start - r.start..range.end - r.start));
        }
        let range = self.offset + range.start..self.offset + range.end;
        Pieces::read(&self.pieces, range, self.piece_bytes).map_err(|p| missing_error(&p))
    }

    /// Like `read_bytes`, but a read of missing pieces never finishes: tantivy's asynchronous
    /// warm-up then stops at its first missing piece in every branch, each noted as missing
    /// (see `warm.rs`), instead of stopping the whole warm-up at the first one.
    async fn read_bytes_async(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        match self.read_bytes(range) {
            Err(e) if e.kind() == io::ErrorKind::Other => std::future::pending().await,
            other => other,
        }
    }
}

fn read_only() -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, "the search index is read-only")
}

impl Directory for LazyDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        match self.files.get(path) {
            Some(f) => Ok(f.clone()),
            None => Err(OpenReadError::FileDoesNotExist(path.to_path_buf())),
        }
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        Err(DeleteError::IoError { io_error: Arc::new(read_only()), filepath: path.to_path_buf() })
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        Ok(self.files.contains_key(path))
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        Err(OpenWriteError::IoError { io_error: Arc::new(read_only()), filepath: path.to_path_buf() })
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let file = self.get_file_handle(path)?;
        let bytes = file
            .read_bytes(0..file.len())
            .map_err(|e| OpenReadError::IoError { io_error: Arc::new(e), filepath: path.to_path_buf() })?;
        Ok(bytes.as_slice().to_vec())
    }

    fn atomic_write(&self, _path: &Path, _data: &[u8]) -> io::Result<()> {
        Err(read_only())
    }

    fn sync_directory(&self) -> io::Result<()> {
        Ok(())
    }

    /// Nothing ever writes: readers need no lock file.
    fn acquire_lock(&self, _lock: &Lock) -> Result<DirectoryLock, LockError> {
        Ok(DirectoryLock::from(Box::new(())))
    }

    fn watch(&self, _watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        Ok(WatchHandle::empty())
    }
}

/// File name and byte range of each read, in order.
type ReadLog = Arc<Mutex<Vec<(String, Range<usize>)>>>;

/// A directory that logs the byte ranges read from each file (for the hot part).
#[derive(Debug, Clone)]
struct Recording {
    inner: RamDirectory,
    log: ReadLog,
}

#[derive(Debug)]
struct RecordingFile {
    inner: Arc<dyn FileHandle>,
    name: String,
    log: ReadLog,
}

impl HasLen for RecordingFile {
    fn len(&self) -> usize {
        self.inner.len()
    }
}

#[async_trait::async_trait]
impl FileHandle for RecordingFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        self.log.lock().unwrap_or_else(PoisonError::into_inner).push((self.name.clone(), range.clone()));
        self.inner.read_bytes(range)
    }
}

impl Directory for Recording {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let inner = self.inner.get_file_handle(path)?;
        let name = path.to_string_lossy().into_owned();
        Ok(Arc::new(RecordingFile { inner, name, log: self.log.clone() }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.inner.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.inner.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.inner.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        let data = self.inner.atomic_read(path)?;
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((path.to_string_lossy().into_owned(), 0..data.len()));
        Ok(data)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.inner.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.inner.sync_directory()
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.inner.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_merge_when_they_touch() {
        assert_eq!(merged(vec![5..7, 0..2, 2..3, 6..9]), vec![0..3, 5..9]);
    }
}
