//! The index loaded by the piece, as the browser loads it, against the whole index.

use search_core::{build_index, Engine, Hit, SearchError, SearchParams, SectionDoc, SplitIndex, Synonyms};

/// A site of `n` generated pages, large enough to span many index pieces.
fn many_pages(n: usize) -> Vec<SectionDoc<'static>> {
    const WORDS: [&str; 24] = [
        "alliance",
        "empathy",
        "goal",
        "task",
        "bond",
        "rupture",
        "repair",
        "hope",
        "expectancy",
        "ritual",
        "feedback",
        "outcome",
        "session",
        "client",
        "therapist",
        "warmth",
        "agreement",
        "collaboration",
        "measure",
        "technique",
        "model",
        "healing",
        "setting",
        "explanation",
    ];
    let word = |i: usize| WORDS[(i * 7 + i / 5) % WORDS.len()];
    (0..n)
        .flat_map(|i| {
            let body: Vec<String> = (0..60).map(|j| format!("{}{}", word(i + j * 3), (i * 31 + j) % 97)).collect();
            let page = SectionDoc {
                page_title: format!("{} {} {i}", word(i), word(i + 1)).into(),
                summary: format!("About {} and {}.", word(i + 2), word(i + 3)).into(),
                body: body.join(" ").into(),
                kind: "factor".into(),
                kind_label: "Factor".into(),
                url: format!("p/{i}.html").into(),
                ..Default::default()
            };
            let section = SectionDoc {
                heading: Some(format!("{} in practice", word(i + 4)).into()),
                url: format!("p/{i}.html#practice").into(),
                body: format!("{} {} {}", word(i + 5), word(i + 6), body[3]).into(),
                ..page.clone()
            };
            [page, section]
        })
        .collect()
}

/// Runs `op` as the browser does: on [`SearchError::Missing`], adds the pieces asked for and
/// tries again. Returns the answer, the rounds it took and the pieces it added.
fn by_the_piece<T>(
    engine: &Engine,
    split: &SplitIndex,
    mut op: impl FnMut(&Engine) -> Result<T, SearchError>,
) -> (T, usize, usize) {
    let (mut rounds, mut added) = (0, 0);
    loop {
        rounds += 1;
        assert!(rounds < 20, "no end to the pieces asked for");
        match op(engine) {
            Err(SearchError::Missing(pieces)) => {
                assert!(!pieces.is_empty());
                for n in pieces {
                    engine.add_piece(n, split.pieces[n as usize].clone()).unwrap();
                    added += 1;
                }
            }
            other => return (other.unwrap(), rounds, added),
        }
    }
}

#[test]
fn an_index_loaded_by_the_piece_answers_like_the_whole_one() {
    let docs = many_pages(3000);
    let built = build_index(&docs, &Synonyms::empty()).unwrap();
    let split = &built.index;
    assert!(split.pieces.len() > 20, "the test index spans many pieces: {}", split.pieces.len());
    let whole = Engine::open_whole(split).unwrap();
    let params = |q: &str| SearchParams { query: q.into(), kind: None, limit: 8 };
    let queries = [
        "empathy",
        "alliance rupture",
        "\"goal task\"",
        "therapist warmth",
        "colaboration",
        "hope expectan",
        "ritul",
        "how do i repair a rupture",
    ];
    for q in queries {
        let lazy = Engine::open(&split.hot).unwrap();
        let (hits, rounds, added) = by_the_piece(&lazy, split, |e| e.search(&params(q)));
        let urls = |hits: Vec<Hit>| hits.into_iter().map(|h| h.url).collect::<Vec<_>>();
        assert_eq!(urls(hits), urls(whole.search(&params(q)).unwrap()), "{q}");
        // Warm-up asks for what a query needs in a few rounds: the term dictionary blocks, then
        // postings and norms, then the stored fields of the hits (more for typos and prefixes).
        assert!(rounds <= 4, "{q}: {rounds} rounds");
        if !q.contains(' ') {
            assert!(added <= split.pieces.len() / 2, "{q}: {added} of {} pieces", split.pieces.len());
        }
        let texts = vec![docs[0].body.to_string()];
        let (marks, _, _) = by_the_piece(&lazy, split, |e| e.marks(q, &texts));
        assert_eq!(marks, whole.marks(q, &texts).unwrap(), "{q}");
    }
    let lazy = Engine::open(&split.hot).unwrap();
    let (s, _, _) = by_the_piece(&lazy, split, |e| e.suggest("alliancce ruptre", None));
    assert_eq!(s, whole.suggest("alliancce ruptre", None).unwrap());
    // A damaged or foreign piece is refused, not read.
    assert!(lazy.add_piece(0, vec![0; 3]).is_err());
    assert!(lazy.add_piece(split.pieces.len() as u32, split.pieces[0].clone()).is_err());
}

#[test]
fn a_live_update_changes_only_the_last_pieces() {
    let docs = many_pages(3000);
    let synonyms = Synonyms::empty();
    let (mut live, built) = search_core::LiveIndex::new(&docs, &synonyms).unwrap();
    let before = built.index.pieces.clone();
    let edited = [SectionDoc { body: "a brand new word: quokka".into(), ..docs[10].clone() }];
    let update = live.update(&[docs[10].url.to_string()], &edited).unwrap();
    let after = &update.index.pieces;
    let same = before.iter().zip(after).take_while(|(a, b)| a == b).count();
    // Segment files never change and come first; the new segment, the deletions and meta.json
    // come last.
    assert!(same + 3 >= before.len(), "{same} of {} pieces unchanged", before.len());
    assert!(after.len() <= before.len() + 3, "{} pieces after, {} before", after.len(), before.len());
    let engine = Engine::open_whole(&update.index).unwrap();
    let hits = engine.search(&SearchParams { query: "quokka".into(), kind: None, limit: 5 }).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].url, docs[10].url);
}

