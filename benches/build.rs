//! Build benchmark: generates 1k and 10k-page corpora and times `rapport build` on each,
//! reporting pages per second and peak memory (max RSS of the build process).
//! Run with `cargo bench --bench build`; figures go in the README.

#[path = "support/corpus.rs"]
mod corpus;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// Runs `cmd` and returns (seconds, peak RSS in MiB) of that child process alone.
// The child is reaped by `wait4`, which also reports its own peak memory; `Child::wait` cannot.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> (f64, f64) {
    let start = Instant::now();
    let child = cmd.spawn().expect("spawn rapport");
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child; `status` and `usage` are valid for writes.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let secs = start.elapsed().as_secs_f64();
    assert!(pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "build failed");
    (secs, usage.ru_maxrss as f64 / 1024.0)
}

fn dir_size(p: &Path) -> u64 {
    walkdir::WalkDir::new(p).into_iter().filter_map(Result::ok).filter_map(|e| e.metadata().ok()).map(|m| m.len()).sum()
}

fn main() {
    let sizes: Vec<usize> = std::env::var("RAPPORT_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000]);
    let bin = env!("CARGO_BIN_EXE_rapport");
    println!("{:>7} {:>9} {:>10} {:>11} {:>10}", "pages", "seconds", "pages/s", "peak MiB", "out MiB");
    for n in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        corpus::generate(n, dir.path()).expect("generate corpus");
        let out = dir.path().join("public");
        let mut best = (f64::MAX, 0.0);
        for _ in 0..3 {
            let (secs, mib) = measure(
                Command::new(bin)
                    .args(["build", "--root"])
                    .arg(dir.path())
                    .arg("-o")
                    .arg(&out)
                    .stdout(std::process::Stdio::null()),
            );
            if secs < best.0 {
                best = (secs, mib);
            }
        }
        let size = dir_size(&out) as f64 / 1_048_576.0;
        println!("{n:>7} {:>9.2} {:>10.0} {:>11.0} {:>10.1}", best.0, n as f64 / best.0, best.1, size);
    }
}
