//! Times the search index alone on a site, without rendering or writing anything:
//! `cargo run --release --example index_cpu -- DIR [RUNS]` (a corpus from `gen_corpus`).
//!
//! Prints the best wall time and the best CPU time (all threads) of RUNS builds (default 10),
//! the figure that decides how much indexing adds to a build on a machine whose cores the
//! rendering already keeps busy. CPU time is read from /proc, so Linux only.
use std::time::Instant;

// The same allocator as the binary, so the figures match what `rapport build` spends.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = args.next().ok_or("usage: index_cpu DIR [RUNS]")?;
    let runs: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(10);
    let (site, _) = rapport::load(&rapport::BuildOptions::at(root))?;
    let (mut wall, mut cpu) = (f64::MAX, f64::MAX);
    let mut bytes = 0;
    for _ in 0..runs {
        let (started, cpu_before) = (Instant::now(), process_cpu()?);
        let written = std::sync::atomic::AtomicUsize::new(0);
        let count = |files: Vec<rapport::model::output::OutputFile>| {
            let sum = files.iter().map(|f| f.bytes.len()).sum();
            written.fetch_add(sum, std::sync::atomic::Ordering::Relaxed);
        };
        rapport::search::index_site(&site, false, &count).map_err(|ds| format!("{ds:?}"))?;
        cpu = cpu.min(process_cpu()? - cpu_before);
        wall = wall.min(started.elapsed().as_secs_f64());
        bytes = written.into_inner();
    }
    println!(
        "{} pages: best of {runs}: {wall:.3} s wall, {cpu:.2} s CPU, {bytes} bytes of search files",
        site.pages.len()
    );
    Ok(())
}

/// User plus system CPU seconds of this process so far (clock ticks of 1/100 s).
fn process_cpu() -> Result<f64, Box<dyn std::error::Error>> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or_default().split_whitespace().collect();
    let ticks = |i: usize| -> Result<f64, Box<dyn std::error::Error>> {
        Ok(fields.get(i).ok_or("short /proc/self/stat")?.parse::<f64>()?)
    };
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}
