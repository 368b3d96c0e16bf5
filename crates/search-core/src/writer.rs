//! Builds the index (native side): documents in, the split index and the text chunks out.

use std::borrow::Cow;
use std::path::Path;
use std::sync::Arc;

use tantivy::directory::RamDirectory;
use tantivy::index::{SegmentComponent, SegmentId, SegmentMeta};
use tantivy::indexer::NoMergePolicy;
use tantivy::tokenizer::TokenizerManager;
use tantivy::{Directory, Index, IndexWriter, TantivyDocument, Term};

use crate::schema::{schema, Fields};
use crate::split::{self, SplitIndex};
use crate::{analyzer, SearchError, Synonyms};

/// Memory budget of a live index's writer (tantivy's minimum is 15 MB); edits are small.
const LIVE_WRITER_BYTES: usize = 20 << 20;

/// A chunk of body texts is closed once it holds this many bytes (at a page boundary).
const CHUNK_BYTES: usize = 12 * 1024;

/// One section of one page, as the index sees it. Texts are borrowed where they can be: a
/// site's sections hold all of its text, and copying it costs a large site time and memory.
#[derive(Debug, Clone, Default)]
pub struct SectionDoc<'a> {
    pub page_title: Cow<'a, str>,
    /// `None` for the page's first document (text before the first heading).
    pub heading: Option<Cow<'a, str>>,
    pub body: Cow<'a, str>,
    pub summary: Cow<'a, str>,
    pub kind: Cow<'a, str>,
    pub kind_label: Cow<'a, str>,
    pub category: Vec<String>,
    pub tags: Vec<String>,
    pub aliases: Vec<String>,
    /// Root-relative URL with the section anchor (`factors/empathy.html#why-it-matters`).
    pub url: Cow<'a, str>,
}

/// The built index: split for loading by the piece, and the body texts, grouped in the chunks
/// the browser loads for snippets.
#[derive(Debug)]
pub struct BuiltIndex<'a> {
    /// The index files as a hot blob and pieces (see [`crate::SplitIndex`]).
    pub index: SplitIndex,
    /// The body texts of chunk `first_chunk + i`, in slot order (borrowed from the documents:
    /// the caller writes them out in whatever form it serves).
    pub chunks: Vec<Vec<&'a str>>,
    /// Number of the first chunk (0 for a whole index).
    pub first_chunk: usize,
}

/// Indexes `docs` (grouped by page, in page order) with `synonyms`.
pub fn build_index<'a>(docs: &'a [SectionDoc], synonyms: &Synonyms) -> Result<BuiltIndex<'a>, SearchError> {
    Ok(build(docs, synonyms)?.2)
}

/// Builds the index into a fresh RAM directory; returns it with its packed form.
///
/// Two halves of the site are indexed on two threads, each into one segment, and the segments
/// are then joined in one index: indexing is the longest part of a build, and the rendering it
/// runs beside is over long before it. Documents keep their order (first half, then second),
/// so the index is the same on every build.
fn build<'a>(
    docs: &'a [SectionDoc],
    synonyms: &Synonyms,
) -> Result<(Index, RamDirectory, BuiltIndex<'a>), SearchError> {
    let (places, chunks) = chunk_texts(docs, 0);
    let half = half_at_page_boundary(docs);
    let (first, second) = std::thread::scope(|scope| {
        let second = scope.spawn(|| segment(&docs[half..], &places[half..], synonyms));
        let first = segment(&docs[..half], &places[..half], synonyms);
        (first, second.join())
    });
    let second = second.map_err(|_| SearchError::IndexingPanicked)?;
    let (index, dir) = join_segments(first?, second?, synonyms)?;
    let split = split::split(&dir, &index_files(&index, &mut Vec::new())?, synonyms)?;
    Ok((index, dir, BuiltIndex { index: split, chunks, first_chunk: 0 }))
}

/// The index of the first page that starts in the second half of `docs` (or `docs.len()`).
fn half_at_page_boundary(docs: &[SectionDoc]) -> usize {
    let mid = docs.len() / 2;
    let page = |i: usize| page_of(&docs[i].url);
    (mid.max(1)..docs.len()).find(|&i| page(i) != page(i - 1)).unwrap_or(docs.len())
}

/// A new index in its own RAM directory holding `docs` in one segment.
fn segment(
    docs: &[SectionDoc],
    places: &[(u64, u64)],
    synonyms: &Synonyms,
) -> Result<(Index, RamDirectory), SearchError> {
    let dir = RamDirectory::create();
    let builder = Index::builder().schema(schema()).tokenizers(tokenizers(synonyms));
    let mut writer = builder.single_segment_index_writer::<TantivyDocument>(dir.clone(), 128 << 20)?;
    let fields = Fields::of(&schema())?;
    for (d, &(chunk, slot)) in docs.iter().zip(places) {
        writer.add_document(document(&fields, d, chunk, slot))?;
    }
    Ok((writer.finalize()?, dir))
}

