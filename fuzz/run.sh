#!/usr/bin/env bash
# Fuzzes each target for SECONDS (default 600) with cargo-fuzz; stops at the first crash.
# Needs a nightly toolchain and cargo-fuzz: `rustup toolchain install nightly` and
# `cargo install cargo-fuzz`. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
targets=(front_matter quiz_yaml wikilinks synonyms site_toml)
for t in "${targets[@]}"; do
  echo "== $t: ${seconds}s"
  # A copy of the seed corpus, so new inputs libFuzzer finds stay out of the repository.
  work="$(mktemp -d)"
  cp -r "corpus/$t/." "$work/"
  cargo +nightly fuzz run "$t" "$work" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=4096
  rm -rf "$work"
done
echo "all ${#targets[@]} targets ran ${seconds}s each without a crash"
