// The study layout of the bundled site at 1280×800 and 390×844, light and dark: sidebar with the
// course outline, drawer on the phone (keyboard and Esc), compact header, "On this page" at the top
// of the article on the phone and beside it on a wide screen, no horizontal overflow, prev/next
// right after the body with "Referenced by" grouped by kind after them, lessons badged as lessons
// with a breadcrumb through the course, the theme toggle remembered across reloads, and axe with
// the search dropdown open. Screenshots go to target/browser-artefacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { axe, bundledSite, launch, modes, repo, skipReason, watchPage } from "./lib.mjs";

const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LESSON = "lessons/lesson-02-the-therapeutic-alliance.html";
const FACTOR = "factors/empathy.html";
const COURSE = "courses/foundations.html";
const PAGES = [
  "index.html", "factors/index.html", FACTOR, LESSON, COURSE, "techniques/exposure.html", "glossary.html",
  "references.html", "search.html?q=alliance", "quiz/index.html", "quiz/progress.html", "tags/index.html", "404.html",
];
const ARTEFACTS = path.join(repo, "target", "browser-artefacts");

let browser;
let ways = [];

before(async () => {
  if (skipReason) return;
  mkdirSync(ARTEFACTS, { recursive: true });
  browser = await launch();
  ways = await modes(bundledSite());
});

after(async () => {
  for (const w of ways) await w.close();
  if (browser) await browser.close();
});

const fileWay = () => ways.find((w) => w.name === "file");

async function open(viewport, scheme, rel, way = fileWay()) {
  const context = await browser.newContext({ viewport, colorScheme: scheme });
  const page = await context.newPage();
  const problems = watchPage(page, way.base);
  await page.goto(way.url(rel));
  return { page, problems, close: () => context.close() };
}

const shotName = (rel) => rel.replace(/\?.*$/, "").replace(/\.html$/, "").replace(/[/]/g, "-");