fn tokenizers(synonyms: &Synonyms) -> TokenizerManager {
    let tokenizers = TokenizerManager::default();
    analyzer::register_all(&tokenizers, &Arc::new(synonyms.clone()));
    tokenizers
}

/// Moves the segments of `second` into `first`'s directory and lists them after its own.
/// Segments get fixed ids (1, 2) instead of tantivy's random ones, so that the same pages give
/// a byte-identical index on every build.
fn join_segments(
    (first, dir): (Index, RamDirectory),
    (second, other): (Index, RamDirectory),
    synonyms: &Synonyms,
) -> Result<(Index, RamDirectory), SearchError> {
    let mut metas = first.load_metas()?;
    let more = second.load_metas()?;
    let mut parts = vec![(&dir, metas.segments.clone())];
    if more.segments.iter().any(|s| s.num_docs() > 0) {
        parts.push((&other, more.segments));
    }
    let mut segments = Vec::new();
    for (from, metas) in parts {
        for meta in metas {
            let id = fixed_segment_id(segments.len() + 1)?;
            move_segment_files(from, &dir, &meta, id)?;
            segments.push(first.new_segment_meta(id, meta.max_doc()));
        }
    }
    metas.segments = segments;
    let json = serde_json::to_vec_pretty(&metas)?;
    dir.atomic_write(Path::new("meta.json"), &json).map_err(|e| SearchError::BadPack(e.to_string()))?;
    let mut index = Index::open(dir.clone())?;
    index.set_tokenizers(tokenizers(synonyms));
    Ok((index, dir))
}

/// The `n`-th segment's id: `n` as a 128-bit number.
fn fixed_segment_id(n: usize) -> Result<SegmentId, SearchError> {
    SegmentId::from_uuid_string(&format!("{n:032x}")).map_err(|e| SearchError::BadPack(e.to_string()))
}

/// Copies the files of the segment `meta` from `from` into `to` under the segment id `id`.
fn move_segment_files(
    from: &RamDirectory,
    to: &RamDirectory,
    meta: &SegmentMeta,
    id: SegmentId,
) -> Result<(), SearchError> {
    let bad = |e: &dyn std::fmt::Display| SearchError::BadPack(e.to_string());
    let components = [
        SegmentComponent::Postings,
        SegmentComponent::Positions,
        SegmentComponent::Terms,
        SegmentComponent::Store,
        SegmentComponent::FastFields,
        SegmentComponent::FieldNorms,
    ];
    for component in components {
        let old = meta.relative_path(component);
        if !from.exists(&old).map_err(|e| bad(&e))? {
            continue;
        }
        let bytes = read(from, &old)?;
        let name = old.to_string_lossy().replacen(&meta.id().uuid_string(), &id.uuid_string(), 1);
        to.atomic_write(Path::new(&name), &bytes).map_err(|e| bad(&e))?;
        if std::ptr::eq(from, to) {
            from.delete(&old).map_err(|e| bad(&e))?;
        }
    }
    Ok(())
}

/// A file of `dir` as stored (tantivy's footer included).
fn read(dir: &RamDirectory, path: &Path) -> Result<Vec<u8>, SearchError> {
    let name = path.display();
    let file = dir.open_read(path).map_err(|e| SearchError::BadPack(format!("{name}: {e}")))?;
    let bytes = file.read_bytes().map_err(|e| SearchError::BadPack(format!("{name}: {e}")))?;
    Ok(bytes.as_slice().to_vec())
}

/// An index kept open between edits (`rapport serve`): the sections of changed pages are
/// replaced in place instead of indexing the whole site again.
///
/// Each update adds a small segment and appends chunk files (the texts of replaced sections
/// stay behind, unreferenced); [`LiveIndex::segments`] tells when a fresh build is due.
pub struct LiveIndex {
    index: Index,
    dir: RamDirectory,
    writer: IndexWriter<TantivyDocument>,
    fields: Fields,
    synonyms: Synonyms,
    next_chunk: usize,
    /// The segment files in the order they are laid out in the pieces (see [`index_files`]).
    layout: Vec<String>,
}

