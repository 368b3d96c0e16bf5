//! Serve benchmark: on a generated 10k-page corpus, time from saving one page to the
//! live-reload event, as a browser tab would see it. Run with `cargo bench --bench serve`.

#[path = "support/corpus.rs"]
mod corpus;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let n: usize = std::env::var("RAPPORT_BENCH_PAGES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let dir = tempfile::tempdir().expect("temp dir");
    corpus::generate(n, dir.path()).expect("corpus");
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args(["serve", "--port", "0", "--root"])
        .arg(dir.path())
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
    std::thread::spawn(move || lines.for_each(drop));
    let mut sse = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    sse.write_all(b"GET /__rapport/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("request");
    sse.set_read_timeout(Some(Duration::from_millis(5))).expect("timeout");
    let mut seen = String::new();
    wait_for(&mut sse, &mut seen, "\r\n\r\n");
    let page = dir.path().join("content/factors/factor-0.md");
    let original = std::fs::read_to_string(&page).expect("page");
    let mut samples = Vec::new();
    for i in 0..20 {
        std::thread::sleep(Duration::from_millis(300));
        seen.clear();
        let start = Instant::now();
        std::fs::write(&page, format!("{original}\nEdit number {i}.\n")).expect("save");
        wait_for(&mut sse, &mut seen, "event: reload");
        samples.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    // Like Ctrl-C, so that serve removes its private output folder.
    // SAFETY: signals our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let _ = child.wait();
    samples.sort_by(f64::total_cmp);
    println!(
        "{n} pages: save -> reload event, 20 one-page edits: median {:.0} ms, p90 {:.0} ms, max {:.0} ms",
        samples[samples.len() / 2],
        samples[samples.len() * 9 / 10],
        samples[samples.len() - 1]
    );
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
