// The GIFT export read back by gift-pegjs (an independent GIFT grammar, from npm) and compared,
// question by question, with the JSON question bank of the same site: what Moodle imports must be
// what the author wrote, per-option feedback included. Not a browser test, but run by the same
// node suite (tests/browser.rs).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { RAPPORT, repo } from "./lib.mjs";

const { parse } = createRequire(import.meta.url)("gift-pegjs");

function exported(root, format) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "rapport-export-")), `bank.${format}`);
  execFileSync(RAPPORT, ["export", "quiz", "--format", format, "--root", root, "-o", file], { stdio: "pipe" });
  return readFileSync(file, "utf8");
}

/** Text the GIFT export can carry unchanged: no [[links]] (exported as labels) and no citations. */
const verbatim = (md) => !/\[\[|@/.test(md);

function sameText(gift, md, what) {
  assert.ok(gift && gift.text.trim(), `${what}: missing in GIFT`);
  if (verbatim(md)) assert.equal(gift.text.trim(), md.trim(), what);
}

// gift-pegjs leaves a character escaped inside a matching answer as a placeholder (`\\:` becomes
// `&&058;`, its character code) where Moodle's own reader restores the character; restore it here.
const unescaped = (text) => text.replace(/&&(\d+);/g, (_, code) => String.fromCharCode(Number(code)));

const byText = (choices) => new Map(choices.map((c) => [c.text.text.trim(), c]));

function compare(g, q) {
  const what = `${q.page.source} ${q.id}`;
  assert.ok(g.title && !/^q-[0-9a-f]+$/.test(g.title), `${what}: named by its prompt, not its id (${g.title})`);
  const stem = g.stem.text.replace(/\n\n\(Match each position with the step that belongs there\.\)$/, "");
  sameText({ text: stem }, q.prompt, `${what}: prompt`);
  if (q.explanation) sameText(g.globalFeedback, q.explanation, `${what}: explanation`);
  const feedback = q.feedback || {};
  switch (q.type) {
    case "single":
    case "multiple": {
      assert.equal(g.type, "MC", what);
      const choices = byText(g.choices);
      assert.deepEqual([...choices.keys()].sort(), [...q.options].map((o) => o.trim()).sort(), `${what}: options`);
      const right = new Set(q.type === "single" ? [q.answer] : q.answer);
      for (const o of q.options) {
        const c = choices.get(o.trim());
        const correct = q.type === "single" ? c.isCorrect : c.weight > 0;
        assert.equal(correct, right.has(o), `${what}: is "${o}" correct`);
        if (feedback[o]) sameText(c.feedback, feedback[o], `${what}: feedback for "${o}"`);
        else assert.equal(c.feedback, null, `${what}: no feedback for "${o}"`);
      }
      break;
    }
    case "truefalse": {
      assert.equal(g.type, "TF", what);
      assert.equal(g.isTrue, q.answer, `${what}: key`);
      // GIFT's first feedback is shown for the wrong answer, the second for the right one.
      const wrong = feedback[String(!q.answer)];
      const right = feedback[String(q.answer)];
      if (wrong) sameText(g.trueFeedback, wrong, `${what}: feedback for the wrong answer`);
      if (right) sameText(g.falseFeedback, right, `${what}: feedback for the right answer`);
      break;
    }
    case "short": {
      assert.equal(g.type, "Short", what);
      const accepted = g.choices.filter((c) => c.weight === null || c.weight === 100).map((c) => c.text.text.trim());
      assert.deepEqual(accepted.sort(), [...q.answers].map((a) => a.trim()).sort(), `${what}: accepted answers`);
      for (const [typed, text] of Object.entries(feedback)) {
        const c = g.choices.find((c) => c.text.text.trim().toLowerCase() === typed.trim().toLowerCase());
        assert.ok(c, `${what}: feedback for typed answer "${typed}"`);
        sameText(c.feedback, text, `${what}: feedback for "${typed}"`);
      }
      break;
    }
    case "matching": {
      assert.equal(g.type, "Matching", what);
      const pairs = g.matchPairs.map((p) => [p.subquestion.text.trim(), unescaped(p.subanswer).trim()]);
      assert.deepEqual(pairs, q.left.map((l, i) => [l.trim(), q.right[i].trim()]), `${what}: pairs`);
      break;
    }
    case "ordering": {
      assert.equal(g.type, "Matching", what);
      const pairs = g.matchPairs.map((p) => [p.subquestion.text.trim(), unescaped(p.subanswer).trim()]);
      assert.deepEqual(pairs, q.steps.map((s, i) => [`Position ${i + 1}`, s.trim()]), `${what}: steps`);
      break;
    }
    default:
      assert.fail(`${what}: unknown type ${q.type}`);
  }
}

for (const [name, root] of [
  ["the bundled site", repo],
  ["the quiz fixture (every type, every GIFT special character)", path.join(repo, "tests/fixtures/quiz-site")],
]) {
  test(`GIFT export of ${name} parses with gift-pegjs and matches the JSON bank`, () => {
    const questions = parse(exported(root, "gift")).filter((q) => q.type !== "Category");
    const bank = JSON.parse(exported(root, "json")).questions;
    assert.ok(bank.length > 0);
    assert.equal(questions.length, bank.length, "one GIFT question per bank question");
    bank.forEach((q, i) => compare(questions[i], q));
    const withFeedback = bank.filter((q) => Object.keys(q.feedback || {}).length > 0).length;
    assert.ok(withFeedback > 0, "some questions carry per-option feedback");
  });
}
