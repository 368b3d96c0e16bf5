// Previews, glossary links and the concept map on the bundled site, opened from disk (file://)
// at 1280×800: a preview appears on hover and on keyboard focus and Esc closes it; a glossary
// link leads to its entry and previews its definition; every concept map link resolves; axe-core
// finds nothing serious with a preview open. Screenshots go to target/browser-artefacts/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { axe, bundledSite, fileUrl, launch, repo, skipReason, watchPage } from "./lib.mjs";

let browser;
let site;
const artefacts = path.join(repo, "target", "browser-artefacts");

before(async () => {
  if (skipReason) return;
  site = bundledSite();
  browser = await launch();
  mkdirSync(artefacts, { recursive: true });
});

after(async () => {
  if (browser) await browser.close();
});

/** A fresh 1280×800 page on `rel` of the bundled site, from disk, with its problems recorded. */
async function open(rel) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const problems = watchPage(page, fileUrl(site, ""));
  await page.goto(fileUrl(site, rel));
  return { page, problems };
}

const card = "#rapport-preview";

test("hovering a link to another page shows its preview; moving away and Esc close it", { skip: skipReason }, async () => {
  const { page, problems } = await open("factors/empathy.html");
  const link = page.locator('.content a[href$="genuineness.html"]:not(.glossary-term)').first();
  await link.hover();
  await page.locator(card).waitFor({ state: "visible" });
  const text = await page.locator(card).innerText();
  assert.match(text, /Genuineness/);
  assert.match(text, /FACTOR|Factor/);
  assert.equal(await page.locator(card).getAttribute("role"), "tooltip");
  assert.equal(await link.getAttribute("aria-describedby"), "rapport-preview");
  // Near the link: its top within a few pixels below or above it.
  const [l, c] = [await link.boundingBox(), await page.locator(card).boundingBox()];
  assert.ok(Math.abs(c.y - (l.y + l.height)) < 40 || Math.abs(c.y + c.height - l.y) < 40, `card at ${c.y}, link at ${l.y}`);
  await page.screenshot({ path: path.join(artefacts, "knowledge-preview-hover.png") });
  await page.keyboard.press("Escape");
  await page.locator(card).waitFor({ state: "hidden" });
  assert.equal(await link.getAttribute("aria-describedby"), null);
  // Esc keeps it closed while the pointer stays; leaving and coming back opens it again.
  await page.waitForTimeout(400);
  assert.ok(await page.locator(card).isHidden());
  await page.mouse.move(5, 790);
  await link.hover();
  await page.locator(card).waitFor({ state: "visible" });
  await page.mouse.move(5, 790);
  await page.locator(card).waitFor({ state: "hidden" });
  assert.deepEqual(problems, []);
  await page.close();
});

