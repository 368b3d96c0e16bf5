//! Ranking, analysis and snippet behaviour on a small fixture corpus.

use search_core::{build_index, Engine, Hit, LiveIndex, SearchParams, SectionDoc, Synonyms};

const SYNONYMS: &str = "\
behavioural = behavioral
behaviour = behavior
judgement = judgment
counselling = counseling
CBT = cognitive behavioural therapy
therapeutic alliance = working alliance = therapeutic relationship
";

struct Page {
    url: &'static str,
    title: &'static str,
    kind: &'static str,
    summary: &'static str,
    tags: &'static [&'static str],
    sections: &'static [(&'static str, &'static str, &'static str)],
}

const PAGES: &[Page] = &[
    Page {
        url: "factors/empathy.html",
        title: "Empathy",
        kind: "factor",
        summary: "Understanding the client's experience from the inside and showing it.",
        tags: &["relationship"],
        sections: &[
            ("", "", "Empathy is the therapist's effort to understand the client's inner world and to communicate that understanding."),
            ("Why it matters", "why-it-matters", "Meta-analyses link it to better outcomes across modalities."),
            ("How to practise it", "how-to-practise-it", "Reflective listening: say back what you heard, tentatively, and check."),
        ],
    },
    Page {
        url: "factors/alliance.html",
        title: "The working alliance",
        kind: "factor",
        summary: "Agreement on goals and tasks, and a bond.",
        tags: &["relationship"],
        sections: &[
            ("", "", "Bordin described three parts: goals, tasks and the bond between client and therapist."),
            ("Measuring it", "measuring-it", "The Working Alliance Inventory asks both sides about goals, tasks and bond."),
        ],
    },
    Page {
        url: "factors/relationship.html",
        title: "The real relationship",
        kind: "factor",
        summary: "Genuineness and realistic perception between two people.",
        tags: &[],
        sections: &[("", "", "Beyond technique, the therapeutic relationship itself carries change: genuineness and warmth.")],
    },
    Page {
        url: "modalities/cbt.html",
        title: "Cognitive behavioural therapy",
        kind: "modality",
        summary: "Thoughts, feelings and behaviour, tested in experiments.",
        tags: &[],
        sections: &[
            ("", "", "A structured, collaborative therapy that links thoughts to behaviour."),
            ("Homework", "homework", "Between sessions, clients run behavioural experiments and keep thought records."),
        ],
    },
    Page {
        url: "techniques/rupture-repair.html",
        title: "Rupture and repair",
        kind: "technique",
        summary: "Noticing strains in the alliance and mending them together.",
        tags: &["alliance"],
        sections: &[
            ("", "", "Ruptures are tensions or breakdowns in collaboration."),
            ("Repairing ruptures", "repairing-ruptures", "Invite the client to talk about what went wrong; acknowledge your part."),
        ],
    },
    Page {
        url: "faqs/judgement.html",
        title: "Does clinical judgement beat checklists?",
        kind: "faq",
        summary: "Judgement in counselling, and when structure helps.",
        tags: &[],
        sections: &[("", "", "Experienced counsellors combine judgement with routine outcome monitoring.")],
    },
    Page {
        url: "pages/hostile.html",
        title: "<script>alert(1)</script> Markup",
        kind: "page",
        summary: "A page whose text looks like HTML.",
        tags: &[],
        sections: &[("", "", "Write <b>bold</b> & \"quotes\" about markup <img src=x onerror=alert(1)> safely.")],
    },
    Page {
        url: "factors/hope.html",
        title: "Hope and expectancy",
        kind: "factor",
        summary: "Believing that therapy can help.",
        tags: &[],
        sections: &[("", "", "Positive expectations predict change; remoralization comes early.")],
    },
];

struct Fixture {
    engine: Engine,
    chunks: Vec<Vec<String>>,
}

