// SCORM packages played as an LMS plays them: `scorm-again` (from npm) provides window.API
// (SCORM 1.2) or window.API_1484_11 (SCORM 2004) in a parent page, the module's launch page (the
// SCO) runs in an iframe over http on loopback, the learner answers a question and leaves, and the
// test reads back what the LMS recorded. Also: the same package with no LMS around.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { RAPPORT, launch, repo, serveDir, skipReason, watchPage } from "./lib.mjs";

/** A new minimal site (`rapport init --minimal`: a course of two lessons, the first with two questions). */
function minimalSite() {
  const root = path.join(mkdtempSync(path.join(tmpdir(), "rapport-scorm-")), "site");
  execFileSync(RAPPORT, ["init", "--minimal", root], { stdio: "pipe" });
  return root;
}

/** The course exported as `format`, unzipped into pkg/ of a fresh folder that also holds lms.html. */
function packaged(root, format) {
  const dir = mkdtempSync(path.join(tmpdir(), "rapport-lms-"));
  const zip = path.join(dir, `course-${format}.zip`);
  execFileSync(RAPPORT, ["export", "course", "--format", format, "--root", root, "-o", zip, "--pass-mark", "80"], { stdio: "pipe" });
  mkdirSync(path.join(dir, "pkg"));
  execFileSync("unzip", ["-q", zip, "-d", path.join(dir, "pkg")]);
  const lib = format === "scorm12" ? "scorm12.min.js" : "scorm2004.min.js";
  copyFileSync(path.join(repo, "node_modules", "scorm-again", "dist", lib), path.join(dir, lib));
  const setup = format === "scorm12"
    ? "window.API = new Scorm12API({ logLevel: 5 }); window.lms = window.API;"
    : "window.API_1484_11 = new Scorm2004API({ logLevel: 5 }); window.lms = window.API_1484_11;";
  // The LMS page counts Finish / Terminate calls, then lets the SCO in.
  writeFileSync(path.join(dir, "lms.html"), `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>LMS</title><link rel="icon" href="data:,">
<script src="${lib}"></script><script>${setup}
window.calls = { init: 0, finish: 0 };
for (const [name, key] of [["LMSInitialize", "init"], ["Initialize", "init"], ["LMSFinish", "finish"], ["Terminate", "finish"]]) {
  if (typeof window.lms[name] === "function") {
    const real = window.lms[name].bind(window.lms);
    window.lms[name] = (...a) => { window.calls[key] += 1; return real(...a); };
  }
}
</script></head><body><iframe id="sco" title="Course" style="width:100%;height:90vh"></iframe></body></html>`);
  return dir;
}

/** Opens the LMS page, launches the first module's SCO, answers its single-choice question right. */
async function playFirstModule(browser, dir) {
  const server = await serveDir(dir);
  const page = await browser.newPage();
  const problems = watchPage(page, server.url);
  await page.goto(server.url + "lms.html");
  await page.evaluate(() => { document.getElementById("sco").src = "pkg/scorm/getting-started.html"; });
  const content = await waitForFrame(page, "lessons/getting-started.html");
  await content.waitForSelector(".quiz-form");
  const form = content.locator(".quiz-form").first();
  await form.locator('input[value="0"]').check();
  await form.locator("button.quiz-check").click();
  await form.locator(".quiz-verdict").waitFor();
  // Leave the module: the SCO page is unloaded, as when the learner closes it in the LMS.
  await page.evaluate(() => { document.getElementById("sco").src = "about:blank"; });
  await page.waitForFunction(() => window.calls.finish > 0);
  return { page, problems, server };
}

