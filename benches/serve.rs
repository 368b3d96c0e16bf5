//! Serve benchmark: on generated corpora (1k and 10k pages by default; `RAPPORT_BENCH_SIZES=1000,100000`
//! for others), time from saving one page to the live-reload event, as a browser tab would see it,
//! over 10 edits that each append a paragraph. Run with `cargo bench --bench serve`;
//! `RAPPORT_BIN=path` times another build of rapport on the same corpora.

#[path = "support/corpus.rs"]
mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const EDITS: usize = 10;

fn main() {
    let sizes: Vec<usize> = std::env::var("RAPPORT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let bin = std::env::var("RAPPORT_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_rapport").to_string());
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        corpus::generate(n, dir.path()).expect("corpus");
        bench(&bin, n, dir.path());
    }
}

/// Starts `rapport serve` on the corpus in `root`, edits one page `EDITS` times and prints the figures.
fn bench(bin: &str, n: usize, root: &Path) {
    let mut child = Command::new(bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let port: u16 = loop {
        let line = lines.next().expect("serve output").expect("line");
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            break rest.trim_end_matches(|c: char| !c.is_ascii_digit()).parse().expect("port");
        }
    };
    // serve's own report of each rebuild: "Rebuilt N files (M changed) in X ms".
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            if line.starts_with("Rebuilt") && tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut sse = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    sse.write_all(b"GET /__rapport/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("request");
    sse.set_read_timeout(Some(Duration::from_millis(5))).expect("timeout");
    let mut seen = String::new();
    wait_for(&mut sse, &mut seen, "\r\n\r\n");
    // factor-0 has a quiz, a citation and about ten links each way.
    let page = root.join("content/factors/factor-0.md");
    let mut text = std::fs::read_to_string(&page).expect("page");
    let mut samples = Vec::new();
    let mut reports = Vec::new();
    for i in 0..EDITS {
        // Long enough for the search index update that follows each reload to finish.
        std::thread::sleep(Duration::from_millis(if n >= 50_000 { 3000 } else { 600 }));
        seen.clear();
        text.push_str(&format!("\nEdit number {i}: one more paragraph about the alliance.\n"));
        let start = Instant::now();
        std::fs::write(&page, &text).expect("save");
        wait_for(&mut sse, &mut seen, "event: reload");
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
        if let Ok(line) = rx.recv_timeout(Duration::from_secs(5)) {
            reports.push(line);
        }
    }
    // Like Ctrl-C, so that serve removes its private output folder.
    // SAFETY: signals our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    samples.sort_by(f64::total_cmp);
    println!(
        "{n} pages: save -> reload event, {EDITS} one-paragraph edits: median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        samples[samples.len() / 2],
        samples[samples.len() * 9 / 10],
        samples[samples.len() - 1]
    );
    println!("  serve's report of the last edit: {}", reports.last().map_or("(none)", String::as_str));
}

fn wait_for(s: &mut TcpStream, seen: &mut String, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut buf = [0u8; 4096];
    while !seen.contains(needle) {
        assert!(Instant::now() < deadline, "timed out waiting for {needle:?}");
        if let Ok(n) = s.read(&mut buf) {
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    }
}