fn docs() -> Vec<SectionDoc<'static>> {
    let mut out = Vec::new();
    for p in PAGES {
        for (heading, anchor, body) in p.sections {
            out.push(SectionDoc {
                page_title: p.title.into(),
                heading: (!heading.is_empty()).then(|| (*heading).into()),
                body: (*body).into(),
                summary: p.summary.into(),
                kind: p.kind.into(),
                kind_label: p.kind.into(),
                tags: p.tags.iter().map(|t| t.to_string()).collect(),
                url: if anchor.is_empty() { p.url.into() } else { format!("{}#{anchor}", p.url).into() },
                ..Default::default()
            });
        }
    }
    out
}

fn owned(chunks: &[Vec<std::borrow::Cow<str>>]) -> Vec<Vec<String>> {
    chunks.iter().map(|c| c.iter().map(|t| t.to_string()).collect()).collect()
}

fn fixture() -> Fixture {
    let docs = docs();
    let built = build_index(&docs, &Synonyms::parse(SYNONYMS).unwrap()).unwrap();
    let chunks = owned(&built.chunks);
    let engine = Engine::open_whole(&built.index).unwrap();
    Fixture { engine, chunks }
}

impl Fixture {
    fn search(&self, q: &str) -> Vec<Hit> {
        self.search_kind(q, None)
    }

    fn search_kind(&self, q: &str, kind: Option<&str>) -> Vec<Hit> {
        let p = SearchParams { query: q.into(), kind: kind.map(str::to_string), limit: 10 };
        self.engine.search_with_text(&p, |h| self.chunks[h.chunk as usize][h.slot as usize].clone()).unwrap()
    }

    fn urls(&self, q: &str) -> Vec<String> {
        self.search(q).into_iter().map(|h| h.url).collect()
    }

    fn first(&self, q: &str) -> String {
        self.urls(q).into_iter().next().unwrap_or_else(|| panic!("no result for {q:?}"))
    }
}

#[test]
fn title_match_ranks_the_page_first() {
    let f = fixture();
    assert_eq!(f.first("empathy"), "factors/empathy.html");
    assert_eq!(f.first("hope"), "factors/hope.html");
    assert_eq!(f.first("rupture"), "techniques/rupture-repair.html");
}

#[test]
fn heading_beats_body() {
    let f = fixture();
    // "measuring" is a heading on the alliance page and nowhere in a body.
    assert_eq!(f.first("measuring"), "factors/alliance.html#measuring-it");
    // A word in a heading ranks that section above a page that has it in its body only.
    let urls = f.urls("homework");
    assert_eq!(urls[0], "modalities/cbt.html#homework");
}

#[test]
fn sections_with_all_words_come_first_then_most() {
    let f = fixture();
    // Both alliance sections have all three words; sections with fewer of them come after.
    assert_eq!(f.urls("goals tasks bond")[..2], ["factors/alliance.html", "factors/alliance.html#measuring-it"]);
    // No section has both words: each one's best section is still found, never nothing.
    let urls = f.urls("empathy homework");
    assert!(urls.contains(&"factors/empathy.html".to_string()), "{urls:?}");
    assert!(urls.contains(&"modalities/cbt.html#homework".to_string()), "{urls:?}");
    // A word no page has does not hide the pages that have the others.
    assert_eq!(f.first("empathy zyxwvut"), "factors/empathy.html");
}

#[test]
fn question_words_are_not_required() {
    let f = fixture();
    assert!(f.first("how do I repair ruptures").starts_with("techniques/rupture-repair.html"));
    assert_eq!(f.first("what should my homework be"), "modalities/cbt.html#homework");
    // Only stop words still find something rather than nothing.
    assert!(!f.urls("how do I").is_empty());
}

#[test]
fn stemming_matches_other_forms() {
    let f = fixture();
    assert_eq!(f.first("ruptured"), "techniques/rupture-repair.html");
    assert!(f.urls("listens").contains(&"factors/empathy.html#how-to-practise-it".to_string()));
    assert_eq!(f.first("expectations"), "factors/hope.html");
}

