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

impl SectionDoc<'_> {
    /// The same document, its texts borrowed from this one.
    pub fn borrowed(&self) -> SectionDoc<'_> {
        SectionDoc {
            page_title: Cow::Borrowed(&self.page_title),
            heading: self.heading.as_deref().map(Cow::Borrowed),
            body: Cow::Borrowed(&self.body),
            summary: Cow::Borrowed(&self.summary),
            kind: Cow::Borrowed(&self.kind),
            kind_label: Cow::Borrowed(&self.kind_label),
            category: self.category.clone(),
            tags: self.tags.clone(),
            aliases: self.aliases.clone(),
            url: Cow::Borrowed(&self.url),
        }
    }
}

/// The built index: split for loading by the piece, and the body texts, grouped in the chunks
/// the browser loads for snippets.
#[derive(Debug)]
pub struct BuiltIndex<'a> {
    /// The index files as a hot blob and pieces (see [`crate::SplitIndex`]).
    pub index: SplitIndex,
    /// The body texts of chunk `first_chunk + i`, in slot order (the caller writes them out in
    /// whatever form it serves).
    pub chunks: Vec<Texts<'a>>,
    /// Number of the first chunk (0 for a whole index).
    pub first_chunk: usize,
}

/// The body texts of one chunk, in slot order.
pub type Texts<'a> = Vec<Cow<'a, str>>;

/// A chunk of body texts, numbered, handed on as soon as it is full.
pub type Chunk<'a> = (u64, Texts<'a>);

/// The documents of page `i` (of a site's pages, in order), made on demand: a site is indexed
/// as its documents stream past, so that its text is never held twice.
pub type DocsOf<'s, 'a> = &'s (dyn Fn(usize) -> Vec<SectionDoc<'a>> + Sync);

/// Receives each chunk of body texts once it is full, in order.
pub type OnChunk<'s, 'a> = &'s (dyn Fn(Chunk<'a>) + Sync);

/// Indexes `docs` (grouped by page, in page order) with `synonyms`, holding every text chunk.
pub fn build_index<'a>(docs: &'a [SectionDoc], synonyms: &Synonyms) -> Result<BuiltIndex<'a>, SearchError> {
    let pages = page_groups(docs);
    let docs_of = |i: usize| pages[i].iter().map(SectionDoc::borrowed).collect();
    let (chunks, index) = collect_chunks(|keep| Ok(build(pages.len(), &docs_of, synonyms, keep)?.2))?;
    Ok(BuiltIndex { index, chunks, first_chunk: 0 })
}

/// Indexes the documents of `pages` pages with `synonyms`, handing each text chunk to
/// `on_chunk` as it fills instead of holding them (what a large site's build needs).
pub fn build_index_streaming<'a>(
    pages: usize,
    docs_of: DocsOf<'_, 'a>,
    synonyms: &Synonyms,
    on_chunk: OnChunk<'_, 'a>,
) -> Result<SplitIndex, SearchError> {
    Ok(build(pages, docs_of, synonyms, on_chunk)?.2)
}

/// Runs `f` with a chunk receiver that keeps every chunk; returns them in order with `f`'s result.
fn collect_chunks<'a, T>(
    f: impl FnOnce(OnChunk<'_, 'a>) -> Result<T, SearchError>,
) -> Result<(Vec<Texts<'a>>, T), SearchError> {
    let chunks = std::sync::Mutex::new(Vec::new());
    let result = f(&|chunk: Chunk<'a>| chunks.lock().unwrap_or_else(|e| e.into_inner()).push(chunk))?;
    let chunks = chunks.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok((chunks.into_iter().map(|(_, texts)| texts).collect(), result))
}

/// `docs` cut where the page changes.
fn page_groups<'d, 'a>(docs: &'d [SectionDoc<'a>]) -> Vec<&'d [SectionDoc<'a>]> {
    docs.chunk_by(|a, b| page_of(&a.url) == page_of(&b.url)).collect()
}

