// Shared harness for browser tests: Debian's headless Chromium through playwright-core, a static
// http server for built sites, file:// URLs, and the built sites the Rust runner (tests/browser.rs)
// prepares. Scenario files (*.test.mjs) import from here and run under `node --test`.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

// The binary under test: RAPPORT_BIN (set by tests/browser.rs), else the newest local build.
const builds = ["debug", "release"].map((p) => path.join(repo, "target", p, "rapport")).filter((f) => existsSync(f));
builds.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
export const RAPPORT = process.env.RAPPORT_BIN || builds[0] || path.join(repo, "target", "debug", "rapport");

let playwright = null;
try {
  playwright = await import("playwright-core");
} catch {
  playwright = null;
}

/** Why browser tests cannot run here, or false when they can. */
export const skipReason = !playwright
  ? "playwright-core is not installed: run `npm ci`"
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM}: run \`apt-get install chromium\``
    : !existsSync(RAPPORT)
      ? `no rapport binary at ${RAPPORT}: run \`cargo build\``
      : false;

/** Launches headless Chromium (a fresh temporary profile each time) with no background network
 *  traffic. With `sharedStorage`, the pages of one site in a context run in one renderer
 *  process (`--process-per-site`) while one of them stays open. Across processes Chromium
 *  passes localStorage writes on asynchronously and, under load, was seen to drop them (the
 *  writing page held its four answers, every page opened after it none: 1 in 360 probes with
 *  the CPU busy, and in 2 of 5 fresh-clone CI runs). One process made that rarer, not gone (a
 *  CI run still saw it once), so progress.test.mjs also checks that its answers were saved.
 *  Tests of progress check Rapport's reading and writing of the storage, not that message
 *  passing. */
export async function launch({ sharedStorage = false } = {}) {
  const args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];
  if (sharedStorage) args.push("--process-per-site");
  return playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

/** Builds the site at `root` into a fresh folder and returns that folder. */
export function build(root, extraArgs = []) {
  const out = path.join(mkdtempSync(path.join(tmpdir(), "rapport-site-")), "public");
  execFileSync(RAPPORT, ["build", "--root", root, "--output", out, ...extraArgs], { stdio: "pipe" });
  return out;
}

/** The bundled site, built once by tests/browser.rs (RAPPORT_SITE) or here. */
let bundled = null;
export function bundledSite() {
  if (!bundled) bundled = process.env.RAPPORT_SITE || build(repo);
  return bundled;
}

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript", ".mjs": "text/javascript",
  ".json": "application/json", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png",
  ".xml": "application/xml", ".txt": "text/plain", ".bin": "application/octet-stream",
};

/** Serves `dir` over http on 127.0.0.1 (ephemeral port), answering single Range requests unless
 *  `ranges` is false; resolves to { url, close }. */
export function serveDir(dir, { ranges = true } = {}) {
  const root = path.resolve(dir);
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = path.join(root, rel);
    if (!file.startsWith(root)) {
      res.writeHead(404).end();
      return;
    }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file)) {
      res.writeHead(404).end("not found");
      return;
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    // One byte range, as static hosts answer it (search fetches runs of index pieces so).
    const range = ranges && /^bytes=(\d+)-(\d+)$/.exec(req.headers.range || "");
    if (range) {
      // Only the range is read, as a static server does: packs are megabytes.
      const size = statSync(file).size;
      const [from, to] = [Number(range[1]), Math.min(Number(range[2]), size - 1)];
      if (from > to) {
        res.writeHead(416, { "content-range": `bytes */${size}` }).end();
        return;
      }
      const bytes = Buffer.alloc(Math.max(0, to - from + 1));
      const fd = openSync(file, "r");
      readSync(fd, bytes, 0, bytes.length, from);
      closeSync(fd);
      res.writeHead(206, { "content-type": type, "content-range": `bytes ${from}-${to}/${size}` });
      res.end(bytes);
      return;
    }
    res.writeHead(200, { "content-type": type });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({ url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** The file:// URL of `rel` (which may carry ?query and #hash) inside the built folder `dir`. */
export function fileUrl(dir, rel = "index.html") {
  const [, file, rest] = rel.match(/^([^?#]*)(.*)$/);
  return pathToFileURL(path.join(dir, file)).href + rest;
}

/** Both ways a site is opened: from disk and over http. Each has `base` and `url(rel)`. */
export async function modes(dir) {
  const server = await serveDir(dir);
  return [
    { name: "file", base: pathToFileURL(dir + path.sep).href, url: (rel) => fileUrl(dir, rel), close: async () => {} },
    { name: "http", base: server.url, url: (rel) => server.url + rel, close: server.close },
  ];
}

/** Records console errors, page errors and requests that leave `base`. */
export function watchPage(page, base) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("blob:")) problems.push(`request outside the site: ${u}`);
  });
  return problems;
}

/** Runs axe-core in the page; returns its serious and critical violations. */
export async function axe(page) {
  await page.addScriptTag({ path: path.join(repo, "node_modules", "axe-core", "axe.min.js") });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ["violations"] }));
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
}

/** Answers question `q` (its data as in the page) correctly in its form, with the controls a person uses. */
export async function answerRight(form, q) {
  switch (q.type) {
    case "single":
      await form.getByLabel(q.options[q.answer], { exact: true }).check();
      break;
    case "multiple":
      for (const i of q.answer) await form.getByLabel(q.options[i], { exact: true }).check();
      break;
    case "truefalse":
      await form.getByLabel(q.answer ? "True" : "False", { exact: true }).check();
      break;
    case "short":
      await form.getByLabel("Your answer").fill(q.answers[0]);
      break;
    case "matching":
      for (const [i, left] of q.left.entries()) await form.getByLabel(left, { exact: true }).selectOption({ label: q.right[i] });
      break;
    case "ordering":
      for (let i = 0; i < q.steps.length; i++) {
        const step = form.locator(`li[data-step="${i}"]`);
        while ((await form.locator(".quiz-step").evaluateAll((lis, s) => lis.findIndex((li) => li.dataset.step === s), String(i))) > i) {
          await step.locator('[data-dir="up"]').click();
        }
      }
      break;
  }
  await form.getByRole("button", { name: "Check", exact: true }).click();
}