#[test]
fn last_word_matches_as_prefix() {
    let f = fixture();
    assert_eq!(f.first("empat"), "factors/empathy.html");
    assert_eq!(f.first("remoral"), "factors/hope.html");
    // The stem of the whole word is shorter than the typed text.
    assert!(f.urls("therapeuti").contains(&"factors/relationship.html".to_string()));
    // Not the last word: no prefix.
    assert!(!f.urls("empa hope ").contains(&"factors/empathy.html".to_string()));
}

#[test]
fn typos_one_from_four_letters_two_from_eight() {
    let f = fixture();
    assert_eq!(f.first("empahty "), "factors/empathy.html");
    assert_eq!(f.first("rupturr "), "techniques/rupture-repair.html");
    // A transposition is one typo, from four letters.
    assert_eq!(f.first("emapthy "), "factors/empathy.html");
    assert_eq!(f.first("hpoe "), "factors/hope.html");
    // Three letters: exact only.
    assert!(f.urls("hpe ").is_empty());
    // Two typos from eight letters (a dropped and a swapped letter).
    assert_eq!(f.first("genuiennes "), "factors/relationship.html");
    // Seven letters: one typo only.
    assert!(f.urls("rputrue ").is_empty());
}

#[test]
fn exact_matches_outrank_typos() {
    let f = fixture();
    let exact = f.search("empathy ");
    let typo = f.search("empathu ");
    assert_eq!(typo[0].url, exact[0].url);
    assert!(exact[0].score > typo[0].score, "{} vs {}", exact[0].score, typo[0].score);
    // "rupture" exactly (a body word) beats "repair" misspelled into it, and vice versa.
    assert!(f.search("rupture")[0].score > f.search("rupturr ")[0].score);
}

#[test]
fn quoted_phrases_need_the_words_in_order() {
    let f = fixture();
    assert_eq!(f.urls("\"thought records\""), ["modalities/cbt.html#homework"]);
    assert!(f.urls("\"records thought\"").is_empty());
    assert!(f.urls("\"bond goals\"").is_empty());
}

#[test]
fn spelling_variants_match_each_other() {
    let f = fixture();
    assert!(f.urls("behavioral ").contains(&"modalities/cbt.html#homework".to_string()));
    assert_eq!(f.first("judgment "), "faqs/judgement.html");
    assert_eq!(f.first("counseling "), "faqs/judgement.html");
}

#[test]
fn synonyms_match_each_other() {
    let f = fixture();
    assert_eq!(f.first("CBT "), "modalities/cbt.html");
    assert!(f.urls("cognitive behavioral therapy ").contains(&"modalities/cbt.html".to_string()));
    // "working alliance" finds the page that says "therapeutic relationship", and vice versa.
    assert!(f.urls("working alliance ").contains(&"factors/relationship.html".to_string()));
    assert!(f.urls("therapeutic relationship ").contains(&"factors/alliance.html#measuring-it".to_string()));
    assert!(f.urls("\"therapeutic alliance\"").contains(&"factors/relationship.html".to_string()));
}

