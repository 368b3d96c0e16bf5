//! Times index building alone on synthetic sections:
//! `cargo run --release -p search-core --example index_speed [SECTIONS]` (default 6000; a
//! 10k-page corpus has about 60000).
use std::time::Instant;

use search_core::{build_index, SectionDoc, Synonyms};

fn main() {
    let words: Vec<&str> = "alliance empathy client therapist session goals tasks bond feedback change hope expectancy warmth genuineness regard listening reflection validation insight behavioural cognitive exposure practice homework motivation the a of and to in with for that is how when each their".split(' ').collect();
    let mut seed = 42u64;
    let mut next = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let sections = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(6000);
    let docs: Vec<SectionDoc> = (0..sections)
        .map(|i| SectionDoc {
            page_title: format!("Page {}", i / 6).into(),
            heading: (i % 6 != 0).then(|| "Why it matters".into()),
            body: (0..100).map(|_| words[next(words.len())]).collect::<Vec<_>>().join(" ").into(),
            summary: "A summary of this page in a sentence or two.".into(),
            kind: "factor".into(),
            kind_label: "Factor".into(),
            url: format!("p{}.html#s{}", i / 6, i % 6).into(),
            ..Default::default()
        })
        .collect();
    let syn = if std::env::var_os("NOSYN").is_some() {
        Synonyms::empty()
    } else {
        Synonyms::parse(include_str!("../../../synonyms.txt")).expect("synonyms")
    };
    let t = Instant::now();
    let built = build_index(&docs, &syn).expect("index");
    println!("{} docs: {:.3} s, blob {} KiB", docs.len(), t.elapsed().as_secs_f64(), built.blob.len() / 1024);
}