async function waitForFrame(page, suffix) {
  for (let i = 0; i < 100; i++) {
    const f = page.frames().find((fr) => fr.url().endsWith(suffix));
    if (f) {
      await f.waitForLoadState("load");
      return f;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no frame showing ${suffix}`);
}

test("SCORM packages report to an LMS", { skip: skipReason }, async (t) => {
  const root = minimalSite();
  const browser = await launch();
  try {
    await t.test("SCORM 1.2: status, score, interaction, suspend data, session time, LMSFinish", async () => {
      const { page, problems, server } = await playFirstModule(browser, packaged(root, "scorm12"));
      // scorm-again's JSON form of the data model shows write-only elements too, as an LMS stores them.
      const cmi = await page.evaluate(() => {
        const c = JSON.parse(JSON.stringify(window.lms.cmi));
        const i = Object.values(c.interactions).map((x) => ({
          id: x.id, type: x.type, response: x.student_response, result: x.result,
          correct: Object.values(x.correct_responses).map((r) => r.pattern),
        }));
        return {
          status: c.core.lesson_status, raw: c.core.score.raw, min: c.core.score.min, max: c.core.score.max,
          exit: c.core.exit, session: c.core.session_time, suspend: c.suspend_data, location: c.core.lesson_location,
          interactions: i, calls: window.calls,
        };
      });
      assert.equal(cmi.calls.init, 1, "LMSInitialize once");
      assert.equal(cmi.calls.finish, 1, "LMSFinish once, on leaving");
      // One of the module's two questions answered (right): not finished yet, 50 %.
      assert.equal(cmi.status, "incomplete");
      assert.equal([cmi.raw, cmi.min, cmi.max].join(), "50,0,100");
      assert.equal(cmi.exit, "suspend");
      assert.match(cmi.session, /^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$/);
      assert.equal(cmi.suspend, "r1;1-");
      assert.ok(cmi.suspend.length <= 4096);
      assert.equal(cmi.location, "lessons/getting-started.html");
      assert.equal(cmi.interactions.length, 1, JSON.stringify(cmi.interactions));
      const [i] = cmi.interactions;
      assert.equal(i.type, "choice");
      assert.equal(i.response, "a");
      assert.equal(i.result, "correct");
      assert.deepEqual(i.correct, ["a"]);
      assert.ok(i.id.length > 0);
      assert.deepEqual(problems, []);
      await page.close();
      await server.close();
    });

    await t.test("SCORM 1.2: a learner who left mid-module resumes with the answers and page kept", async () => {
      const dir = packaged(root, "scorm12");
      const server = await serveDir(dir);
      const page = await browser.newPage();
      const problems = watchPage(page, server.url);
      await page.goto(server.url + "lms.html");
      // What the LMS kept from the last session (as the first test left it, another page read last).
      await page.evaluate(() => {
        window.lms.loadFromJSON({
          core: { entry: "resume", lesson_location: "courses/my-course.html" },
          suspend_data: "r1;1-",
        }, "");
        document.getElementById("sco").src = "pkg/scorm/getting-started.html";
      });
      await waitForFrame(page, "courses/my-course.html");
      await page.evaluate(() => { document.getElementById("sco").src = "about:blank"; });
      await page.waitForFunction(() => window.calls.finish > 0);
      const c = await page.evaluate(() => JSON.parse(JSON.stringify(window.lms.cmi)));
      assert.deepEqual(
        { status: c.core.lesson_status, raw: c.core.score.raw, suspend: c.suspend_data },
        { status: "incomplete", raw: "50", suspend: "r1;1-" },
      );
      assert.deepEqual(problems, []);
      await page.close();
      await server.close();
    });

    await t.test("SCORM 2004: completion, success, scaled score, progress, interaction, Terminate", async () => {
      const { page, problems, server } = await playFirstModule(browser, packaged(root, "scorm2004"));
      const cmi = await page.evaluate(() => {
        const c = JSON.parse(JSON.stringify(window.lms.cmi));
        return {
          completion: c.completion_status, success: c.success_status, scaled: c.score.scaled, raw: c.score.raw,
          progress: c.progress_measure, exit: c.exit, session: c.session_time, suspend: c.suspend_data,
          interactions: Object.values(c.interactions).map((x) => ({
            id: x.id, type: x.type, response: x.learner_response, result: x.result,
          })),
          calls: window.calls,
        };
      });
      assert.equal(cmi.calls.init, 1, "Initialize once");
      assert.equal(cmi.calls.finish, 1, "Terminate once, on leaving");
      assert.equal(cmi.completion, "incomplete");
      assert.equal(cmi.success, "unknown");
      assert.equal(Number(cmi.scaled), 0.5);
      assert.equal(Number(cmi.progress), 0.5);
      assert.equal(cmi.exit, "suspend");
      assert.match(cmi.session, /^PT\d+H\d+M[\d.]+S$/);
      assert.equal(cmi.suspend, "r1;1-");
      assert.equal(cmi.interactions.length, 1);
      assert.deepEqual(
        { type: cmi.interactions[0].type, response: cmi.interactions[0].response, result: cmi.interactions[0].result },
        { type: "choice", response: "a", result: "correct" },
      );
      assert.deepEqual(problems, []);
      await page.close();
      await server.close();
    });

    await t.test("SCORM 2004: both questions right passes the module", async () => {
      const dir = packaged(root, "scorm2004");
      const server = await serveDir(dir);
      const page = await browser.newPage();
      await page.goto(server.url + "lms.html");
      await page.evaluate(() => { document.getElementById("sco").src = "pkg/scorm/getting-started.html"; });
      const content = await waitForFrame(page, "lessons/getting-started.html");
      await content.waitForSelector(".quiz-form");
      const forms = content.locator(".quiz-form");
      await forms.nth(0).locator('input[value="0"]').check();
      await forms.nth(0).locator("button.quiz-check").click();
      await forms.nth(1).locator('input[value="true"]').check();
      await forms.nth(1).locator("button.quiz-check").click();
      await page.evaluate(() => { document.getElementById("sco").src = "about:blank"; });
      await page.waitForFunction(() => window.calls.finish > 0);
      const r = await page.evaluate(() => {
        const c = JSON.parse(JSON.stringify(window.lms.cmi));
        return {
          completion: c.completion_status, success: c.success_status, scaled: c.score.scaled,
          types: Object.values(c.interactions).map((x) => x.type), exit: c.exit,
        };
      });
      assert.deepEqual(r, { completion: "completed", success: "passed", scaled: "1", types: ["choice", "true-false"], exit: "normal" });
      await page.close();
      await server.close();
    });

    await t.test("no LMS: the package is a plain offline site, without errors", async () => {
      const dir = packaged(root, "scorm12");
      const server = await serveDir(path.join(dir, "pkg"));
      const page = await browser.newPage();
      const problems = watchPage(page, server.url);
      await page.goto(server.url + "scorm/getting-started.html");
      const content = await waitForFrame(page, "lessons/getting-started.html");
      await content.waitForSelector(".quiz-form");
      const form = content.locator(".quiz-form").first();
      await form.locator('input[value="1"]').check();
      await form.locator("button.quiz-check").click();
      await form.locator(".quiz-verdict").waitFor();
      await page.goto(server.url + "index.html");
      await page.goto(server.url + "search.html?q=lesson");
      await page.locator("#search-page-results li").first().waitFor({ timeout: 15000 });
      assert.deepEqual(problems, []);
      await page.close();
      await server.close();
    });
  } finally {
    await browser.close();
  }
});