#[test]
fn synonym_groups_do_not_lengthen_titles() {
    // "Therapeutic alliance" is a synonym-group member, "Alliance ruptures" is not. Were the
    // group token counted in the title's length, BM25 would rank the rupture page first,
    // although only the alliance page also mentions the word in its text.
    let page = |title: String, body: &'static str, url: String| SectionDoc {
        page_title: title.into(),
        body: body.into(),
        kind: "factor".into(),
        kind_label: "Factor".into(),
        url: url.into(),
        ..Default::default()
    };
    let mut docs = vec![
        page("Alliance ruptures".into(), "Strains in the collaboration, and their repair.", "ruptures.html".into()),
        page(
            "Therapeutic alliance".into(),
            "Over the first weeks of meeting, client and therapist slowly build an alliance by agreeing what to \
             work on, how to work on it, and by coming to trust each other.",
            "alliance.html".into(),
        ),
    ];
    docs.extend((0..8).map(|i| page(format!("Page {i}"), "Client and therapist meet.", format!("p{i}.html"))));
    let built = build_index(&docs, &Synonyms::parse(SYNONYMS).unwrap()).unwrap();
    let engine = Engine::open_whole(&built.index).unwrap();
    let urls = |q: &str| -> Vec<String> {
        let p = SearchParams { query: q.into(), kind: None, limit: 10 };
        engine.search(&p).unwrap().into_iter().map(|h| h.url).collect()
    };
    assert_eq!(urls("alliance"), ["alliance.html", "ruptures.html"]);
    // The title still matches through its group: another member finds it first.
    assert_eq!(urls("working alliance").first().map(String::as_str), Some("alliance.html"));
}

#[test]
fn kind_filter() {
    let f = fixture();
    let hits = f.search_kind("alliance", Some("technique"));
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.kind == "technique"), "{hits:?}");
    assert!(f.search_kind("alliance", Some("nonexistent")).is_empty());
}

#[test]
fn at_most_two_sections_per_page() {
    let f = fixture();
    let n = f.urls("empathy client").iter().filter(|u| u.starts_with("factors/empathy")).count();
    assert!(n <= 2);
}

#[test]
fn snippets_mark_matches() {
    let f = fixture();
    let hits = f.search("reflective listening");
    assert_eq!(hits[0].url, "factors/empathy.html#how-to-practise-it");
    assert!(hits[0].snippet.contains("<mark>Reflective</mark> <mark>listening</mark>"), "{}", hits[0].snippet);
    // Typo and synonym matches are highlighted too.
    let hits = f.search("refletive ");
    assert!(hits[0].snippet.contains("<mark>Reflective</mark>"), "{}", hits[0].snippet);
    let hits = f.search("therapeutic relationship ");
    let alliance = hits.iter().find(|h| h.url == "factors/alliance.html#measuring-it").unwrap();
    assert!(alliance.snippet.contains("<mark>Working Alliance</mark>"), "{}", alliance.snippet);
}

#[test]
fn snippets_escape_hostile_content() {
    let f = fixture();
    let hits = f.search("markup");
    let hostile = hits.iter().find(|h| h.url == "pages/hostile.html").expect("hostile page found");
    assert!(!hostile.snippet.contains("<b>") && !hostile.snippet.contains("<img"), "{}", hostile.snippet);
    assert!(hostile.snippet.contains("&lt;b&gt;bold&lt;&#x2F;b&gt;") || hostile.snippet.contains("&lt;b&gt;"));
    assert!(hostile.snippet.contains("<mark>markup</mark>"), "{}", hostile.snippet);
}

#[test]
fn hostile_queries_are_harmless() {
    let f = fixture();
    for q in ["<script>alert(1)</script>", "\"", "\"\"", "* OR 1=1", "a:b", "((", "&amp;", "\u{0}", "   "] {
        for h in f.search(q) {
            let without_marks = h.snippet.replace("<mark>", "").replace("</mark>", "");
            assert!(!without_marks.contains('<'), "{q:?} gave {}", h.snippet);
        }
    }
    let hits = f.search("script");
    let hostile = hits.iter().find(|h| h.url == "pages/hostile.html").expect("found by its title");
    // Titles come back as plain text: the renderer escapes them (textContent, tera).
    assert!(hostile.title.starts_with("<script>"));
    assert!(!hostile.snippet.contains("<script"), "{}", hostile.snippet);
}

