//! Writes a generated benchmark site: `cargo run --release --example gen_corpus -- N DIR` (N >= 10).

#[path = "../benches/support/corpus.rs"]
mod corpus;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(dir)) = (args.get(1).and_then(|n| n.parse::<usize>().ok()), args.get(2)) else {
        eprintln!("usage: gen_corpus N DIR   (N pages of about 500 words, N >= 10)");
        std::process::exit(2);
    };
    if let Err(e) = corpus::generate(n.max(10), std::path::Path::new(dir)) {
        eprintln!("error: {dir}: {e}");
        std::process::exit(1);
    }
    println!("Wrote {} pages to {dir}", n.max(10));
}