/// Builds the index into a fresh RAM directory; returns it with its split form and the number of
/// text chunks made.
///
/// All pages go into one segment, on one thread: a query reads each of its words' dictionary
/// block and postings once per segment, and over http each is a request of its own (at 100,000
/// pages a first query took 10 and 23 requests in its first two rounds with two segments, 5 and
/// 13 with one). Indexing on a second thread did not shorten the build: it runs beside the
/// rendering, which takes longer (100k pages in 21.5 s either way, 10k in 2.0 s).
fn build<'a>(
    pages: usize,
    docs_of: DocsOf<'_, 'a>,
    synonyms: &Synonyms,
    on_chunk: OnChunk<'_, 'a>,
) -> Result<(Index, RamDirectory, SplitIndex, u64), SearchError> {
    let (built, chunks) = segment(0..pages, docs_of, 0, synonyms, on_chunk)?;
    let (index, dir) = with_fixed_ids(built, synonyms)?;
    let split = split::split(&dir, &index_files(&index, &mut Vec::new())?, synonyms)?;
    Ok((index, dir, split, chunks))
}

/// A new index in its own RAM directory holding the documents of `pages` in one segment, their
/// texts in chunks numbered from `first_chunk`; returns it with the next chunk number.
fn segment<'a>(
    pages: std::ops::Range<usize>,
    docs_of: DocsOf<'_, 'a>,
    first_chunk: u64,
    synonyms: &Synonyms,
    on_chunk: OnChunk<'_, 'a>,
) -> Result<((Index, RamDirectory), u64), SearchError> {
    let dir = RamDirectory::create();
    let builder = Index::builder().schema(schema()).tokenizers(tokenizers(synonyms));
    let mut writer = builder.single_segment_index_writer::<TantivyDocument>(dir.clone(), 128 << 20)?;
    let fields = Fields::of(&schema())?;
    let mut chunker = Chunker::new(first_chunk);
    for i in pages {
        for d in docs_of(i) {
            let ((chunk, slot), full) = chunker.place(&d);
            full.map(on_chunk);
            writer.add_document(document(&fields, &d, chunk, slot))?;
        }
    }
    let (last, next) = chunker.finish();
    last.map(on_chunk);
    Ok(((writer.finalize()?, dir), next))
}

fn tokenizers(synonyms: &Synonyms) -> TokenizerManager {
    let tokenizers = TokenizerManager::default();
    analyzer::register_all(&tokenizers, &Arc::new(synonyms.clone()));
    tokenizers
}