for (const [view, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  for (const scheme of ["light", "dark"]) {
    test(`${view} ${scheme}: no page scrolls sideways; screenshots kept`, { skip: skipReason }, async () => {
      const { page, problems, close } = await open(viewport, scheme, "index.html");
      const wide = [];
      for (const rel of PAGES) {
        await page.goto(fileWay().url(rel));
        await page.waitForLoadState("load");
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (over > 0) wide.push(`${rel}: ${over}px wider than the window`);
        await page.screenshot({ path: path.join(ARTEFACTS, `${shotName(rel)}-${view}-${scheme}.png`), fullPage: rel === LESSON });
      }
      assert.deepEqual(wide, []);
      assert.deepEqual(problems, []);
      await close();
    });
  }
}

test("phone: compact header, contents at the top of the article, collapsed", { skip: skipReason }, async () => {
  const { page, close } = await open(PHONE, "light", FACTOR);
  const header = await page.locator(".site-header").boundingBox();
  assert.ok(header.height <= 110, `header is ${header.height}px high`);
  const toc = page.locator(".toc");
  const tocBox = await toc.boundingBox();
  const contentBox = await page.locator(".page .content").boundingBox();
  assert.ok(tocBox.y < contentBox.y, `"On this page" at ${tocBox.y}px, the text at ${contentBox.y}px`);
  assert.ok(tocBox.y < PHONE.height, `"On this page" starts at ${tocBox.y}px, below the first screen`);
  assert.equal(await page.locator(".toc details").evaluate((d) => d.open), false, "collapsed on the phone");
  await page.locator(".toc summary").click();
  await page.locator(".toc a").first().waitFor({ state: "visible" });
  // The sidebar is a closed drawer: its links are not on screen nor reachable by Tab.
  assert.equal(await page.locator("#sidebar").isVisible(), false);
  await close();
});

test("phone: the menu button opens the sidebar as a drawer by keyboard; Esc closes it", { skip: skipReason }, async () => {
  const { page, close } = await open(PHONE, "light", LESSON);
  const menu = page.locator(".menu-button");
  await menu.focus();
  await page.keyboard.press("Enter");
  assert.equal(await menu.getAttribute("aria-expanded"), "true");
  await page.locator("#sidebar").waitFor({ state: "visible" });
  // Focus moves into the drawer, to the page shown in the course outline.
  const focused = await page.evaluate(() => ({
    inside: document.getElementById("sidebar").contains(document.activeElement),
    current: document.activeElement.getAttribute("aria-current"),
  }));
  assert.deepEqual(focused, { inside: true, current: "page" });
  // Tab stays inside the open drawer.
  for (let i = 0; i < 40; i++) await page.keyboard.press("Tab");
  assert.ok(await page.evaluate(() => document.getElementById("sidebar").contains(document.activeElement)), "focus left the drawer");
  await page.screenshot({ path: path.join(ARTEFACTS, "drawer-open-phone.png") });
  await page.keyboard.press("Escape");
  assert.equal(await menu.getAttribute("aria-expanded"), "false");
  await page.locator("#sidebar").waitFor({ state: "hidden" });
  assert.equal(await page.evaluate(() => document.activeElement.className), "menu-button");
  // Space opens it too, and the close button closes it.
  await page.keyboard.press("Space");
  await page.getByRole("button", { name: "Close menu" }).click();
  await page.locator("#sidebar").waitFor({ state: "hidden" });
  await close();
});

test("desktop: sidebar with sections and the course outline, contents in a sticky column", { skip: skipReason }, async () => {
  const { page, close } = await open(DESKTOP, "light", LESSON);
  const sidebar = page.locator("#sidebar");
  assert.ok(await sidebar.isVisible());
  assert.equal(await page.locator(".menu-button").isVisible(), false);
  const current = sidebar.locator(".course-outline a[aria-current=page]");
  assert.equal(await current.count(), 1);
  assert.equal(await current.getAttribute("data-progress-slug"), "lesson-02-the-therapeutic-alliance");
  assert.equal(await sidebar.locator(".course-outline details").first().evaluate((d) => d.open), true);
  assert.ok((await sidebar.locator(".course-outline a[data-progress-slug]").count()) >= 12);
  assert.equal(await sidebar.locator("#continue-learning[hidden]").count(), 1);
  // Sidebar | article | contents, side by side, the contents open and sticky.
  const side = await sidebar.boundingBox();
  const text = await page.locator(".page .content").boundingBox();
  const toc = await page.locator(".toc").boundingBox();
  assert.ok(side.x + side.width <= text.x && text.x + text.width <= toc.x, JSON.stringify({ side, text, toc }));
  assert.ok(toc.x + toc.width <= DESKTOP.width);
  assert.equal(await page.locator(".toc details").evaluate((d) => d.open), true);
  await page.evaluate(() => window.scrollTo(0, 2000));
  const stuck = await page.locator(".toc").boundingBox();
  assert.ok(stuck.y >= 0 && stuck.y < 100, `contents at ${stuck.y}px after scrolling`);
  // The section the page belongs to lists its pages on a factor page, the page itself marked.
  await page.goto(fileWay().url(FACTOR));
  assert.equal(await page.locator("#sidebar .sidebar-pages a[aria-current=page]").textContent(), "Empathy");
  await close();
});

test("lesson: badged Lesson, breadcrumb through the course, prev/next right after the body, backlinks by kind after them", { skip: skipReason }, async () => {
  const { page, close } = await open(DESKTOP, "light", LESSON);
  assert.equal(await page.locator(".page-header .kind-badge").textContent(), "Lesson");
  const crumbs = await page.locator(".breadcrumbs a").allTextContents();
  assert.deepEqual(crumbs, ["Home", "Courses", "Foundations of the common factors"]);
  // What follows the text: its quiz, then the course navigation, then "Referenced by".
  const order = await page.evaluate(() => {
    const content = document.querySelector(".page > .content");
    const after = [];
    for (let el = content.nextElementSibling; el; el = el.nextElementSibling) {
      if (el.tagName !== "SCRIPT") after.push(el.className.split(" ")[0]);
    }
    return after;
  });
  const nav = order.indexOf("course-nav");
  assert.ok(nav >= 0, order.join(","));
  // Only the module's quiz (its questions and the practice links under them) may come between.
  assert.deepEqual(order.slice(0, nav).filter((c) => !c.startsWith("quiz")), [], `between the text and prev/next: ${order.join(",")}`);
  const back = order.indexOf("backlinks");
  assert.ok(back > nav, order.join(","));
  // Grouped by kind, each group headed by its kind.
  await page.goto(fileWay().url(FACTOR));
  const groups = await page.locator(".backlinks .backlink-group h3").allTextContents();
  assert.ok(groups.length >= 2, groups.join(","));
  assert.equal(new Set(groups).size, groups.length);
  await close();
});

test("course page lists its modules once, each marked for progress", { skip: skipReason }, async () => {
  const { page, close } = await open(DESKTOP, "light", COURSE);
  const inMain = await page.locator("main a[href$='lesson-01-what-are-common-factors.html']").count();
  assert.equal(inMain, 2, "the module list and the Start button only"); // the list entry and "Start with module 1"
  assert.equal(await page.locator("main .relation-title", { hasText: "Modules" }).count(), 0);
  const modules = page.locator("main .module-list a[data-progress-slug]");
  assert.ok((await modules.count()) >= 12);
  await close();
});

test("theme toggle: light, dark, system; the choice survives a reload", { skip: skipReason }, async () => {
  const { page, close } = await open(DESKTOP, "light", FACTOR);
  const theme = () => page.evaluate(() => document.documentElement.getAttribute("data-theme"));
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const toggle = page.locator(".theme-toggle");
  assert.equal(await theme(), null);
  const light = await bg();
  await toggle.click(); // system -> light
  assert.equal(await theme(), "light");
  await toggle.click(); // light -> dark
  assert.equal(await theme(), "dark");
  assert.notEqual(await bg(), light);
  assert.match(await toggle.textContent(), /dark/);
  await page.reload();
  assert.equal(await theme(), "dark");
  assert.notEqual(await bg(), light);
  await page.goto(fileWay().url("index.html"));
  assert.equal(await theme(), "dark", "remembered on other pages");
  await toggle.focus();
  await page.keyboard.press("Enter"); // dark -> system
  assert.equal(await theme(), null);
  await page.reload();
  assert.equal(await theme(), null);
  await close();
});

for (const [view, viewport] of [["desktop", DESKTOP], ["phone", PHONE]]) {
  for (const scheme of ["light", "dark"]) {
    test(`axe ${view} ${scheme}: no serious or critical violations, search dropdown open too`, { skip: skipReason }, async () => {
      const way = ways.find((w) => w.name === "http");
      const failures = [];
      const { page, close } = await open(viewport, scheme, "index.html", way);
      for (const rel of [FACTOR, LESSON, COURSE, "index.html"]) {
        await page.goto(way.url(rel));
        for (const v of await axe(page)) failures.push(`${rel}: ${v}`);
      }
      if (view === "phone") {
        await page.locator(".menu-button").click();
        await page.locator("#sidebar").waitFor({ state: "visible" });
        for (const v of await axe(page)) failures.push(`drawer open: ${v}`);
        await page.keyboard.press("Escape");
      }
      await page.goto(way.url(FACTOR));
      await page.locator("#search-input").fill("alliance");
      await page.locator("#search-listbox [role=option]").first().waitFor({ timeout: 15000 });
      await page.keyboard.press("ArrowDown");
      await page.screenshot({ path: path.join(ARTEFACTS, `search-open-${view}-${scheme}.png`) });
      for (const v of await axe(page)) failures.push(`search dropdown open: ${v}`);
      assert.equal(await page.locator("#search-listbox [role=option] a, #search-listbox [role=option] button").count(), 0);
      assert.deepEqual(failures, []);
      await close();
    });
  }
}

test("search snippets show titles, never raw slugs or [[links]]", { skip: skipReason }, async () => {
  const way = ways.find((w) => w.name === "http");
  const { page, close } = await open(DESKTOP, "light", "index.html", way);
  const queries = ["outcome variance", "risk safeguarding", "alliance history", "empathy", "measuring the alliance", "hope"];
  // Slugs of the site's pages with two hyphens or more (a single hyphen is often plain English).
  const slugs = readdirSync(bundledSite(), { recursive: true })
    .filter((f) => f.endsWith(".html"))
    .map((f) => path.basename(f, ".html"))
    .filter((s) => s.split("-").length > 2);
  const bad = [];
  for (const q of queries) {
    const hits = await page.evaluate((q) => window.RapportSearch.search(q, "", 20), q);
    for (const h of hits) {
      const text = `${h.title} ${h.summary} ${h.snippet.replace(/<[^>]+>/g, "")}`;
      if (/\[\[|\]\]|[\uE000\uE001]/.test(text)) bad.push(`${q}: ${h.url}: ${text}`);
      const slug = slugs.find((s) => text.includes(s));
      if (slug) bad.push(`${q}: ${h.url}: the slug "${slug}" in ${text.slice(0, 200)}`);
    }
  }
  assert.deepEqual(bad, []);
  await close();
});