test("focusing a link with the keyboard shows its preview; Esc and blur close it", { skip: skipReason }, async () => {
  const { page, problems } = await open("factors/empathy.html");
  const link = page.locator('.content a[href$="genuineness.html"]:not(.glossary-term)').first();
  await link.focus();
  await page.locator(card).waitFor({ state: "visible" });
  assert.match(await page.locator(card).innerText(), /Genuineness/);
  await page.keyboard.press("Escape");
  await page.locator(card).waitFor({ state: "hidden" });
  await link.focus();
  await page.keyboard.press("Tab");
  await link.evaluate((a) => a.blur());
  assert.equal(await link.getAttribute("aria-describedby"), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test("no preview on touch-only devices", { skip: skipReason }, async () => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await page.goto(fileUrl(site, "factors/empathy.html"));
  const hoverNone = await page.evaluate(() => matchMedia("(hover: none)").matches);
  const link = page.locator('.content a[href$="genuineness.html"]:not(.glossary-term)').first();
  await link.focus();
  await page.waitForTimeout(600);
  assert.ok(hoverNone, "the emulated phone reports (hover: none)");
  assert.equal(await page.locator(card).count(), 0, "a touch-only device gets no preview card");
  await context.close();
});

test("glossary: the first use of a term links to its entry, which previews its definition", { skip: skipReason }, async () => {
  const { page, problems } = await open("factors/empathy.html");
  const terms = page.locator(".content a.glossary-term");
  assert.ok((await terms.count()) > 0, "the empathy page links glossary terms");
  const hrefs = await terms.evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  assert.equal(new Set(hrefs).size, hrefs.length, "each term is linked once");
  const first = terms.first();
  const href = await first.getAttribute("href");
  assert.match(href, /^\.\.\/glossary\.html#term-/);
  // Not inside headings, other links or code.
  assert.equal(await page.locator("h1 a.glossary-term, h2 a.glossary-term, h3 a.glossary-term, a a, code a").count(), 0);
  await first.hover();
  await page.locator(card).waitFor({ state: "visible" });
  const text = await page.locator(card).innerText();
  assert.match(text, /GLOSSARY|Glossary/);
  assert.ok(text.length > 40, text);
  await page.screenshot({ path: path.join(artefacts, "knowledge-glossary-preview.png") });
  await first.click();
  const id = decodeURIComponent(href.split("#")[1]);
  await page.waitForURL(/glossary\.html#term-/);
  assert.equal(await page.locator(`li[id="${id}"]`).count(), 1, `entry ${id} is on the glossary page`);
  assert.equal(await page.locator(".content a.glossary-term").count(), 0, "the glossary page links no terms");
  assert.deepEqual(problems, []);
  await page.close();
});

test("axe finds nothing serious or critical with a preview open, light and dark", { skip: skipReason }, async () => {
  for (const colorScheme of ["light", "dark"]) {
    const { page } = await open("factors/empathy.html");
    await page.emulateMedia({ colorScheme });
    await page.locator(".content a.glossary-term").first().focus();
    await page.locator(card).waitFor({ state: "visible" });
    assert.deepEqual(await axe(page), [], colorScheme);
    await page.screenshot({ path: path.join(artefacts, `knowledge-preview-focus-${colorScheme}.png`) });
    await page.close();
  }
  const map = await open("map.html");
  await map.page.locator("svg.concept-map a").first().focus();
  await map.page.locator(card).waitFor({ state: "visible" });
  assert.deepEqual(await axe(map.page), []);
  await map.page.close();
});

test("concept map: linked from the home page, every node a link that resolves, relations listed as text", { skip: skipReason }, async () => {
  const { page, problems } = await open("index.html");
  await page.locator('a[href="map.html"]').first().click();
  await page.waitForURL(/map\.html$/);
  const svg = page.locator("svg.concept-map");
  assert.equal(await svg.count(), 1);
  assert.ok(await page.locator("svg.concept-map > title").count(), "the map has a title");
  assert.ok(await page.locator("svg.concept-map > desc").count(), "the map has a description");
  const hrefs = await page.locator("svg.concept-map a").evaluateAll((as) => as.map((a) => new URL(a.getAttribute("href"), document.baseURI).href));
  assert.ok(hrefs.length >= 60, `${hrefs.length} nodes`);
  for (const h of hrefs) assert.ok(existsSync(fileURLToPath(h.split("#")[0])), `${h} resolves`);
  assert.ok((await page.locator(".map-list li").count()) > 30, "relations as a text list");
  await page.screenshot({ path: path.join(artefacts, "knowledge-map.png"), fullPage: true });
  await page.locator("svg.concept-map a").first().click();
  await page.waitForURL(/\.html$/);
  assert.ok(!page.url().endsWith("map.html"), "a node opens its page");
  assert.deepEqual(problems, []);
  await page.close();
});

test("a concept page shows its neighbourhood map, whose links resolve", { skip: skipReason }, async () => {
  const { page, problems } = await open("factors/empathy.html");
  const fig = page.locator("figure.neighbourhood-map");
  assert.equal(await fig.count(), 1);
  const hrefs = await fig.locator("svg a").evaluateAll((as) => as.map((a) => new URL(a.getAttribute("href"), document.baseURI).href));
  assert.ok(hrefs.length >= 2, `${hrefs.length} neighbours`);
  for (const h of hrefs) assert.ok(existsSync(fileURLToPath(h.split("#")[0])), `${h} resolves`);
  await fig.screenshot({ path: path.join(artefacts, "knowledge-neighbourhood.png") });
  assert.deepEqual(problems, []);
  await page.close();
});
