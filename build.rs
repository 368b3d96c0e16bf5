//! Builds the browser search engine (crates/search-wasm) for wasm32-unknown-unknown and runs
//! wasm-bindgen on it, so that a plain `cargo build` embeds a working engine in the binary.
//!
//! The nested cargo gets its own target folder: the outer cargo holds the lock on ours.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
const ADD_TARGET: &str = "rustup target add wasm32-unknown-unknown";

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let watched = ["crates/search-core", "crates/search-wasm", "crates/regex-lite-as-regex", "Cargo.lock", "build.rs"];
    for watched in watched {
        println!("cargo:rerun-if-changed={watched}");
    }
    println!("cargo:rerun-if-env-changed=RAPPORT_WASM_TARGET_DIR");
    ensure_target();
    let wasm = build_wasm(&root);
    bindgen(&wasm, &out_dir);
}

/// Installs the wasm32 target when it is missing (rustup does not, for a plain `cargo build`).
fn ensure_target() {
    if target_installed() {
        return;
    }
    println!("cargo:warning=installing the {TARGET} target: {ADD_TARGET}");
    let ok = Command::new("rustup").args(["target", "add", TARGET]).status().map(|s| s.success()).unwrap_or(false);
    if !ok || !target_installed() {
        panic!("the Rust target {TARGET} is missing and could not be installed; run `{ADD_TARGET}` and build again");
    }
}

fn target_installed() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let out = Command::new(rustc).args(["--print", "target-libdir", "--target", TARGET]).output();
    match out {
        Ok(o) if o.status.success() => {
            let dir = PathBuf::from(String::from_utf8_lossy(&o.stdout).trim());
            dir.is_dir() && std::fs::read_dir(&dir).map(|mut d| d.next().is_some()).unwrap_or(false)
        }
        _ => false,
    }
}

/// Where the nested build writes: beside the outer target folder, never inside a locked one.
fn wasm_target_dir(root: &Path) -> PathBuf {
    if let Ok(dir) = env::var("RAPPORT_WASM_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    match env::var("CARGO_TARGET_DIR") {
        Ok(dir) => PathBuf::from(dir).join("wasm"),
        Err(_) => root.join("target").join("wasm"),
    }
}

/// `cargo build --manifest-path crates/search-wasm/Cargo.toml --target wasm32-unknown-unknown
/// --profile wasm-release` (search-wasm is a workspace of its own).
fn build_wasm(root: &Path) -> PathBuf {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target_dir = wasm_target_dir(root);
    let mut cmd = Command::new(cargo);
    cmd.current_dir(root)
        .args(["build", "--manifest-path", "crates/search-wasm/Cargo.toml", "--target", TARGET])
        .args(["--profile", "wasm-release", "--target-dir"])
        .arg(&target_dir);
    // What the outer cargo (or clippy, or a coverage tool) set for *this* build must not leak
    // into the nested one: flags meant for the host, the jobserver, the clippy wrapper.
    for (key, _) in env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        let leaks = key.starts_with("CARGO_")
            && !key.starts_with("CARGO_HOME")
            && !key.starts_with("CARGO_NET")
            && !key.starts_with("CARGO_HTTP")
            && !key.starts_with("CARGO_REGISTRIES");
        let flags = matches!(
            key.as_str(),
            "RUSTFLAGS"
                | "RUSTDOCFLAGS"
                | "RUSTC_WRAPPER"
                | "RUSTC_WORKSPACE_WRAPPER"
                | "CARGO_MAKEFLAGS"
                | "MAKEFLAGS"
                | "MFLAGS"
                | "TARGET"
                | "HOST"
                | "OUT_DIR"
                | "PROFILE"
                | "OPT_LEVEL"
                | "DEBUG"
                | "NUM_JOBS"
                | "RUSTC_LINKER"
                | "__CARGO_FIX_PLZ"
        );
        if leaks || flags {
            cmd.env_remove(&key);
        }
    }
    let status = cmd.status().unwrap_or_else(|e| panic!("cannot run cargo for the search engine: {e}"));
    if !status.success() {
        panic!("building the browser search engine (crates/search-wasm) failed; see the errors above");
    }
    target_dir.join(TARGET).join("wasm-release").join("search_wasm.wasm")
}

/// Generates the no-modules JS glue (a classic script: works from file://, unlike ES modules).
fn bindgen(wasm: &Path, out_dir: &Path) {
    let mut b = wasm_bindgen_cli_support::Bindgen::new();
    b.input_path(wasm).typescript(false).remove_name_section(true).remove_producers_section(true);
    b.no_modules(true)
        .and_then(|b| b.no_modules_global("rapportSearchWasm"))
        .and_then(|b| b.generate(out_dir))
        .unwrap_or_else(|e| panic!("wasm-bindgen failed on {}: {e:#}", wasm.display()));
}
