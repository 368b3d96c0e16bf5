//! Generates a realistic, cross-linked corpus of N pages for benchmarks (shared by the
//! `gen_corpus` example and the benchmarks): about 500 words and ten links a page, a
//! citation on every third page, and a two-question quiz on every fifth.

use std::fmt::Write as _;
use std::path::Path;

/// Deterministic pseudo-random numbers (SplitMix64), so every run builds the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Vocabulary of the generated prose: domain words and glue words, so search has realistic terms.
const WORDS: &str = "alliance empathy client therapist session goals tasks bond feedback change hope expectancy warmth genuineness regard listening reflection validation insight behavioural cognitive exposure practice homework motivation readiness support culture rupture repair trust respect collaboration outcome measure progress structure emotion expression safety security learning skills confidence flexibility supervision awareness termination integration adaptation the a of and to in with for that is how when each their between over time work together relationship therapy factor process meaning experience understanding shared";

const CATEGORIES: &[&str] = &["relationship", "client", "therapist", "learning", "action", "hope", "process"];
const TAGS: &[&str] =
    &["alliance", "core conditions", "research", "practice", "supervision", "culture", "measurement", "ethics"];
const HEADINGS: &[&str] = &["What it is", "Why it matters", "In a session", "How to strengthen it", "Common pitfalls"];

/// Kind folder and slug of page `i` of a corpus of `n` pages.
fn page_of(i: usize) -> (&'static str, String) {
    match i % 10 {
        0..=3 => ("factors", format!("factor-{i}")),
        4..=5 => ("techniques", format!("technique-{i}")),
        6 => ("modalities", format!("modality-{i}")),
        7 => ("faqs", format!("faq-{i}")),
        _ => ("pages", format!("page-{i}")),
    }
}

fn sentence(rng: &mut Rng, count: usize) -> String {
    let words: Vec<&str> = WORDS.split(' ').collect();
    let mut s = String::new();
    for w in 0..count {
        if w > 0 {
            s.push(' ');
        }
        s.push_str(rng.pick(&words));
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect::<String>() + ".",
        None => s,
    }
}

/// The bundled bibliography, which the generated pages cite.
const BIBLIOGRAPHY: &str = include_str!("../../references.bib");

/// The keys of [`BIBLIOGRAPHY`] (`@type{key,` lines).
fn works() -> Vec<&'static str> {
    BIBLIOGRAPHY.lines().filter_map(|l| l.strip_prefix('@')?.split_once('{')?.1.strip_suffix(',')).collect()
}

/// A two-question quiz for page `i`, its explanation linking to page `target`.
fn quiz(rng: &mut Rng, i: usize, target: &str) -> String {
    let mut q = String::from("quiz:\n");
    let options: Vec<String> = (0..3).map(|k| format!("{} {k}", sentence(rng, 5).trim_end_matches('.'))).collect();
    let _ = writeln!(
        q,
        "  - type: single\n    id: q{i}-choice\n    prompt: \"{}?\"",
        sentence(rng, 10).trim_end_matches('.')
    );
    let _ = writeln!(q, "    options: [\"{}\"]", options.join("\", \""));
    let _ = writeln!(q, "    answer: \"{}\"", options[rng.below(3)]);
    let _ = writeln!(q, "    explanation: \"{} See [[{target}]].\"", sentence(rng, 12));
    let _ = writeln!(q, "  - type: truefalse\n    id: q{i}-true\n    prompt: \"{}\"", sentence(rng, 12));
    let _ = writeln!(q, "    answer: {}", rng.below(2) == 0);
    let _ = writeln!(q, "    explanation: \"{}\"", sentence(rng, 12));
    q
}

/// Writes site.toml, the bundled bibliography and `n` pages of about 500 words each under `dir`.
pub fn generate(n: usize, dir: &Path) -> std::io::Result<()> {
    let config = include_str!("../../site.toml");
    std::fs::create_dir_all(dir.join("content"))?;
    std::fs::write(
        dir.join("site.toml"),
        config.replace("title = \"Common Factors Atlas\"", "title = \"Benchmark corpus\""),
    )?;
    std::fs::write(dir.join("references.bib"), BIBLIOGRAPHY)?;
    let works = works();
    let mut rng = Rng::new(42);
    let modalities: Vec<usize> = (0..n).filter(|i| i % 10 == 6).collect();
    let factors: Vec<usize> = (0..n).filter(|i| i % 10 < 4).collect();
    for i in 0..n {
        let (folder, slug) = page_of(i);
        let mut fm = String::new();
        let _ = writeln!(fm, "title: \"{} {i}\"", sentence(&mut rng, 3).trim_end_matches('.'));
        let _ = writeln!(fm, "summary: \"{}\"", sentence(&mut rng, 18));
        let tags: Vec<&str> = (0..2).map(|_| rng.pick(TAGS)).collect();
        let _ = writeln!(fm, "tags: [{}]", tags.join(", "));
        match folder {
            "factors" => {
                let _ = writeln!(fm, "category: {}", rng.pick(CATEGORIES));
            }
            "techniques" if !modalities.is_empty() && !factors.is_empty() => {
                let _ = writeln!(fm, "modality: {}", page_of(modalities[rng.below(modalities.len())]).1);
                let builds: Vec<String> = (0..2).map(|_| page_of(factors[rng.below(factors.len())]).1).collect();
                let _ = writeln!(fm, "builds: [{}]", builds.join(", "));
            }
            "techniques" => {
                let _ = writeln!(fm, "modality: none");
            }
            _ => {}
        }
        if i % 5 == 0 {
            let target = page_of(rng.below(n)).1;
            fm.push_str(&quiz(&mut rng, i, &target));
        }
        let mut body = String::new();
        for h in HEADINGS {
            let _ = writeln!(body, "## {h}\n");
            for _ in 0..2 {
                let target = rng.below(n);
                let link = if rng.below(3) == 0 {
                    format!("[[{}#why-it-matters]]", page_of(target).1)
                } else {
                    format!("[[{}]]", page_of(target).1)
                };
                let _ = writeln!(body, "{} {link} {}\n", sentence(&mut rng, 24), sentence(&mut rng, 24));
            }
        }
        // Every third page cites a work, in turn, so that every work is cited from 500 pages up.
        if i % 3 == 0 && !works.is_empty() {
            let key = works[(i / 3) % works.len()];
            let _ = writeln!(body, "{} [@{key}].\n", sentence(&mut rng, 16).trim_end_matches('.'));
        }
        let text = format!("---\n{fm}---\n\n{body}");
        let folder_path = dir.join("content").join(folder);
        std::fs::create_dir_all(&folder_path)?;
        std::fs::write(folder_path.join(format!("{slug}.md")), text)?;
    }
    Ok(())
}
