//! The `rapport` command line: parse arguments, call the library, map results to exit codes.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rapport::{BuildOptions, Error};

// Rendering allocates many small strings on every core; mimalloc keeps that from contending.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Build cross-linked, searchable study sites with self-quizzes from structured Markdown.
#[derive(Parser)]
#[command(name = "rapport", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into a folder that works from disk (file://) and on any static host.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder (default: public/ under the site root).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Absolute URL of the published site, used in sitemap.xml (overrides site.toml).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Print how long each pipeline stage took, and the peak memory so far after each.
        #[arg(long)]
        timings: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Check pages, links, quizzes, citations (and the bibliography) and templates like `build` does, without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Check draft pages too.
        #[arg(long)]
        drafts: bool,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Create a new site in DIR: the Common Factors Atlas kinds with a sample page of each,
    /// or with --minimal general kinds (lesson, course, faq, glossary, page) for any course.
    Init {
        /// Folder for the new site (created if missing).
        dir: PathBuf,
        /// Start from general kinds (lesson, course, faq, glossary, page) instead of the atlas's.
        #[arg(long)]
        minimal: bool,
    },
    /// List the built-in templates, or write them into the site's theme folder to change them.
    Theme {
        #[command(subcommand)]
        what: ThemeCommand,
    },
    /// Create a page of KIND titled TITLE from the kind's skeleton (or archetypes/KIND.md).
    New {
        /// Kind of page, as declared in site.toml (factor, technique, faq, ...).
        kind: String,
        /// Title of the page; its slug and file name are derived from it.
        title: String,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Build, serve over HTTP with live reload, and rebuild on every change (for writing).
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to bind; anything but a loopback address makes the site reachable from other machines.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser.
        #[arg(long)]
        open: bool,
        /// Also serve draft pages.
        #[arg(long)]
        drafts: bool,
        /// Folder to build into (default: a private temporary folder).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        #[command(flatten)]
        report: ReportArgs,
    },
    /// Search the built site's index from the terminal (same engine and ranking as the browser).
    Search {
        /// The query: words, "quoted phrases"; the last word also matches as a prefix.
        query: String,
        #[command(flatten)]
        site: SiteArgs,
        /// Built site to search (default: public/ under the site root).
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Maximum number of results.
        #[arg(long, default_value_t = 10, value_name = "N")]
        limit: usize,
        /// Only results of this kind (factor, technique, ...).
        #[arg(long, value_name = "K")]
        kind: Option<String>,
        /// Print results as JSON (title, heading, url, kind, score, snippet).
        #[arg(long)]
        json: bool,
    },
    /// Export content for other tools: quiz questions for an LMS or Anki, a course as a SCORM
    /// package for an LMS or as an EPUB book.
    Export {
        #[command(subcommand)]
        what: ExportCommand,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// Export quiz questions as Moodle GIFT, a JSON question bank, an Anki deck (TSV) or an
    /// Anki package (.apkg, with -o).
    Quiz {
        /// Output format.
        #[arg(long, value_enum, default_value = "gift")]
        format: rapport::export::Format,
        #[command(flatten)]
        site: SiteArgs,
        /// Only questions from pages of this kind.
        #[arg(long, value_name = "K")]
        kind: Option<String>,
        /// Write to FILE instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Package a course: a SCORM 1.2 or SCORM 2004 zip to upload to an LMS (Moodle, Canvas, ...),
    /// or an EPUB 3 book for e-readers. The package is written whole or not at all.
    Course {
        /// Package format.
        #[arg(long, value_enum)]
        format: rapport::export::course::CourseFormat,
        #[command(flatten)]
        site: SiteArgs,
        /// The course page's slug (default: the site's only course).
        #[arg(long, value_name = "SLUG")]
        course: Option<String>,
        /// Package file (default: SLUG-scorm12.zip, SLUG-scorm2004.zip or SLUG.epub here).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        /// SCORM: percentage of a module's questions to get right to pass it.
        #[arg(long, default_value_t = 80, value_name = "PERCENT", value_parser = clap::value_parser!(u8).range(0..=100))]
        pass_mark: u8,
    },
}

#[derive(Subcommand)]
enum ThemeCommand {
    /// List the built-in templates and which of them the site overrides.
    List {
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Write built-in templates (all, or those named) to themes/<theme>/templates/ to edit them.
    Eject {
        /// Templates to write, e.g. footer.html (all when none is named).
        templates: Vec<String>,
        #[command(flatten)]
        site: SiteArgs,
        /// Replace the site's own copies.
        #[arg(long)]
        force: bool,
    },
}

#[derive(clap::Args)]
struct SiteArgs {
    /// Site root: the folder holding site.toml and content/.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
}

#[derive(clap::Args, Clone, Copy)]
struct ReportArgs {
    /// Print every problem (by default at most 50 of each kind, then "and N more like this").
    #[arg(long)]
    all_errors: bool,
}

impl ReportArgs {
    /// How many diagnostics of one kind to print.
    fn limit(self) -> Option<usize> {
        (!self.all_errors).then_some(rapport::diagnostics::DEFAULT_LIMIT_PER_KIND)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limit = match &cli.command {
        Command::Build { report, .. } | Command::Check { report, .. } | Command::Serve { report, .. } => report.limit(),
        _ => Some(rapport::diagnostics::DEFAULT_LIMIT_PER_KIND),
    };
    let writes = !matches!(cli.command, Command::Check { .. });
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // Errors with diagnostics get them and then a summary; a one-line error is printed once.
            if let Some(d) = e.diagnostics() {
                eprint!("{}", d.render_with(limit));
            }
            eprintln!("error: {}", failure_summary(&e, writes));
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// The last line of a failed command; `writes` is false for commands that never write (`check`).
fn failure_summary(e: &Error, writes: bool) -> String {
    match e {
        Error::Content(d) if writes => format!("stopped with {}; nothing was written", d.summary()),
        Error::Content(d) => format!("check found {}", d.summary()),
        Error::Config(_) => "site.toml must be fixed first".to_string(),
        other => other.to_string(),
    }
}

fn run(command: Command) -> Result<(), Error> {
    match command {
        Command::Build { site, output, base_url, drafts, timings, report: shown } => {
            let opts = BuildOptions { root: site.root, output, base_url, drafts };
            let spinner = progress("Building");
            let result = rapport::build(&opts);
            if let Some(s) = spinner {
                s.finish_and_clear();
            }
            let report = result?;
            if !report.diagnostics.is_empty() {
                eprint!("{}", report.diagnostics.render_with(shown.limit()));
            }
            println!(
                "Built {} pages ({} links, {} files) into {} in {:.2} s",
                report.pages,
                report.links,
                report.files,
                report.output.display(),
                report.elapsed.as_secs_f64()
            );
            if timings {
                for stage in &report.stages {
                    let peak =
                        stage.peak_memory.map(|b| format!("  (peak memory {} MiB)", b >> 20)).unwrap_or_default();
                    println!("  {:>8.3} s  {}{peak}", stage.took.as_secs_f64(), stage.name);
                }
            }
            Ok(())
        }
        Command::Check { site, drafts, report } => {
            let opts = BuildOptions { root: site.root, drafts, ..Default::default() };
            let (site, diags) = rapport::check(&opts)?;
            if !diags.is_empty() {
                eprint!("{}", diags.render_with(report.limit()));
            }
            println!("Checked {} pages and {} links: {}", site.pages.len(), site.graph.link_count, diags.summary());
            Ok(())
        }
        Command::Init { dir, minimal } => {
            let starter = if minimal { rapport::scaffold::Starter::Minimal } else { rapport::scaffold::Starter::Atlas };
            let written = rapport::scaffold::init(&dir, starter)?;
            println!("Created a new site in {} ({} files).", dir.display(), written.len());
            println!("Next: cd {} && rapport serve (or rapport build, then open public/index.html)", dir.display());
            Ok(())
        }
        Command::Theme { what: ThemeCommand::List { site } } => {
            for t in rapport::scaffold::templates(&site.root)? {
                let own = t.overridden.map(|p| format!("  (yours: {})", p.display())).unwrap_or_default();
                println!("{:<20} {}{own}", t.name, t.about);
            }
            Ok(())
        }
        Command::Theme { what: ThemeCommand::Eject { templates, site, force } } => {
            let written = rapport::scaffold::eject(&site.root, &templates, force)?;
            for path in &written {
                println!("Wrote {}", path.display());
            }
            let what = if written.len() == 1 { "it" } else { "them" };
            println!("Edit {what} there: the site's copy replaces the built-in template of the same name.");
            Ok(())
        }
        Command::New { kind, title, site } => {
            let path = rapport::scaffold::new_page(&site.root, &kind, &title)?;
            println!("Created {}", path.display());
            Ok(())
        }
        Command::Serve { site, port, bind, open, drafts, output, report } => {
            let build = BuildOptions { root: site.root, output, drafts, base_url: None };
            rapport::serve::serve(rapport::serve::ServeOptions { build, bind, port, open, limit: report.limit() })
        }
        Command::Search { query, site, output, limit, kind, json } => {
            let out_dir = output.unwrap_or_else(|| site.root.join("public"));
            let req = rapport::search::SearchRequest { query, limit, kind, json };
            print!("{}", rapport::search::search_command(&out_dir, &req)?);
            Ok(())
        }
        Command::Export { what: ExportCommand::Course { format, site, course, output, pass_mark } } => {
            let written = rapport::pipeline::export_course(
                &BuildOptions::at(site.root),
                format,
                course.as_deref(),
                output,
                pass_mark,
            )?;
            eprintln!("Wrote {written}");
            Ok(())
        }
        Command::Export { what: ExportCommand::Quiz { format: rapport::export::Format::Apkg, site, kind, output } } => {
            let path = output
                .ok_or_else(|| Error::Usage("an Anki package is a binary file: name it with -o FILE.apkg".into()))?;
            rapport::export::package::check_target(&path)?;
            let (site, _) = rapport::load(&BuildOptions::at(site.root))?;
            let notes = rapport::export::write_package(&site, kind.as_deref(), &path)?;
            eprintln!("Wrote {} ({notes} notes)", path.display());
            Ok(())
        }
        Command::Export { what: ExportCommand::Quiz { format, site, kind, output } } => {
            let (site, _) = rapport::load(&BuildOptions::at(site.root))?;
            let text = rapport::export::export(&site, format, kind.as_deref())?;
            match output {
                Some(path) => {
                    std::fs::write(&path, text).map_err(|source| Error::Io { path: path.clone(), source })?;
                    eprintln!("Wrote {}", path.display());
                }
                None => write_stdout(&text)?,
            }
            Ok(())
        }
    }
}

/// Writes to standard output; a closed pipe (`| head`) ends the output quietly instead of panicking.
fn write_stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(Error::Io { path: PathBuf::from("<stdout>"), source: e })
        }
        _ => Ok(()),
    }
}

/// A spinner on an interactive terminal; nothing in CI logs or pipes.
fn progress(msg: &'static str) -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() || std::env::var_os("CI").is_some() {
        return None;
    }
    let pb = indicatif::ProgressBar::new_spinner();
    pb.set_message(msg);
    pb.enable_steady_tick(std::time::Duration::from_millis(100));
    Some(pb)
}
