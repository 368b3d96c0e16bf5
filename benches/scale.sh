#!/bin/sh
# Scale benchmark (issue 20): generates corpora with the in-repo generator (examples/gen_corpus.rs:
# pages of about 500 words, front matter, ten links a page, a citation on every third page, a quiz
# on every fifth) and reports for each size Rapport's build wall time, CPU time and peak memory
# (best of RUNS builds by wall time), Hugo's on the same pages when `hugo` is installed, then the
# browser search figures of benches/search.mjs (when node and Chromium are there).
#
#   benches/scale.sh                      # 10000 and 100000 pages
#   benches/scale.sh 1000 10000           # other sizes
#   SCALE_TMP=/dev/shm benches/scale.sh   # corpora and output on tmpfs (default /tmp)
#   RUNS=1 SCALE_SEARCH=0 benches/scale.sh 100000   # one build, no browser figures
#
# A 100,000-page corpus is about 400 MB of Markdown and its build needs a few GB of memory.
set -eu
cd "$(dirname "$0")/.."
TMP=${SCALE_TMP:-/tmp}
RUNS=${RUNS:-3}
[ $# -gt 0 ] || set -- 10000 100000
cargo build --release --quiet --bin rapport --example gen_corpus
BIN=$PWD/target/release/rapport
GEN=$PWD/target/release/examples/gen_corpus

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), $(free -g | awk '/^Mem:/ {print $2}') GiB, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "rapport: $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(date -u +%Y-%m-%dT%H:%MZ)"

# Runs "$@" RUNS times under /usr/bin/time; prints the best run: wall s, CPU s, peak MiB.
best_of() {
    i=0
    while [ "$i" -lt "$RUNS" ]; do
        i=$((i + 1))
        /usr/bin/time -f "%e %U %S %M" "$@" 2>&1 >/dev/null | tail -n 1
    done | sort -n | head -n 1 | awk '{printf "%8.2f %8.2f %9.0f", $1, $2 + $3, $4 / 1024}'
}

# A Hugo site over the same content/ folder, with the smallest layouts that render every page.
hugo_site() {
    h=$1-hugo
    mkdir -p "$h/layouts/_default"
    printf 'baseURL = "http://localhost/"\ntitle = "Benchmark corpus"\ncontentDir = "%s/content"\n' "$1" >"$h/hugo.toml"
    printf '<!doctype html><title>{{ .Title }}</title><h1>{{ .Title }}</h1>{{ .Content }}\n' >"$h/layouts/_default/single.html"
    printf '<!doctype html><title>{{ .Title }}</title><ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</ul>\n' >"$h/layouts/_default/list.html"
    echo "$h"
}

printf '%-8s %-8s %8s %8s %9s\n' tool pages "wall s" "CPU s" "peak MiB"
for n in "$@"; do
    dir=$TMP/rapport-scale-$n
    [ -f "$dir/site.toml" ] || "$GEN" "$n" "$dir" >/dev/null
    printf '%-8s %-8s %s\n' rapport "$n" "$(best_of "$BIN" build --root "$dir" -o "$dir/public")"
    if command -v hugo >/dev/null 2>&1; then
        h=$(hugo_site "$dir")
        printf '%-8s %-8s %s\n' hugo "$n" "$(best_of hugo --quiet --source "$h" --destination "$h/public")"
    fi
done

if [ "${SCALE_SEARCH:-1}" = 1 ] && command -v node >/dev/null 2>&1; then
    sizes=$(echo "$@" | tr ' ' ',')
    RAPPORT_BIN=$BIN BENCH_TMP=$TMP node benches/search.mjs "$sizes"
fi