#[test]
fn scores_are_ordered_and_results_stable() {
    let f = fixture();
    let a = f.search("therapist client");
    let b = f.search("therapist client");
    assert_eq!(a, b);
    assert!(a.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn a_live_index_replaces_one_page_in_place() {
    let docs = docs();
    let (mut live, built) = LiveIndex::new(&docs, &Synonyms::parse(SYNONYMS).unwrap()).unwrap();
    let mut chunks = owned(&built.chunks);
    let hope = |body: &'static str| SectionDoc {
        page_title: "Hope and expectancy".into(),
        body: body.into(),
        kind: "factor".into(),
        kind_label: "factor".into(),
        url: "factors/hope.html".into(),
        ..Default::default()
    };
    let edited = [hope("Instillation of hope works through morale."), hope("A second section about morale.")];
    let before = live.segments();
    let update = live.update(&["factors/hope.html".into()], &edited).unwrap();
    assert_eq!(update.first_chunk, chunks.len(), "new texts go into new chunk files");
    chunks.extend(owned(&update.chunks));
    assert_eq!(live.segments(), before + 1, "one update, one small segment");

    let engine = Engine::open_whole(&update.index).unwrap();
    let f = Fixture { engine, chunks };
    assert!(f.urls("\"remoralization\"").is_empty(), "the old text is gone");
    let hits = f.search("instillation morale");
    assert_eq!(hits[0].url, "factors/hope.html", "{hits:?}");
    assert!(hits[0].snippet.contains("<mark>Instillation</mark>"), "{}", hits[0].snippet);
    assert_eq!(f.first("empathy"), "factors/empathy.html", "other pages are untouched");

    let removed = live.update(&["factors/hope.html".into()], &[]).unwrap();
    assert!(removed.chunks.is_empty());
    assert!(Engine::open_whole(&removed.index)
        .unwrap()
        .search(&SearchParams { query: "\"instillation\"".into(), kind: None, limit: 5 })
        .unwrap()
        .is_empty());
}

#[test]
fn the_same_pages_give_a_byte_identical_index() {
    let docs = docs();
    let synonyms = Synonyms::parse(SYNONYMS).unwrap();
    let a = build_index(&docs, &synonyms).unwrap();
    let b = build_index(&docs, &synonyms).unwrap();
    assert!(a.index == b.index, "the index differs between two builds of the same pages");
    // And the fixed segment ids still make a working index.
    let engine = Engine::open_whole(&a.index).unwrap();
    let p = SearchParams { query: "empathy".into(), kind: None, limit: 10 };
    assert!(!engine.search(&p).unwrap().is_empty());
}

#[test]
fn did_you_mean_offers_near_words_of_the_index() {
    let f = fixture();
    assert!(f.urls("xqzjw").is_empty());
    assert!(f.engine.suggest("xqzjw", None).unwrap().is_empty(), "nothing near: no suggestion");
    // Too far for typo matching (three edits), near enough for a suggestion.
    let word = "empthyy";
    assert!(f.urls(&format!("{word} ")).is_empty());
    let s = f.engine.suggest(word, None).unwrap();
    assert_eq!(s.first().map(String::as_str), Some("empathy"), "{s:?}");
    // Known and stop words stay as typed.
    assert_eq!(f.engine.suggest("how to empthyy", None).unwrap().first().map(String::as_str), Some("how to empathy"));
}

#[test]
fn marks_cover_typos_stems_and_synonyms_in_utf16_offsets() {
    let f = fixture();
    let texts = vec![
        "Empathic listening — “empathy” again.".to_string(),
        "The working alliance, or therapeutic relationship.".to_string(),
        "Nothing here.".to_string(),
    ];
    let marks = f.engine.marks("emapthy working alliance", &texts).unwrap();
    let words = |i: usize| -> Vec<String> {
        let units: Vec<u16> = texts[i].encode_utf16().collect();
        marks[i].iter().map(|&(a, b)| String::from_utf16_lossy(&units[a..b])).collect()
    };
    assert_eq!(words(0), ["empathy"], "the typo's correction, after non-ASCII text");
    assert_eq!(words(1), ["working alliance", "therapeutic relationship"]);
    assert!(marks[2].is_empty());
}
