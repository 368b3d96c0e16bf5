// Lighthouse 12 (npm lighthouse@12.2.3, its default mobile emulation) on Debian's Chromium for the
// bundled site's home page, a factor page and a lesson, served over http on 127.0.0.1.
// Prints each category's score; exits 1 when one is below 95. Slow (about a minute a page on a
// busy machine), so it is a benchmark, not part of `cargo test`.
//
//   cargo build
//   node benches/lighthouse.mjs                # the bundled site, built here
//   node benches/lighthouse.mjs SITE_DIR       # an already built site
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { build, CHROMIUM, repo, serveDir, skipReason } from "../tests/browser/lib.mjs";

if (skipReason) {
  console.error(`cannot run: ${skipReason}`);
  process.exit(2);
}
const site = process.argv[2] || build(repo);
const PAGES = {
  home: "index.html",
  factor: "factors/empathy.html",
  lesson: "lessons/lesson-02-the-therapeutic-alliance.html",
};
const MIN = 95;
const out = path.join(repo, "target", "browser-artefacts");
mkdirSync(out, { recursive: true });

const server = await serveDir(site);
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
});
const low = [];
try {
  const version = JSON.parse(readFileSync(path.join(repo, "node_modules", "lighthouse", "package.json"), "utf8")).version;
  console.log(`Lighthouse ${version}, mobile, ${server.url}`);
  console.log("page".padEnd(8), "performance".padStart(12), "accessibility".padStart(14), "best-practices".padStart(15), "seo".padStart(5));
  for (const [name, rel] of Object.entries(PAGES)) {
    const result = await lighthouse(server.url + rel, { port: chrome.port, output: "json", logLevel: "error" });
    const lhr = result.lhr;
    writeFileSync(path.join(out, `lighthouse-${name}.json`), result.report);
    const score = (id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const row = ["performance", "accessibility", "best-practices", "seo"].map(score);
    console.log(name.padEnd(8), ...row.map((s, i) => String(s).padStart([12, 14, 15, 5][i])));
    ["performance", "accessibility", "best-practices", "seo"].forEach((id, i) => {
      if (row[i] < MIN) {
        const failing = Object.values(lhr.audits)
          .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable")
          .filter((a) => lhr.categories[id].auditRefs.some((r) => r.id === a.id && r.weight > 0))
          .map((a) => `${a.id} (${a.displayValue || a.score})`);
        low.push(`${name} ${id} ${row[i]}: ${failing.join(", ")}`);
      }
    });
  }
} finally {
  await chrome.kill();
  await server.close();
}
if (low.length) {
  console.log(`\nbelow ${MIN}:\n${low.join("\n")}`);
  process.exit(1);
}
