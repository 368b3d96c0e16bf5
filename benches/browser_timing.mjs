// Chromium's own timings for the largest pages of a built site, opened from disk:
// first contentful paint, DOM interactive and load, median of 5 loads each.
//
//   cargo build --release
//   node benches/browser_timing.mjs                     # the bundled site
//   cargo run --release --example gen_corpus -- 10000 /tmp/c10k
//   node benches/browser_timing.mjs /tmp/c10k           # a generated corpus
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { build, fileUrl, launch, repo, skipReason } from "../tests/browser/lib.mjs";

if (skipReason) {
  console.error(`cannot run: ${skipReason}`);
  process.exit(2);
}
const root = process.argv[2] || repo;
const site = build(root);

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(p) : e.name.endsWith(".html") ? [p] : [];
  });
}

const largest = htmlFiles(site)
  .map((f) => ({ f, size: statSync(f).size }))
  .sort((a, b) => b.size - a.size)
  .slice(0, 5);

const context = await launch();
const page = await context.newPage();
const median = (v) => v.sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`site: ${root}`);
console.log("page".padEnd(44), "KiB".padStart(7), "FCP ms".padStart(8), "interactive ms".padStart(15), "load ms".padStart(8));
for (const { f, size } of largest) {
  const runs = { fcp: [], interactive: [], load: [] };
  for (let i = 0; i < 5; i++) {
    await page.goto(fileUrl(site, path.relative(site, f)), { waitUntil: "load" });
    const t = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const nav = performance.getEntriesByType("navigation")[0];
          const done = (fcp) => resolve({ fcp, interactive: nav.domInteractive, load: nav.loadEventEnd });
          // Paint entries can be reported after `load`: wait for them briefly.
          new PerformanceObserver((list) => {
            const e = list.getEntries().find((x) => x.name === "first-contentful-paint");
            if (e) done(e.startTime);
          }).observe({ type: "paint", buffered: true });
          setTimeout(() => done(NaN), 2000);
        }),
    );
    for (const k of Object.keys(runs)) runs[k].push(t[k]);
  }
  console.log(
    path.relative(site, f).padEnd(44),
    (size / 1024).toFixed(0).padStart(7),
    median(runs.fcp).toFixed(0).padStart(8),
    median(runs.interactive).toFixed(0).padStart(15),
    median(runs.load).toFixed(0).padStart(8),
  );
}
await context.close();
