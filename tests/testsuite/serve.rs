//! `rapport serve`: live reload after edits, errors keep the last good site, path safety,
//! renames, deletes and bursts. Requests are written by hand on purpose: HTTP clients
//! normalise `..` away, and these tests must send exactly what an attacker would.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::SiteTest;

/// A running `rapport serve` on an ephemeral port; stopped on drop like Ctrl-C would (so it
/// removes its private output folder), killed if it does not stop.
struct Server {
    child: Child,
    port: u16,
    stdout: Arc<Mutex<Vec<String>>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Ok(Some(_)) = self.child.try_wait() {
            return;
        }
        // SAFETY: signals our own child process, which has not been reaped yet.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(t: &SiteTest) -> Server {
        Self::start_with(t, &[])
    }

    fn start_with(t: &SiteTest, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["serve", "--port", "0", "--root"])
            .arg(&t.root)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start serve");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let out = BufReader::new(child.stdout.take().unwrap());
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in out.lines().map_while(Result::ok) {
                if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
                    let _ = port_tx.send(rest.trim_end_matches(|c: char| !c.is_ascii_digit()).parse::<u16>().unwrap());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let port = port_rx.recv_timeout(Duration::from_secs(30)).expect("serve prints its address");
        Server { child, port, stdout: lines }
    }

    /// Sends `raw` request bytes and returns (status, body).
    fn raw(&self, raw: &[u8]) -> (u16, String) {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s.write_all(raw).unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
        (status, body)
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
    }

    /// Opens the live-reload event stream.
    fn events(&self) -> Events {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.write_all(b"GET /__rapport/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        s.set_read_timeout(Some(Duration::from_millis(200))).unwrap();
        let mut events = Events { stream: s, seen: String::new() };
        // The server subscribes before it answers: once the headers are here, no event can be missed.
        events.wait_for("\r\n\r\n");
        events
    }

    fn rebuild_lines(&self) -> usize {
        self.stdout.lock().unwrap().iter().filter(|l| l.starts_with("Rebuilt") || l.starts_with("Built")).count()
    }
}

struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    /// Reads until `needle` has been received.
    fn wait_for(&mut self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut buf = [0u8; 4096];
        while !self.seen.contains(needle) {
            assert!(Instant::now() < deadline, "no {needle:?} from the event stream");
            if let Ok(n) = self.stream.read(&mut buf) {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    }

    /// Waits for `event: NAME` and returns its data line.
    fn wait(&mut self, name: &str) -> String {
        let needle = format!("event: {name}\n");
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut buf = [0u8; 4096];
        loop {
            if let Some(at) = self.seen.find(&needle) {
                let rest = self.seen[at + needle.len()..].to_string();
                let data = rest.lines().next().unwrap_or("").trim_start_matches("data: ").to_string();
                self.seen = rest;
                return data;
            }
            assert!(Instant::now() < deadline, "no `{name}` event; got:\n{}", self.seen);
            if let Ok(n) = self.stream.read(&mut buf) {
                self.seen.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    }
}

fn edit(t: &SiteTest, rel: &str, f: impl FnOnce(String) -> String) {
    let path = t.root.join(rel);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(path, f(text)).unwrap();
}

#[test]
fn edit_reloads_and_errors_keep_the_last_good_site() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let (status, body) = server.get("/factors/hope.html");
    assert_eq!(status, 200);
    assert!(body.contains("/__rapport/livereload.js"), "live reload script injected");
    let mut events = server.events();

    edit(&t, "content/factors/hope.md", |s| s + "\nA freshly saved sentence.\n");
    events.wait("reload");
    assert!(server.get("/factors/hope.html").1.contains("A freshly saved sentence."));

    edit(&t, "content/factors/hope.md", |s| s + "\nNow a [[broken-target]] link.\n");
    let error = events.wait("build-error");
    assert!(error.contains("unknown link target `broken-target`"), "{error}");
    let (status, body) = server.get("/factors/hope.html");
    assert_eq!(status, 200, "the last good page is still served");
    assert!(body.contains("A freshly saved sentence.") && !body.contains("broken-target"));

    edit(&t, "content/factors/hope.md", |s| s.replace("Now a [[broken-target]] link.", "Fixed."));
    events.wait("reload");
    assert!(server.get("/factors/hope.html").1.contains("Fixed."));
}

#[test]
fn requests_outside_the_output_are_refused() {
    let t = SiteTest::from_fixture("basic").file("secret.txt", "TOP-SECRET");
    let server = Server::start(&t);
    for path in [
        "/../secret.txt",
        "/../../site/secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fsecret.txt",
        "/factors/..%2f..%2fsecret.txt",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/factors/../../secret.txt",
    ] {
        let (status, body) = server.get(path);
        assert!(status == 400 || status == 404, "{path} answered {status}");
        assert!(!body.contains("TOP-SECRET") && !body.contains("root:x:"), "{path} leaked a file");
    }
    // Large and malformed requests are answered or dropped, and the server keeps working.
    let long = format!("GET /{} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "a".repeat(200_000));
    let _ = server.raw(long.as_bytes());
    let _ = server.raw(b"NONSENSE\r\n\r\n");
    let _ = server.raw(b"GET / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\nxx");
    assert_eq!(server.get("/index.html").0, 200);
    assert_eq!(server.get("/assets/style.css").0, 200);
}

#[test]
fn renames_and_deletes_are_followed() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let mut events = server.events();
    std::fs::write(t.root.join("content/extra.md"), "---\ntitle: Extra\n---\nSee [[hope]].\n").unwrap();
    events.wait("reload");
    assert_eq!(server.get("/extra.html").0, 200);
    assert!(server.get("/factors/hope.html").1.contains("Extra"), "backlink appears on the target");

    std::fs::rename(t.root.join("content/extra.md"), t.root.join("content/moved.md")).unwrap();
    events.wait("reload");
    assert_eq!(server.get("/moved.html").0, 200);
    assert_eq!(server.get("/extra.html").0, 404, "the old URL is gone");

    // Deleting a page others link to is an error; the site stays as it was.
    std::fs::remove_file(t.root.join("content/factors/hope.md")).unwrap();
    let error = events.wait("build-error");
    assert!(error.contains("unknown link target `hope`") || error.contains("`hope`"), "{error}");
    assert_eq!(server.get("/factors/hope.html").0, 200);
}

#[test]
fn a_burst_of_a_thousand_files_gives_one_rebuild() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let mut events = server.events();
    let before = server.rebuild_lines();
    let dir = t.root.join("content/burst");
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..1000 {
        std::fs::write(dir.join(format!("note-{i}.md")), format!("---\ntitle: Note {i}\n---\nLinks to [[empathy]].\n"))
            .unwrap();
    }
    events.wait("reload");
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(server.rebuild_lines() - before, 1, "{:?}", server.stdout.lock().unwrap());
    assert_eq!(server.get("/burst/note-999.html").0, 200);
    assert!(server.get("/factors/empathy.html").1.contains("Note 999"));
}

#[test]
fn ctrl_c_stops_serve_cleanly() {
    let t = SiteTest::from_fixture("basic");
    let mut server = Server::start(&t);
    // SAFETY: signals our own child process, which is running.
    unsafe { libc::kill(server.child.id() as i32, libc::SIGINT) };
    let status = server.child.wait().expect("serve exits");
    assert!(status.success(), "{status:?}");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.stdout.lock().unwrap().iter().any(|l| l == "Stopped.") {
        assert!(Instant::now() < deadline, "no \"Stopped.\" in {:?}", server.stdout.lock().unwrap());
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn citations_follow_page_and_bibliography_edits() {
    let t = SiteTest::from_fixture("citations");
    let server = Server::start(&t);
    let mut events = server.events();

    // A page edit (the in-place path) updates its citations and the references page's "cited on".
    edit(&t, "content/techniques/reflection.md", |s| s + "\nThe bond matters too [@bordin1979].\n");
    events.wait("reload");
    assert!(server.get("/techniques/reflection.html").1.contains(">Bordin, 1979</a>)"));
    let refs = server.get("/references.html").1;
    let bordin = refs.split("<li id=\"bordin1979\">").nth(1).and_then(|r| r.split("</li>").next()).unwrap_or("");
    assert!(bordin.contains("techniques/reflection.html"), "{bordin}");

    // An unknown key is reported like any content error; the last good site stays.
    edit(&t, "content/techniques/reflection.md", |s| s.replace("[@bordin1979]", "[@bordin1997]"));
    let error = events.wait("build-error");
    assert!(error.contains("unknown citation key `bordin1997`"), "{error}");

    // Editing the bibliography rebuilds everything: the fixed key now resolves.
    edit(&t, "references.bib", |s| {
        s + "@book{bordin1997,\n  author = {Bordin, E. S.},\n  title = {A later book},\n  publisher = {P},\n  year = {1997}\n}\n"
    });
    events.wait("reload");
    assert!(server.get("/techniques/reflection.html").1.contains("references.html#bordin1997"));
}

#[test]
fn a_failed_first_build_is_served_as_an_error_and_recovers_on_save() {
    let t = SiteTest::from_fixture("basic");
    edit(&t, "content/factors/hope.md", |s| s + "\nA [[broken-first]] link.\n");
    let server = Server::start(&t);
    let (status, body) = server.get("/");
    assert_eq!(status, 200);
    assert!(body.contains("unknown link target `broken-first`") && body.contains("/__rapport/livereload.js"), "{body}");
    let mut events = server.events();
    assert!(events.wait("build-error").contains("broken-first"), "a tab opened now sees the error");
    edit(&t, "content/factors/hope.md", |s| s.replace("A [[broken-first]] link.", "Fixed."));
    events.wait("reload");
    assert!(server.get("/factors/hope.html").1.contains("Fixed."));
    assert!(!server.get("/").1.contains("broken-first"));
}

#[test]
fn requests_for_other_host_names_are_refused() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let get = |host: &str| {
        server.raw(format!("GET /index.html HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes()).0
    };
    assert_eq!(get("evil.example"), 403, "a DNS-rebinding name");
    assert_eq!(get(&format!("evil.example:{}", server.port)), 403);
    for ok in [format!("localhost:{}", server.port), format!("127.0.0.1:{}", server.port), "[::1]".to_string()] {
        assert_eq!(get(&ok), 200, "{ok}");
    }
}

#[test]
fn symbolic_links_in_the_output_do_not_lead_outside_it() {
    let t = SiteTest::from_fixture("basic").file("secret.txt", "TOP-SECRET");
    let out = t.root.join("served");
    let server = Server::start_with(&t, &["--output", out.to_str().unwrap()]);
    std::os::unix::fs::symlink(t.root.join("secret.txt"), out.join("leak.txt")).unwrap();
    std::os::unix::fs::symlink(&t.root, out.join("site")).unwrap();
    for path in ["/leak.txt", "/site/secret.txt"] {
        let (status, body) = server.get(path);
        assert_eq!(status, 404, "{path}");
        assert!(!body.contains("TOP-SECRET"), "{path} leaked a file");
    }
    assert_eq!(server.get("/index.html").0, 200);
}

#[test]
fn a_connection_that_sends_nothing_is_closed() {
    let t = SiteTest::from_fixture("basic");
    let server = Server::start(&t);
    let mut idle = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    // Far longer than the server's header timeout: a read that returns is the server closing.
    idle.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut buf = [0u8; 64];
    let read = idle.read(&mut buf);
    assert!(matches!(read, Ok(0)), "the server kept a silent connection open: {read:?}");
}

#[test]
fn a_broken_site_toml_at_start_is_served_as_an_error_and_recovers() {
    let t = SiteTest::from_fixture("basic");
    let good = std::fs::read_to_string(t.root.join("site.toml")).unwrap();
    std::fs::write(t.root.join("site.toml"), format!("{good}\nnot toml at all\n")).unwrap();
    let server = Server::start(&t);
    assert!(server.get("/").1.contains("site.toml"), "the error page names the file");
    let mut events = server.events();
    std::fs::write(t.root.join("site.toml"), good).unwrap();
    events.wait("reload");
    assert_eq!(server.get("/factors/hope.html").0, 200);
}

/// The served files, as a fresh build of the same sources would write them: every HTML page
/// with its bytes (the search index is updated in place by serve, so it is left out).
fn html_files(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

#[test]
fn after_errors_deletes_new_pages_and_new_folders_serve_equals_a_fresh_build() {
    let t = SiteTest::from_fixture("basic");
    let served = tempfile::tempdir().unwrap();
    let out = served.path().join("out");
    let server = Server::start_with(&t, &["-o", out.to_str().unwrap()]);
    let mut events = server.events();

    // Delete a page others link to: for a moment those links are real errors.
    std::fs::remove_file(t.root.join("content/factors/hope.md")).unwrap();
    assert!(events.wait("build-error").contains("hope"));
    // Fix the pages that linked to it, one save at a time.
    edit(&t, "content/lessons/lesson-two.md", |s| s.replace("[[hope]]", "hope"));
    events.wait("build-error");
    edit(&t, "content/factors/empathy.md", |s| {
        s.replace("[[hope#why-it-matters]], [[Hope|a hopeful stance]] and ", "")
            .replace("related: [hope]", "related: []")
    });
    // Every error reported is about a file as it is now on disk.
    let error = events.wait("build-error");
    assert!(error.contains("reflection.md") && !error.contains("empathy.md"), "{error}");
    edit(&t, "content/techniques/reflection.md", |s| s.replace("builds: [empathy, hope]", "builds: [empathy]"));
    events.wait("reload");
    assert_eq!(server.get("/factors/hope.html").0, 404, "the deleted page is no longer served");
    // A new page, and a static/ folder created while serve runs.
    let mut site = SiteTest::empty_dir();
    site.root = t.root.clone();
    site.run(&["new", "factor", "Warmth"]).ok();
    events.wait("reload");
    assert_eq!(server.get("/factors/warmth.html").0, 200);
    std::fs::create_dir_all(t.root.join("static/img")).unwrap();
    std::fs::write(t.root.join("static/img/room.png"), b"png").unwrap();
    events.wait("reload");
    std::fs::write(t.root.join("static/img/later.png"), b"png").unwrap();
    events.wait("reload");
    assert_eq!(server.get("/img/later.png").0, 200, "a file added to the new folder is served");

    // Same pages, same bytes as a fresh build of the same sources; and `check` agrees: no errors.
    let fresh = tempfile::tempdir().unwrap();
    let fresh_out = fresh.path().join("public");
    site.run(&["build", "-o", fresh_out.to_str().unwrap()]).ok();
    let (a, b) = (html_files(&out), html_files(&fresh_out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    let differing: Vec<&String> = a.keys().filter(|k| a[*k] != b[*k]).collect();
    assert!(differing.is_empty(), "pages that differ from a fresh build: {differing:?}");
    site.check().ok();
}

#[test]
fn serve_turns_off_search_packs_a_build_left_in_its_output() {
    let mut t = SiteTest::minimal().file("content/a.md", "---\ntitle: Alliance\n---\nThe working alliance.\n");
    let out = t.root.join("public");
    t.build().ok();
    let index = |out: &std::path::Path| std::fs::read(out.join("search/packs/index.bin")).unwrap();
    assert_ne!(index(&out)[..4], [0; 4], "a build writes packs");
    // serve rewrites single pieces, so a build's packs would go stale: its index says none.
    let s = Server::start_with(&t, &["--output", out.to_str().unwrap()]);
    let (status, body) = s.get("/search/packs/index.bin");
    assert_eq!(status, 200);
    assert_eq!(body.as_bytes(), [0; 4]);
}