impl LiveIndex {
    /// Indexes `docs` like [`build_index`] and keeps the index open for updates.
    pub fn new<'a>(docs: &'a [SectionDoc], synonyms: &Synonyms) -> Result<(LiveIndex, BuiltIndex<'a>), SearchError> {
        let (index, dir, built) = build(docs, synonyms)?;
        // No merges: a merge running in the background could remove files while they are packed.
        let writer = index.writer_with_num_threads(1, LIVE_WRITER_BYTES)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let fields = Fields::of(&index.schema())?;
        let mut layout = Vec::new();
        index_files(&index, &mut layout)?;
        let next_chunk = built.chunks.len();
        let live = LiveIndex { index, dir, writer, fields, synonyms: synonyms.clone(), next_chunk, layout };
        Ok((live, built))
    }

    /// Removes the sections of the pages at `removed` (URLs without anchor), adds `docs`, and
    /// returns the new blob with just the new chunk files.
    pub fn update<'a>(&mut self, removed: &[String], docs: &'a [SectionDoc]) -> Result<BuiltIndex<'a>, SearchError> {
        for page in removed {
            self.writer.delete_term(Term::from_field_text(self.fields.page, page));
        }
        let first_chunk = self.next_chunk;
        let (places, chunks) = chunk_texts(docs, first_chunk as u64);
        for (d, (chunk, slot)) in docs.iter().zip(places) {
            self.writer.add_document(document(&self.fields, d, chunk, slot))?;
        }
        self.writer.commit()?;
        self.next_chunk += chunks.len();
        let index = split::split(&self.dir, &index_files(&self.index, &mut self.layout)?, &self.synonyms)?;
        Ok(BuiltIndex { index, chunks, first_chunk })
    }

    /// Number of segments the index now has: those of a full build, and one more per update.
    pub fn segments(&self) -> usize {
        self.index.searchable_segment_ids().map(|ids| ids.len()).unwrap_or(usize::MAX)
    }
}

fn document(f: &Fields, d: &SectionDoc, chunk: u64, slot: u64) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.shown_title, &d.page_title);
    let heading = d.heading.as_deref().unwrap_or("");
    doc.add_text(f.heading, heading);
    doc.add_text(f.heading_groups, heading);
    doc.add_text(f.vocab, heading);
    doc.add_text(f.body, &d.body);
    doc.add_text(f.kind, &d.kind);
    doc.add_text(f.kind_label, &d.kind_label);
    doc.add_text(f.url, &d.url);
    doc.add_text(f.page, page_of(&d.url));
    doc.add_u64(f.chunk, chunk);
    doc.add_u64(f.slot, slot);
    if d.heading.is_some() {
        doc.add_text(f.ptitle, &d.page_title);
        return doc;
    }
    // Page-level fields go on the page's first document only: one strong match per page.
    doc.add_text(f.title, &d.page_title);
    doc.add_text(f.title_groups, &d.page_title);
    doc.add_text(f.summary, &d.summary);
    doc.add_text(f.vocab, &d.page_title);
    doc.add_text(f.vocab, &d.summary);
    for v in &d.aliases {
        doc.add_text(f.aliases, v);
        doc.add_text(f.aliases_groups, v);
        doc.add_text(f.vocab, v);
    }
    for v in &d.tags {
        doc.add_text(f.tags, v);
        doc.add_text(f.vocab, v);
    }
    for v in &d.category {
        doc.add_text(f.category, v);
    }
    doc
}

/// A section's page: its URL without the anchor.
fn page_of(url: &str) -> &str {
    url.split('#').next().unwrap_or_default()
}

/// Assigns each document a (chunk, slot), chunks numbered from `first`, and returns the chunks'
/// texts.
fn chunk_texts<'a>(docs: &'a [SectionDoc], first: u64) -> (Vec<(u64, u64)>, Vec<Vec<&'a str>>) {
    let mut places = Vec::with_capacity(docs.len());
    let mut chunks: Vec<Vec<&str>> = vec![Vec::new()];
    let mut size = 0;
    let mut prev_page = "";
    for d in docs {
        let page = page_of(&d.url);
        if size >= CHUNK_BYTES && page != prev_page {
            chunks.push(Vec::new());
            size = 0;
        }
        prev_page = page;
        let current = chunks.len() - 1;
        places.push((first + current as u64, chunks[current].len() as u64));
        chunks[current].push(&d.body);
        size += d.body.len();
    }
    if docs.is_empty() {
        chunks.clear();
    }
    (places, chunks)
}

/// The files of the finished index, laid out so that an update changes only the last pieces:
/// segment files (never rewritten) in the order first seen (`layout`, which grows with new
/// segments), then the deletion files and meta.json, which an update replaces.
fn index_files(index: &Index, layout: &mut Vec<String>) -> Result<Vec<String>, SearchError> {
    let metas = index.load_metas()?;
    let dir = index.directory();
    let mut listed: Vec<String> = metas
        .list_segment_files()
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        // Components a segment lacks (no fast fields, say) are listed but have no file.
        .filter(|n| dir.exists(Path::new(n)).unwrap_or(false))
        .collect();
    listed.sort();
    let (deletions, segments): (Vec<String>, Vec<String>) = listed.into_iter().partition(|n| n.ends_with(".del"));
    layout.retain(|n| segments.contains(n));
    for name in segments {
        if !layout.contains(&name) {
            layout.push(name);
        }
    }
    let mut names = layout.clone();
    names.extend(deletions);
    names.push("meta.json".to_string());
    Ok(names)
}
