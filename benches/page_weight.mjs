// Page weight of every page of a built site, loaded over http on 127.0.0.1 in Debian's Chromium:
// JavaScript and CSS each page loads, gzipped (the search engine under search/ is loaded only when
// the search box is used, so it is counted apart), and any request that leaves the site folder.
// Budgets: JavaScript ≤ 60 KB gzipped per page besides the search engine, CSS ≤ 20 KB gzipped.
// Exits 1 over budget or on a request outside the site.
//
//   cargo build
//   node benches/page_weight.mjs               # the bundled site, built here
//   node benches/page_weight.mjs SITE_DIR      # an already built site
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, launch, repo, serveDir, skipReason } from "../tests/browser/lib.mjs";

if (skipReason) {
  console.error(`cannot run: ${skipReason}`);
  process.exit(2);
}
const site = process.argv[2] || build(repo);
const JS_BUDGET = 60 * 1024;
const CSS_BUDGET = 20 * 1024;

function htmlFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? htmlFiles(p) : e.name.endsWith(".html") ? [p] : [];
  });
}

const gz = new Map();
const gzipped = (file) => {
  if (!gz.has(file)) gz.set(file, gzipSync(readFileSync(file), { level: 9 }).length);
  return gz.get(file);
};

const server = await serveDir(site);
const browser = await launch();
const page = await browser.newPage();
let requests = [];
page.on("request", (r) => requests.push(r.url()));
const rows = [];
const outside = [];
for (const file of htmlFiles(site)) {
  const rel = path.relative(site, file).split(path.sep).join("/");
  requests = [];
  await page.goto(server.url + rel, { waitUntil: "load" });
  await page.waitForTimeout(50);
  const row = { rel, js: 0, css: 0, search: 0, inline: 0, data: 0 };
  for (const u of new Set(requests)) {
    if (u.startsWith("data:") || u.startsWith("blob:")) continue;
    if (!u.startsWith(server.url)) {
      outside.push(`${rel}: ${u}`);
      continue;
    }
    const local = path.join(site, decodeURIComponent(new URL(u).pathname));
    if (local.endsWith(".js") || local.endsWith(".wasm")) {
      const inSite = path.relative(site, local);
      if (inSite.startsWith("search" + path.sep)) row.search += gzipped(local);
      else {
        row.js += gzipped(local);
        // Data shipped as scripts for file:// (the question bank), counted in js and shown apart.
        if (!inSite.startsWith("assets" + path.sep)) row.data += gzipped(local);
      }
    } else if (local.endsWith(".css")) row.css += gzipped(local);
  }
  // Inline scripts count too.
  const inline = await page.evaluate(() => [...document.querySelectorAll("script:not([src])")].map((s) => s.textContent).join(""));
  row.inline = gzipSync(Buffer.from(inline), { level: 9 }).length;
  row.js += row.inline;
  rows.push(row);
}
await browser.close();
await server.close();

const kb = (n) => (n / 1024).toFixed(1);
const max = (key) => rows.reduce((a, b) => (b[key] > a[key] ? b : a));
const heaviest = rows.slice().sort((a, b) => b.js - a.js).slice(0, 5);
console.log(`${rows.length} pages of ${site} over http`);
console.log("heaviest pages by JavaScript (KB gzipped, search engine apart):");
for (const r of heaviest) {
  console.log(`  ${r.rel.padEnd(40)} JS ${kb(r.js).padStart(5)} (data scripts ${kb(r.data).padStart(5)})  CSS ${kb(r.css).padStart(4)}  search engine ${kb(r.search)}`);
}
const code = rows.reduce((a, b) => (b.js - b.data > a.js - a.data ? b : a));
console.log(`largest JavaScript code per page (theme scripts and inline, data scripts apart): ${kb(code.js - code.data)} KB gzipped (${code.rel})`);
const js = max("js");
const css = max("css");
console.log(`largest JavaScript per page: ${kb(js.js)} KB gzipped (${js.rel}); budget ${kb(JS_BUDGET)} KB`);
console.log(`largest CSS per page: ${kb(css.css)} KB gzipped (${css.rel}); budget ${kb(CSS_BUDGET)} KB`);
console.log(`requests leaving the site folder: ${outside.length}`);
for (const o of outside.slice(0, 20)) console.log(`  ${o}`);
const over = js.js > JS_BUDGET || css.css > CSS_BUDGET || outside.length > 0;
process.exit(over ? 1 : 0);