#[test]
fn a_streamed_build_hands_on_the_chunks_of_a_collected_one() {
    let docs = many_pages(3000);
    let synonyms = Synonyms::empty();
    let whole = build_index(&docs, &synonyms).unwrap();
    // The same pages, each page's documents made on demand, the chunks handed on as they fill.
    let pages: Vec<&[SectionDoc]> = docs.chunks(2).collect();
    let docs_of = |i: usize| pages[i].to_vec();
    let chunks = std::sync::Mutex::new(Vec::new());
    let on_chunk = |chunk: search_core::Chunk<'static>| chunks.lock().unwrap().push(chunk);
    let split = search_core::build_index_streaming(pages.len(), &docs_of, &synonyms, &on_chunk).unwrap();
    let mut chunks = chunks.into_inner().unwrap();
    chunks.sort_by_key(|(n, _)| *n);
    assert!(chunks.len() > 10, "{} chunks", chunks.len());
    let numbers: Vec<u64> = chunks.iter().map(|(n, _)| *n).collect();
    assert_eq!(numbers, (0..chunks.len() as u64).collect::<Vec<_>>(), "numbered without gaps");
    assert_eq!(chunks.into_iter().map(|(_, texts)| texts).collect::<Vec<_>>(), whole.chunks);
    assert_eq!(split.hot, whole.index.hot);
    assert_eq!(split.pieces, whole.index.pieces);
    // Each hit's (chunk, slot) points at its own section's text.
    let engine = Engine::open_whole(&split).unwrap();
    for hit in engine.search(&SearchParams { query: "practice".into(), kind: None, limit: 20 }).unwrap() {
        let doc = docs.iter().find(|d| d.url == hit.url).unwrap();
        assert_eq!(whole.chunks[hit.chunk as usize][hit.slot as usize], doc.body, "{}", hit.url);
    }
}

#[test]
fn a_typo_against_a_large_vocabulary_takes_no_round_per_dictionary_block() {
    // Every six-letter word of seven letters, in page summaries: a vocabulary over many pieces,
    // where words a typo or two from the query word sit in block after block.
    const LETTERS: &[u8] = b"aeiprst";
    let word = |mut n: usize| -> String {
        (0..6)
            .map(|_| {
                let c = LETTERS[n % LETTERS.len()] as char;
                n /= LETTERS.len();
                c
            })
            .collect()
    };
    let words: Vec<String> = (0..LETTERS.len().pow(6)).map(word).collect();
    let docs: Vec<SectionDoc> = words
        .chunks(100)
        .enumerate()
        .map(|(i, ws)| SectionDoc {
            page_title: format!("Page {i}").into(),
            summary: ws.join(" ").into(),
            url: format!("p/{i}.html").into(),
            ..Default::default()
        })
        .collect();
    // Not a word there, so it is corrected against the vocabulary.
    let (rounds, _, _) = search_by_the_piece(&docs, "rqpier");
    // The vocabulary's blocks, the corrections' dictionary blocks, their postings, the stored
    // fields; reading the vocabulary block by block took a round per block (11 here).
    assert!(rounds <= 4, "{rounds} rounds");
}

#[test]
fn a_typo_loads_no_dictionary_block_of_numbers() {
    // Numbers (page numbers, years) fill most of a large site's body dictionary; they sort
    // before letters, so every block of them spans keys a typo automaton could match.
    let docs: Vec<SectionDoc> = (0..3000)
        .map(|i| {
            let numbers: Vec<String> = (0..20).map(|j| (10_000 + i * 20 + j).to_string()).collect();
            SectionDoc {
                page_title: format!("Page {i}").into(),
                body: format!("empathy {}", numbers.join(" ")).into(),
                url: format!("p/{i}.html").into(),
                ..Default::default()
            }
        })
        .collect();
    let (_, added, pieces) = search_by_the_piece(&docs, "empaty");
    assert!(pieces > 20, "the numbers span many pieces: {pieces}");
    // The body's norms and postings, the stored fields, the dictionary blocks of words (15
    // pieces when the automaton could match numbers).
    assert!(added <= 10, "{added} of {pieces} pieces");
}

/// Searches the index of `docs` for `query` by the piece, checks the answer against the whole
/// index's, and returns the rounds it took, the pieces it added and the pieces there are.
fn search_by_the_piece(docs: &[SectionDoc], query: &str) -> (usize, usize, usize) {
    let built = build_index(docs, &Synonyms::empty()).unwrap();
    let split = &built.index;
    let whole = Engine::open_whole(split).unwrap();
    let lazy = Engine::open(&split.hot).unwrap();
    let params = SearchParams { query: query.into(), kind: None, limit: 8 };
    let (hits, rounds, added) = by_the_piece(&lazy, split, |e| e.search(&params));
    let urls = |hits: Vec<Hit>| hits.into_iter().map(|h| h.url).collect::<Vec<_>>();
    assert_eq!(urls(hits), urls(whole.search(&params).unwrap()), "{query}");
    (rounds, added, split.pieces.len())
}