/// The index with its segments renamed to fixed ids (1, 2, ...) instead of tantivy's random
/// ones, so that the same pages give a byte-identical index on every build.
fn with_fixed_ids(
    (index, dir): (Index, RamDirectory),
    synonyms: &Synonyms,
) -> Result<(Index, RamDirectory), SearchError> {
    let mut metas = index.load_metas()?;
    let mut segments = Vec::new();
    for meta in std::mem::take(&mut metas.segments) {
        let id = fixed_segment_id(segments.len() + 1)?;
        rename_segment_files(&dir, &meta, id)?;
        segments.push(index.new_segment_meta(id, meta.max_doc()));
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

/// Renames the files of the segment `meta` in `dir` to the segment id `id`.
fn rename_segment_files(dir: &RamDirectory, meta: &SegmentMeta, id: SegmentId) -> Result<(), SearchError> {
    let bad = |e: &dyn std::fmt::Display| SearchError::BadPack(e.to_string());
    if meta.id() == id {
        return Ok(());
    }
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
        if !dir.exists(&old).map_err(|e| bad(&e))? {
            continue;
        }
        let bytes = read(dir, &old)?;
        let name = old.to_string_lossy().replacen(&meta.id().uuid_string(), &id.uuid_string(), 1);
        dir.atomic_write(Path::new(&name), &bytes).map_err(|e| bad(&e))?;
        dir.delete(&old).map_err(|e| bad(&e))?;
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
        let pages = page_groups(docs);
        let docs_of = |i: usize| pages[i].iter().map(SectionDoc::borrowed).collect();
        let (chunks, (live, index)) =
            collect_chunks(|keep| LiveIndex::new_streaming(pages.len(), &docs_of, synonyms, keep))?;
        Ok((live, BuiltIndex { index, chunks, first_chunk: 0 }))
    }

    /// Indexes like [`build_index_streaming`] and keeps the index open for updates.
    pub fn new_streaming<'a>(
        pages: usize,
        docs_of: DocsOf<'_, 'a>,
        synonyms: &Synonyms,
        on_chunk: OnChunk<'_, 'a>,
    ) -> Result<(LiveIndex, SplitIndex), SearchError> {
        let (index, dir, split, chunks) = build(pages, docs_of, synonyms, on_chunk)?;
        // No merges: a merge running in the background could remove files while they are packed.
        let writer = index.writer_with_num_threads(1, LIVE_WRITER_BYTES)?;
        writer.set_merge_policy(Box::new(NoMergePolicy));
        let fields = Fields::of(&index.schema())?;
        let mut layout = Vec::new();
        index_files(&index, &mut layout)?;
        let next_chunk = chunks as usize;
        let live = LiveIndex { index, dir, writer, fields, synonyms: synonyms.clone(), next_chunk, layout };
        Ok((live, split))
    }

    /// Removes the sections of the pages at `removed` (URLs without anchor), adds `docs`, and
    /// returns the new blob with just the new chunk files.
    pub fn update<'a>(&mut self, removed: &[String], docs: &'a [SectionDoc]) -> Result<BuiltIndex<'a>, SearchError> {
        for page in removed {
            self.writer.delete_term(Term::from_field_text(self.fields.page, page));
        }
        let first_chunk = self.next_chunk;
        let mut chunker = Chunker::new(first_chunk as u64);
        let mut chunks = Vec::new();
        for d in docs {
            let ((chunk, slot), full) = chunker.place(&d.borrowed());
            chunks.extend(full.map(|(_, texts)| texts));
            self.writer.add_document(document(&self.fields, d, chunk, slot))?;
        }
        chunks.extend(chunker.finish().0.map(|(_, texts)| texts));
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

/// Groups body texts in chunks as documents stream past: a chunk is closed once it holds
/// [`CHUNK_BYTES`], at the start of the next page.
struct Chunker<'a> {
    number: u64,
    texts: Texts<'a>,
    /// Texts in the current chunk.
    slots: u64,
    size: usize,
    page: String,
}

impl<'a> Chunker<'a> {
    /// Chunks numbered from `first`.
    fn new(first: u64) -> Self {
        Chunker { number: first, texts: Vec::new(), slots: 0, size: 0, page: String::new() }
    }

    /// Places `d`'s text: returns its (chunk, slot), and the chunk this closed, if any.
    fn place(&mut self, d: &SectionDoc<'a>) -> ((u64, u64), Option<Chunk<'a>>) {
        let page = page_of(&d.url);
        let mut full = None;
        if page != self.page {
            if self.size >= CHUNK_BYTES {
                full = Some((self.number, std::mem::take(&mut self.texts)));
                self.number += 1;
                self.slots = 0;
                self.size = 0;
            }
            self.page = page.to_string();
        }
        let place = (self.number, self.slots);
        self.texts.push(d.body.clone());
        self.slots += 1;
        self.size += d.body.len();
        (place, full)
    }

    /// The last chunk (if it holds anything), and the number after it.
    fn finish(self) -> (Option<Chunk<'a>>, u64) {
        if self.slots == 0 {
            (None, self.number)
        } else {
            (Some((self.number, self.texts)), self.number + 1)
        }
    }
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
