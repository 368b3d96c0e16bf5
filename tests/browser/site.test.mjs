// The bundled site in real headless Chromium, opened from disk (file://) and over http:
// every page and anchor resolves with no console errors and no request leaving the site folder;
// navigation through kinds, backlinks and a course; screenshots; axe-core; a keyboard-only walk.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { axe, bundledSite, launch, modes, repo, skipReason, watchPage } from "./lib.mjs";

let browser;
let context;
let site;
let ways = [];

before(async () => {
  if (skipReason) return;
  site = bundledSite();
  browser = await launch();
  context = await browser.newContext();
  ways = await modes(site);
});

after(async () => {
  for (const w of ways) await w.close();
  if (browser) await browser.close();
});

/** Internal links and element ids of the current page. */
async function linksAndIds(page) {
  return page.evaluate(() => ({
    // SVG links (concept maps) have no string `href` property: resolve their attribute.
    links: [...document.querySelectorAll("a[href]")].map((a) => new URL(a.getAttribute("href"), document.baseURI).href),
    ids: [...document.querySelectorAll("[id]")].map((e) => e.id),
  }));
}

for (const mode of ["file", "http"]) {
  test(`crawl over ${mode}: every page, link and anchor resolves, no errors, nothing fetched from outside`, { skip: skipReason }, async () => {
    const way = ways.find((w) => w.name === mode);
    const page = await context.newPage();
    const problems = watchPage(page, way.base);
    const start = way.url("index.html");
    const queue = [start];
    const seen = new Map(); // url without hash -> ids on that page
    const wanted = []; // [from, url with hash]
    while (queue.length) {
      const url = queue.shift();
      if (seen.has(url)) continue;
      const res = await page.goto(url);
      if (mode === "http") assert.equal(res.status(), 200, `${url} answered ${res.status()}`);
      const { links, ids } = await linksAndIds(page);
      seen.set(url, new Set(ids));
      for (const l of links) {
        if (!l.startsWith(way.base)) continue;
        const [bare, hash] = l.split("#");
        const file = bare.endsWith("/") ? bare + "index.html" : bare;
        if (hash) wanted.push([url, file, decodeURIComponent(hash)]);
        if (!seen.has(file) && file.endsWith(".html")) queue.push(file);
      }
    }
    for (const [from, file, hash] of wanted) {
      assert.ok(seen.has(file), `${from} links to ${file}, which was not reachable`);
      assert.ok(seen.get(file).has(hash), `${from} links to #${hash}, missing on ${file}`);
    }
    assert.ok(seen.size >= 100, `crawled only ${seen.size} pages`);
    assert.deepEqual(problems, []);
    await page.close();
  });

  test(`navigate over ${mode}: home -> kind index -> page -> backlink -> course next/previous`, { skip: skipReason }, async () => {
    const way = ways.find((w) => w.name === mode);
    const page = await context.newPage();
    const problems = watchPage(page, way.base);
    await page.goto(way.url("index.html"));
    await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name: "Factors" }).click();
    await page.waitForURL(/factors\/index\.html$/);
    await page.getByRole("link", { name: "Empathy", exact: true }).first().click();
    await page.waitForURL(/factors\/empathy\.html$/);
    assert.equal(await page.locator("h1").textContent(), "Empathy");
    const backlink = page.locator(".backlinks a").first();
    const target = await backlink.textContent();
    await backlink.click();
    assert.equal((await page.locator("h1").textContent()).trim(), target.trim());
    await page.goto(way.url("courses/foundations.html"));
    // The course page lists its modules; the positions count them.
    const modules = await page.locator(".module-list > li").count();
    await page.getByRole("link", { name: "Start with module 1" }).click();
    const first = await page.locator(".course-position").first().textContent();
    const total = Number(first.match(/Module 1 of (\d+)/)?.[1]);
    assert.ok(total >= 12 && total === modules, `${first} (${modules} modules listed)`);
    await page.locator(".course-nav a[rel=next]").first().click();
    assert.match(await page.locator(".course-position").first().textContent(), new RegExp(`Module 2 of ${total}`));
    await page.locator(".course-nav a[rel=prev]").first().click();
    assert.match(await page.locator(".course-position").first().textContent(), new RegExp(`Module 1 of ${total}`));
    assert.deepEqual(problems, []);
    await page.close();
  });
}

test("screenshots: desktop, mobile and dark mode, saved under target/screenshots", { skip: skipReason }, async () => {
  const dir = path.join(repo, "target", "screenshots");
  mkdirSync(dir, { recursive: true });
  const way = ways.find((w) => w.name === "file");
  const shots = {
    home: "index.html",
    factor: "factors/empathy.html",
    quiz: "factors/empathy.html#quiz",
  };
  // A site can turn search off in site.toml; the bundled one has it on.
  if (existsSync(path.join(site, "search.html"))) shots.search = "search.html?q=alliance";
  for (const [view, size, scheme] of [
    ["desktop", { width: 1280, height: 900 }, "light"],
    ["mobile", { width: 390, height: 844 }, "light"],
    ["dark", { width: 1280, height: 900 }, "dark"],
  ]) {
    const page = await context.newPage({});
    await page.setViewportSize(size);
    await page.emulateMedia({ colorScheme: scheme });
    for (const [name, rel] of Object.entries(shots)) {
      await page.goto(way.url(rel));
      await page.waitForLoadState("load");
      const file = path.join(dir, `${name}-${view}.png`);
      await page.screenshot({ path: file, fullPage: name !== "quiz" });
    }
    await page.close();
  }
});

test("axe-core finds no serious or critical violations on any page type, light and dark", { skip: skipReason }, async () => {
  const way = ways.find((w) => w.name === "http");
  const pages = [
    "index.html", "factors/index.html", "factors/empathy.html", "techniques/exposure.html", "components/bond.html",
    "modalities/cbt.html", "courses/foundations.html", "lessons/lesson-01-what-are-common-factors.html",
    "glossary.html", "tags/index.html", "404.html", "faqs/is-empathy-teachable.html", "references.html",
  ];
  const failures = [];
  for (const scheme of ["light", "dark"]) {
    const page = await context.newPage();
    await page.emulateMedia({ colorScheme: scheme });
    for (const rel of pages) {
      await page.goto(way.url(rel));
      for (const v of await axe(page)) failures.push(`${rel} (${scheme}): ${v}`);
    }
    await page.close();
  }
  assert.deepEqual(failures, []);
});

test("keyboard only: skip link, header navigation and search focus, with visible focus", { skip: skipReason }, async () => {
  const way = ways.find((w) => w.name === "file");
  const page = await context.newPage();
  await page.goto(way.url("factors/empathy.html"));
  await page.keyboard.press("Tab");
  const first = await page.evaluate(() => document.activeElement.textContent.trim());
  assert.equal(first, "Skip to content");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none", "focus is visible");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => location.hash), "#main");
  await page.keyboard.press("Shift+Tab");
  // From the top, Tab reaches the site title, the search box, the theme toggle, then the
  // section links at the top of the sidebar.
  await page.goto(way.url("factors/empathy.html"));
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Common Factors Atlas");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "theme-toggle");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.textContent.trim()), "Factors");
  await page.keyboard.press("Enter");
  await page.waitForURL(/factors\/index\.html$/);
  // "/" focuses the search box from anywhere but a text field.
  await page.keyboard.press("/");
  assert.equal(await page.evaluate(() => document.activeElement.id), "search-input");
  await page.close();
});
