// Browser test of quizzes in real headless Chromium (playwright-core drives the system Chromium).
//
// Builds tests/fixtures/quiz-site with the rapport binary, then: answers a question right and one
// wrong and sees feedback and score; reloads and finds the progress kept; sees the missed question
// (and only it) in the review queue; checks the page without JavaScript; and runs a practice
// round over http, filtered to one concept page.
//
// Run: `cargo test` (tests/browser.rs), or `npm ci && cargo build && node --test tests/browser/`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { answerRight, build, fileUrl as siteFileUrl, launch, repo, serveDir, skipReason as skip } from "./lib.mjs";

let out;
let browser;
let server;
let httpBase;

before(async () => {
  if (skip) return;
  out = build(path.join(repo, "tests", "fixtures", "quiz-site"));
  browser = await launch({ sharedStorage: true });
  server = await serveDir(out);
  httpBase = server.url;
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

const fileUrl = (rel) => siteFileUrl(out, rel);

/** A page that fails the test on any script error. */
async function open(context, url) {
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(url);
  page.errors = errors;
  return page;
}

test("answer right and wrong, keep progress across reloads, review what was missed (file://)", { skip }, async () => {
  const context = await browser.newContext();
  const page = await open(context, fileUrl("factors/alliance.html"));
  await page.locator("section.quiz.is-interactive").waitFor();
  const score = page.locator(".quiz-score");
  assert.match(await score.textContent(), /4 questions\. Score: none checked yet\./);

  // Right: single choice, chosen with the keyboard (Tab to the options, arrow keys move between radios).
  const bordin = page.locator('form[data-qid="bordin"]');
  await bordin.getByLabel("Carl Rogers").focus();
  await page.keyboard.press("ArrowDown");
  assert.equal(await bordin.getByLabel("Edward Bordin").isChecked(), true);
  await bordin.getByRole("button", { name: "Check", exact: true }).click();
  const right = bordin.locator(".quiz-feedback");
  assert.match(await right.textContent(), /Correct\./);
  assert.match(await right.textContent(), /Bordin.s 1979 model is pan-theoretical/);
  assert.equal(await right.getAttribute("role"), "status");
  assert.match(await score.textContent(), /Score: 1 of 1 correct \(1 of 4 answered\)/);

  // Wrong: true/false; per-answer feedback, the right answer, and links back to the concept page.
  const tf = page.locator("form.quiz-form", { hasText: "person-centred" });
  await tf.getByLabel("True").check();
  await tf.getByRole("button", { name: "Check", exact: true }).click();
  const wrong = tf.locator(".quiz-feedback");
  assert.match(await wrong.textContent(), /Not quite\./);
  assert.match(await wrong.textContent(), /It matters across modalities\./);
  assert.match(await wrong.textContent(), /The answer: False/);
  assert.equal(await wrong.getByRole("link", { name: "Therapeutic alliance" }).count(), 1);
  assert.match(await score.textContent(), /Score: 1 of 2 correct \(2 of 4 answered\)/);

  // Ordering with the keyboard: Enter on "Move … down" moves the step and keeps focus on the button.
  const order = page.locator("form.quiz-form", { hasText: "rupture repair in order" });
  const before = await order.locator(".quiz-step-text").allTextContents();
  await order.locator(".quiz-move").nth(1).focus();
  await page.keyboard.press("Enter");
  const afterMove = await order.locator(".quiz-step-text").allTextContents();
  assert.deepEqual(afterMove.slice(0, 2), [before[1], before[0]]);
  assert.match(await page.evaluate(() => document.activeElement.getAttribute("aria-label")), /^Move “.+” down$/);
  assert.match(await order.locator("[aria-live=assertive]").textContent(), /moved to position 2 of 4/);

  // Retry clears the question and takes it out of the score.
  await tf.getByRole("button", { name: "Retry" }).click();
  assert.match(await score.textContent(), /Score: 1 of 1 correct/);
  await tf.getByLabel("True").check();
  await tf.getByRole("button", { name: "Check", exact: true }).click();

  // Reload: progress is kept in localStorage under the site's versioned key.
  await page.reload();
  await page.locator("section.quiz.is-interactive").waitFor();
  const saved = await page.evaluate(() => JSON.parse(localStorage.getItem("rapport-quiz-v1:quiz-fixture")));
  assert.equal(saved.version, 2);
  assert.equal(saved.items.bordin.box, 2);
  assert.equal(saved.items.bordin.lastOk, true);
  const missed = Object.entries(saved.items).find(([id]) => id !== "bordin");
  assert.equal(missed[1].box, 1);
  assert.equal(missed[1].wrong, 2);

  const progress = await open(context, fileUrl("quiz/progress.html"));
  assert.match(await progress.locator(".quiz-overall").textContent(), /You have tried 2 of 9 questions and mastered 0\. 1 question is due for review\./);
  assert.equal(await progress.locator("table.quiz-progress").count(), 3);

  // The review queue holds the missed question only; answering it right empties the queue.
  const review = await open(context, fileUrl("quiz/review.html"));
  assert.match(await review.locator(".quiz-review-status").textContent(), /1 question is due for review\. 1 more question waits/);
  const queued = review.locator("form.quiz-form");
  assert.equal(await queued.count(), 1);
  assert.match(await queued.locator(".quiz-prompt").textContent(), /person-centred/);
  assert.equal(await queued.locator(".quiz-from a").textContent(), "Therapeutic alliance");
  await queued.getByLabel("False").check();
  await queued.getByRole("button", { name: "Check", exact: true }).click();
  assert.match(await queued.locator(".quiz-feedback").textContent(), /Correct\./);
  await review.reload();
  assert.match(await review.locator(".quiz-review-status").textContent(), /Nothing is due right now\./);

  for (const p of [page, progress, review]) assert.deepEqual(p.errors, []);
  await context.close();
});

test("progress moves between machines: export to a file, reset, import it back", { skip }, async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await open(context, fileUrl("factors/hope.html"));
  const tf = page.locator("form.quiz-form", { hasText: "built on purpose" });
  await tf.getByLabel("True").check();
  await tf.getByRole("button", { name: "Check", exact: true }).click();
  const progress = await open(context, fileUrl("quiz/progress.html"));
  const status = progress.locator("[data-quiz-tools-status]");
  const [download] = await Promise.all([progress.waitForEvent("download"), progress.getByRole("button", { name: "Export progress" }).click()]);
  assert.match(download.suggestedFilename(), /^quiz-fixture-progress-\d{4}-\d{2}-\d{2}\.json$/);
  const file = path.join(out, "exported-progress.json");
  await download.saveAs(file);
  const exported = JSON.parse(readFileSync(file, "utf8"));
  assert.equal(exported.format, "rapport-quiz-progress");
  assert.equal(Object.keys(exported.items).length, 1);

  progress.once("dialog", (d) => d.accept());
  await progress.getByRole("button", { name: "Reset progress" }).click();
  assert.match(await status.textContent(), /Progress reset\./);
  assert.match(await progress.locator(".quiz-overall").textContent(), /You have tried 0 of 9/);

  await progress.locator("[data-quiz-import]").setInputFiles(file);
  await progress.locator(".quiz-overall", { hasText: "You have tried 1 of 9" }).waitFor();
  assert.match(await status.textContent(), /Imported “exported-progress\.json”: 1 answer record and 0 module visits merged/);
  assert.deepEqual(progress.errors, []);
  await context.close();
});

test("every question of every page can be answered right with its controls", { skip }, async () => {
  const context = await browser.newContext();
  const bank = JSON.parse(readFileSync(path.join(out, "quiz", "bank.js"), "utf8").replace(/^[^]*?= /, "").replace(/;\s*$/, ""));
  const pages = [...new Set(bank.questions.map((q) => bank.pages[q.page].href.replace(/^\.\.\//, "")))];
  let checked = 0;
  for (const rel of pages) {
    const page = await open(context, fileUrl(rel));
    const data = JSON.parse(await page.locator("script.quiz-data").textContent());
    for (const q of data.questions) {
      const form = page.locator(`form[data-qid="${q.id}"]`);
      await answerRight(form, q);
      assert.match(await form.locator(".quiz-verdict").textContent(), /^Correct\./, `${rel} ${q.id}`);
      checked += 1;
    }
    assert.deepEqual(page.errors, [], rel);
    await page.close();
  }
  assert.equal(checked, bank.questions.length);
  await context.close();
});

test("without JavaScript the quiz is plain HTML with answers behind a disclosure", { skip }, async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(fileUrl("factors/alliance.html"));
  const first = page.locator(".quiz-question").first();
  assert.equal(await first.locator(".quiz-choices li").count(), 3);
  const answer = first.locator("details.quiz-answer");
  assert.equal(await answer.locator("text=Edward Bordin").isVisible(), false);
  await answer.locator("summary").click();
  assert.equal(await answer.getByText("Edward Bordin", { exact: true }).isVisible(), true);
  await context.close();
});

test("practice over http: a round filtered to one concept page, short answers by pattern", { skip }, async () => {
  const context = await browser.newContext();
  const page = await open(context, httpBase + "quiz/index.html?page=empathy");
  const forms = page.locator("form.quiz-form");
  await forms.first().waitFor();
  assert.equal(await forms.count(), 3, "empathy's two questions plus the one that tests it");
  assert.match(await page.locator("[data-quiz-page-filter]").textContent(), /Questions that test Empathy/);
  const short = page.locator("form.quiz-form", { hasText: "three-letter abbreviation" });
  await short.getByLabel("Your answer").fill("  c.b.t. ");
  await short.getByRole("button", { name: "Check", exact: true }).click();
  assert.match(await short.locator(".quiz-feedback").textContent(), /Correct\./);
  assert.match(await page.locator(".quiz-score").textContent(), /Score: 1 of 1 correct/);
  assert.deepEqual(page.errors, []);
  await context.close();
});
