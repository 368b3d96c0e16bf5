// Search budgets (issues 3 and 20), measured on generated corpora:
// - index build time: full build with search on vs off, and peak memory (SEARCH_BUILDS=0 skips
//   it: benches/scale.sh times the builds itself);
// - wasm + glue, gzipped; the hot part and the pieces of the index;
// - what the first query loads besides the engine (over http): hot part, index pieces, text;
// - a query pasted into a cold page to its first results, from disk (file://) and over http;
// - keystroke-to-results median while typing (warm, from disk), in headless Chromium.
//
//   cargo build --release
//   node benches/search.mjs            # or: node benches/search.mjs 1000,10000
//
// Corpora come from examples/gen_corpus.rs (cached in $BENCH_TMP/rapport-scale-N, as
// benches/scale.sh has them;
// BENCH_TMP defaults to /tmp: point it at a tmpfs such as /dev/shm to take disk noise out of
// the build times).
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { fileUrl, launch, repo, serveDir } from "../tests/browser/lib.mjs";

const sizes = (process.argv[2] || "1000,10000").split(",").map(Number);
const bin = process.env.RAPPORT_BIN || path.join(repo, "target", "release", "rapport");
if (!existsSync(bin)) {
  console.error(`no release binary at ${bin}: run \`cargo build --release\` first`);
  process.exit(2);
}
const RUNS = 5;
const TMP = process.env.BENCH_TMP || "/tmp";
const QUERY = "therapeutic alliance";
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
const kib = (n) => `${(n / 1024).toFixed(0)} KiB`;

function corpus(n) {
  const dir = path.join(TMP, `rapport-scale-${n}`);
  if (!existsSync(path.join(dir, "site.toml"))) {
    execFileSync("cargo", ["run", "--release", "--quiet", "--example", "gen_corpus", "--", String(n), dir], {
      cwd: repo,
      stdio: "inherit",
    });
  }
  copyFileSync(path.join(repo, "synonyms.txt"), path.join(dir, "synonyms.txt"));
  return dir;
}

/** One build: [seconds, peak MiB]; `search` toggles [search] enabled in site.toml. */
function timeBuild(dir, search) {
  const toml = path.join(dir, "site.toml");
  const base = readFileSync(toml, "utf8").replace(/\n\[search\]\nenabled = false\n$/, "");
  writeFileSync(toml, search ? base : `${base}\n[search]\nenabled = false\n`);
  const out = path.join(dir, "public");
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", bin, "build", "--root", dir, "--output", out], { encoding: "utf8" });
  writeFileSync(toml, base);
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
  const [secs, kb] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
  return [secs, kb / 1024];
}

/** RUNS builds with search and RUNS without, alternating (so a busy spell hits both alike);
 *  the best time of each and the peak memory of the best build with search. */
function timeBuilds(dir) {
  let on = [Infinity, 0];
  let off = [Infinity, 0];
  for (let i = 0; i < RUNS; i++) {
    const a = timeBuild(dir, true);
    if (a[0] < on[0]) on = a;
    const b = timeBuild(dir, false);
    if (b[0] < off[0]) off = b;
  }
  return [on, off];
}

function dirBytes(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => {
    const p = path.join(dir, e.name);
    return sum + (e.isDirectory() ? dirBytes(p) : statSync(p).size);
  }, 0);
}

/** Waits in the page for the next results render; resolves to its detail. */
const nextRender = (page) =>
  page.evaluate(() => new Promise((ok) => document.addEventListener("rapport-search-rendered", (e) => ok(e.detail), { once: true })));

/** Files of the site requested before the first results were rendered (sizes from disk). */
async function bytesBeforeResults(browser, site) {
  // The text chunks come after the results (for snippets); they are counted too.
  const server = await serveDir(site);
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested = [];
  const ranges = new Map(); // path -> byte count of its Range requests (runs of pieces in a pack)
  page.on("request", (r) => {
    const p = decodeURIComponent(new URL(r.url()).pathname);
    const range = /^bytes=(\d+)-(\d+)$/.exec(r.headers().range || "");
    if (range) ranges.set(p, (ranges.get(p) || 0) + Number(range[2]) - Number(range[1]) + 1);
    requested.push(p);
  });
  await page.goto(server.url + "index.html");
  const pageLoad = requested.length;
  const rendered = nextRender(page);
  await page.focus("#search-input");
  await page.keyboard.insertText(QUERY); // one input event: one search
  await rendered;
  await page.locator("#search-results .search-snippet mark").first().waitFor({ timeout: 30000 }).catch(() => {});
  const before = requested.slice(pageLoad).concat(["/assets/search.js"]);
  await context.close();
  await server.close();
  const files = [...new Set(before)].filter((p) => p.includes("/search/") || p.endsWith("/search.js"));
  // A pack counts for the bytes its Range requests asked for (stored pieces: gzip gains nothing).
  const bufs = files.map((p) => [p, ranges.has(p) ? Buffer.alloc(ranges.get(p)) : readFileSync(path.join(site, p))]);
  const raw = bufs.reduce((s, [, b]) => s + b.length, 0);
  const zipped = bufs.reduce((s, [p, b]) => s + (ranges.has(p) ? b.length : gz(b)), 0);
  // The search data (index, text) apart from the engine, which is the same on every site.
  const dataFiles = bufs.filter(([p]) => p.includes("/search/") && !p.includes("search_wasm"));
  const data = dataFiles.reduce((s, [, b]) => s + b.length, 0);
  const pieces = dataFiles.filter(([p]) => p.includes("/pieces/") || ranges.has(p));
  const single = (p) => !p.includes("/pieces/") && !ranges.has(p);
  const shown = bufs.filter(([p]) => single(p)).map(([p, b]) => `${p} ${kib(b.length)} (${kib(gz(b))} gzipped)`);
  const runs = [...ranges.keys()].length;
  shown.push(`index pieces: ${kib(pieces.reduce((s, [, b]) => s + b.length, 0))} (${pieces.length - runs} single, and runs from ${runs} packs by Range)`);
  return { raw, zipped, data, files: shown };
}

/** A query pasted into a freshly opened page (`url`), to its first results: ms. */
async function coldQuery(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(url);
  const t = await page.evaluate(
    (q) =>
      new Promise((ok) => {
        const input = document.getElementById("search-input");
        const t0 = performance.now();
        document.addEventListener("rapport-search-rendered", () => ok(performance.now() - t0), { once: true });
        input.focus();
        input.value = q;
        input.dispatchEvent(new Event("input"));
      }),
    QUERY,
  );
  await context.close();
  return t;
}

async function coldAndKeystrokes(browser, site) {
  const server = await serveDir(site);
  const colds = [];
  const httpColds = [];
  for (let i = 0; i < 5; i++) {
    colds.push(await coldQuery(browser, fileUrl(site, "index.html")));
    httpColds.push(await coldQuery(browser, server.url + "index.html"));
  }
  await server.close();
  // Warm: type queries letter by letter; every render reports keystroke-to-results time.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(fileUrl(site, "index.html"));
  await page.evaluate(() => {
    window.__times = [];
    document.addEventListener("rapport-search-rendered", (e) => window.__times.push(e.detail.ms));
  });
  const warm = nextRender(page);
  await page.focus("#search-input");
  await page.keyboard.type("a");
  await warm;
  // The last two as trainees type: a question with function words, and a swapped letter.
  const typed = ["empathy", "alliance rupture", "hope and expectancy", "therapist warmth", "measurement",
    "how do i repair a rupture", "emapthy"];
  for (const q of typed) {
    await page.fill("#search-input", "");
    await page.keyboard.type(q, { delay: 60 });
    await page.waitForTimeout(200);
  }
  const times = await page.evaluate(() => window.__times.slice(1));
  await context.close();
  return { cold: median(colds), colds, httpCold: median(httpColds), httpColds, keystroke: median(times), n: times.length, max: Math.max(...times) };
}

const browser = await launch();
for (const n of sizes) {
  const dir = corpus(n);
  const builds = process.env.SEARCH_BUILDS === "0" ? null : timeBuilds(dir);
  const site = path.join(dir, "public");
  timeBuild(dir, true); // leave a site with search built
  const s = path.join(site, "search");
  const wasm = readFileSync(path.join(s, "search_wasm_bg.wasm"));
  // Glue: wasm-bindgen's and the page's own (assets/search.js).
  const glue = Buffer.concat([readFileSync(path.join(s, "search_wasm.js")), readFileSync(path.join(site, "assets", "search.js"))]);
  const hot = readFileSync(path.join(s, "hot.bin"));
  const pieces = readdirSync(path.join(s, "pieces")).filter((f) => f.endsWith(".bin"));
  console.log(`\n== ${n} pages`);
  if (builds) {
    const [[on, peak], [off]] = builds;
    console.log(`build: ${on.toFixed(2)} s with search, ${off.toFixed(2)} s without (+${(((on - off) / off) * 100).toFixed(0)}%), peak ${peak.toFixed(0)} MiB`);
  }
  console.log(`wasm + glue gzipped: ${kib(gz(wasm) + gz(glue))} (wasm ${kib(gz(wasm))}, glue ${kib(gz(glue))}; raw ${kib(wasm.length + glue.length)})`);
  const stored = pieces.reduce((sum, f) => sum + statSync(path.join(s, "pieces", f)).size, 0);
  console.log(`index: hot part ${kib(hot.length)}, ${pieces.length} pieces (${kib(stored)} deflated); body text chunks: ${kib(dirBytes(path.join(s, "text")))}`);
  const b = await bytesBeforeResults(browser, site);
  console.log(`first query "${QUERY}" (http), results and snippets: ${kib(b.raw)} loaded with the engine; search data besides the engine (hot part, pieces, text) ${kib(b.data)}`);
  for (const f of b.files) console.log(`  ${f}`);
  const t = await coldAndKeystrokes(browser, site);
  console.log(`pasted query to first results, cold: from disk median ${t.cold.toFixed(0)} ms (${t.colds.map((x) => x.toFixed(0)).join(", ")}); over http median ${t.httpCold.toFixed(0)} ms (${t.httpColds.map((x) => x.toFixed(0)).join(", ")})`);
  console.log(`keystroke to results (warm): median ${t.keystroke.toFixed(1)} ms over ${t.n} renders, max ${t.max.toFixed(1)} ms`);
}
await browser.close();
