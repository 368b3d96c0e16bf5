// Rapport quizzes. Turns the plain quiz sections of pages (which work without JavaScript) into
// interactive quizzes, and runs the practice, review and progress pages.
//
// - Works over file:// and http: page questions are inline JSON, the site-wide bank is a plain
//   script (quiz/bank.js) that sets window.RAPPORT_QUIZ_BANK; nothing is fetched.
// - Progress lives in localStorage under one key per site (data.key), keyed by question id:
//   { version: 2, items: { id: { box, due, seen, right, wrong, last, lastOk } }, visits: { slug: ms } }.
//   `visits` (the course modules opened, when) is written by assets/progress.js; version 1 had no
//   visits and is read as version 2 with none, so progress saved before still counts.
// - Review uses Leitner boxes: a miss puts a question in box 1 (due at once); each right answer
//   moves it up a box, and box N waits BOX_DAYS[N] days.
(function () {
  "use strict";

  var DAY = 86400000;
  var BOX_DAYS = [0, 0, 1, 3, 7, 21];
  var MAX_BOX = 5;
  var MASTERED_BOX = 3;
  var STATE_VERSION = 2;
  var MAX_IMPORT_BYTES = 20 * 1024 * 1024;
  var EXPORT_FORMAT = "rapport-quiz-progress";
  var TYPE_HINT = {
    single: "Choose one answer.",
    multiple: "Select all that apply.",
    truefalse: "True or false?",
    short: "Type your answer.",
    matching: "Match each item on the left with one on the right.",
    ordering: "Put the steps in order with the Move up and Move down buttons."
  };
  var roundCounter = 0;

  // ---------- small DOM helpers ----------

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
        node.setAttribute(k, attrs[k] === true ? "" : String(attrs[k]));
      });
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === null || children === undefined) return node;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function html(tag, attrs, markup) {
    var node = el(tag, attrs);
    node.innerHTML = markup || "";
    return node;
  }

  function hiddenText(text) {
    return el("span", { "class": "visually-hidden" }, text);
  }

  function range(n) {
    var out = [];
    for (var i = 0; i < n; i++) out.push(i);
    return out;
  }

  function shuffle(list) {
    for (var i = list.length - 1; i > 0; i--) {
      var j = Math.floor(Math.random() * (i + 1));
      var t = list[i];
      list[i] = list[j];
      list[j] = t;
    }
    return list;
  }

  // A shuffled 0..n-1 that is never already in order (else ordering and matching give themselves away).
  function scrambled(n) {
    var order = shuffle(range(n));
    if (n > 1 && order.every(function (v, i) { return v === i; })) order.push(order.shift());
    return order;
  }

  function normalize(s) {
    return String(s).trim().replace(/\s+/g, " ").toLowerCase();
  }

  function plural(n, one, many) {
    return n + " " + (n === 1 ? one : many);
  }

  function formatDate(ms) {
    try {
      return new Date(ms).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
    } catch (e) {
      return new Date(ms).toDateString();
    }
  }

  // ---------- saved progress ----------

  function Store(key) {
    this.key = key;
    this.available = true;
    this.state = this.read();
  }

  function emptyState() {
    return { version: STATE_VERSION, items: {}, visits: {} };
  }

  // Saved progress of any known version in the current shape, or null when it is not progress.
  // (The same rule as assets/progress.js, which may not be loaded with a custom base template.)
  function migrate(s) {
    if (!s || typeof s !== "object" || !s.items || typeof s.items !== "object") return null;
    if (s.version === 1) return { version: STATE_VERSION, items: s.items, visits: {} };
    if (s.version !== STATE_VERSION) return null;
    if (!s.visits || typeof s.visits !== "object") s.visits = {};
    return s;
  }

  Store.prototype.read = function () {
    try {
      var raw = window.localStorage.getItem(this.key);
      var s = raw ? migrate(JSON.parse(raw)) : null;
      if (s) return s;
    } catch (e) {
      // Storage can be blocked (private modes, some file:// settings): keep answers for this visit only.
      this.available = false;
    }
    return emptyState();
  };

  // Saves the state and tells the page's progress marks (assets/progress.js) to redraw.
  Store.prototype.write = function () {
    try {
      window.localStorage.setItem(this.key, JSON.stringify(this.state));
    } catch (e) {
      this.available = false;
    }
    changed();
  };

  function changed() {
    try {
      document.dispatchEvent(new CustomEvent("rapport:progress"));
    } catch (e) {
      // no CustomEvent: the marks update on the next page load
    }
  }

  Store.prototype.get = function (id) {
    return this.state.items[id] || null;
  };

  // Records one checked answer and reschedules the question (re-reading first: another tab may have written).
  Store.prototype.record = function (id, ok) {
    var now = Date.now();
    if (this.available) this.state = this.read();
    var r = this.state.items[id] || { box: 0, due: 0, seen: 0, right: 0, wrong: 0, last: 0, lastOk: false };
    r.seen += 1;
    if (ok) {
      r.right += 1;
      r.box = Math.min(Math.max(r.box, 1) + 1, MAX_BOX);
    } else {
      r.wrong += 1;
      r.box = 1;
    }
    r.due = now + BOX_DAYS[r.box] * DAY;
    r.last = now;
    r.lastOk = ok;
    this.state.items[id] = r;
    this.write();
    return r;
  };

  Store.prototype.reset = function () {
    this.state = emptyState();
    try {
      window.localStorage.removeItem(this.key);
    } catch (e) {
      this.available = false;
    }
    changed();
  };

  function validRecord(r) {
    return !!r && typeof r === "object" && [r.box, r.due, r.seen, r.right, r.wrong, r.last].every(function (v) {
      return typeof v === "number" && isFinite(v) && v >= 0;
    }) && r.box <= MAX_BOX && Math.floor(r.box) === r.box;
  }

  function cleanRecord(r) {
    return { box: r.box, due: r.due, seen: r.seen, right: r.right, wrong: r.wrong, last: r.last, lastOk: !!r.lastOk };
  }

  function validTime(v) {
    return typeof v === "number" && isFinite(v) && v > 0;
  }

  // Merges imported progress: for each question the most recently answered record wins, and for
  // each module the latest visit. Returns how many answer records and visits were taken.
  Store.prototype.merge = function (imported) {
    var taken = { items: 0, visits: 0 };
    var self = this;
    if (this.available) this.state = this.read();
    Object.keys(imported.items).forEach(function (id) {
      var r = imported.items[id];
      var mine = self.state.items[id];
      if (!mine || r.last > mine.last) {
        self.state.items[id] = r;
        taken.items += 1;
      }
    });
    Object.keys(imported.visits).forEach(function (slug) {
      if (!(self.state.visits[slug] >= imported.visits[slug])) {
        self.state.visits[slug] = imported.visits[slug];
        taken.visits += 1;
      }
    });
    this.write();
    return taken;
  };

  // Replaces all saved progress with the imported progress.
  Store.prototype.replace = function (imported) {
    this.state = { version: STATE_VERSION, items: imported.items, visits: imported.visits };
    this.write();
  };

  // Reads an export file's text: { items, visits, skipped, key } with only well-formed entries, or
  // { error } saying in plain words why nothing can be imported.
  function parseExport(text) {
    var parsed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      return { error: "is not a JSON file" };
    }
    if (!parsed || typeof parsed !== "object" || parsed.format !== EXPORT_FORMAT) {
      return { error: "is not a Rapport progress export" };
    }
    if (typeof parsed.version !== "number" || parsed.version > STATE_VERSION) {
      return { error: "was exported by a newer version of Rapport (format version " + String(parsed.version) + ")" };
    }
    if (!parsed.items || typeof parsed.items !== "object" || Array.isArray(parsed.items)) {
      return { error: "has no answer records" };
    }
    var out = { items: {}, visits: {}, skipped: 0, key: typeof parsed.key === "string" ? parsed.key : "" };
    Object.keys(parsed.items).forEach(function (id) {
      if (validRecord(parsed.items[id])) out.items[id] = cleanRecord(parsed.items[id]);
      else out.skipped += 1;
    });
    var visits = parsed.visits && typeof parsed.visits === "object" ? parsed.visits : {};
    Object.keys(visits).forEach(function (slug) {
      if (validTime(visits[slug])) out.visits[slug] = visits[slug];
      else out.skipped += 1;
    });
    if (!Object.keys(out.items).length && !Object.keys(out.visits).length && out.skipped) {
      return { error: "holds no readable progress (" + plural(out.skipped, "entry is", "entries are") + " damaged)" };
    }
    return out;
  }

  function isDue(rec, now) {
    return !!rec && rec.due <= now;
  }

  // ---------- one question ----------

  // Builds the interactive form of question q. ctx: { data, store, shuffle, label, from, onChecked }.
  function buildQuestion(q, ctx) {
    roundCounter += 1;
    var uid = "qz" + roundCounter + "-" + q.id;
    var form = el("form", { "class": "quiz-form", novalidate: true, "data-qid": q.id });
    var fieldset = el("fieldset", { "class": "quiz-fieldset" });
    var legend = el("legend", { "class": "quiz-legend" });
    if (ctx.label) append(legend, el("span", { "class": "quiz-number" }, ctx.label + " "));
    legend.appendChild(html("span", { "class": "quiz-prompt" }, q.prompt));
    append(legend, el("span", { "class": "quiz-type" }, TYPE_HINT[q.type] || ""));
    fieldset.appendChild(legend);
    var body = BUILDERS[q.type](q, uid, ctx);
    fieldset.appendChild(body.node);
    form.appendChild(fieldset);
    if (ctx.from) form.appendChild(ctx.from);
    var check = el("button", { type: "submit", "class": "quiz-check" }, "Check");
    var retry = el("button", { type: "button", "class": "secondary quiz-retry", hidden: true }, "Retry");
    form.appendChild(el("div", { "class": "quiz-actions" }, [check, retry]));
    var feedback = el("div", { "class": "quiz-feedback", role: "status", "aria-live": "polite" });
    form.appendChild(feedback);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!check.hidden) checkAnswer();
    });
    retry.addEventListener("click", function () {
      body.reset();
      feedback.innerHTML = "";
      form.classList.remove("is-correct", "is-incorrect");
      retry.hidden = true;
      check.hidden = false;
      if (ctx.onReset) ctx.onReset(q);
      body.focus();
    });

    function checkAnswer() {
      var r = body.read();
      if (r.empty) {
        feedback.innerHTML = "";
        feedback.appendChild(el("p", { "class": "quiz-verdict" }, r.empty));
        return;
      }
      body.lock();
      body.reveal(r);
      feedback.innerHTML = "";
      append(feedback, feedbackNodes(q, r, ctx.data));
      form.classList.add(r.ok ? "is-correct" : "is-incorrect");
      check.hidden = true;
      retry.hidden = false;
      retry.focus();
      var rec = ctx.store.record(q.id, r.ok);
      if (ctx.onChecked) ctx.onChecked(q, r.ok, rec);
      // Course packages (SCORM) listen for this to report answers to the LMS.
      form.dispatchEvent(new CustomEvent("rapport:quiz-checked", { bubbles: true, detail: { id: q.id, type: q.type, ok: r.ok } }));
    }
    return form;
  }

  // Verdict, per-answer feedback, the right answer when missed, explanation, and links back.
  function feedbackNodes(q, r, data) {
    var nodes = [];
    nodes.push(el("p", { "class": "quiz-verdict " + (r.ok ? "ok" : "bad") }, [
      el("strong", null, r.ok ? "Correct." : "Not quite."),
      r.partial ? " " + r.partial : ""
    ]));
    (r.feedbackKeys || []).forEach(function (k) {
      var text = q.feedback && q.feedback[k];
      if (!text) return;
      var item = el("div", { "class": "quiz-option-feedback" });
      if (r.keyLabel) item.appendChild(el("p", { "class": "quiz-feedback-for" }, r.keyLabel(k)));
      item.appendChild(html("div", null, text));
      nodes.push(item);
    });
    if (!r.ok) nodes.push(correctAnswerNode(q));
    if (q.explanation) nodes.push(html("div", { "class": "quiz-explanation" }, q.explanation));
    if (!r.ok) {
      var links = pageLinks(q, data);
      if (links.length) {
        var p = el("p", { "class": "quiz-revisit" }, "Revisit: ");
        links.forEach(function (a, i) {
          if (i) p.appendChild(document.createTextNode(", "));
          p.appendChild(a);
        });
        nodes.push(p);
      }
    }
    return nodes;
  }

  function correctAnswerNode(q) {
    var box = el("div", { "class": "quiz-correct-answer" });
    var list;
    switch (q.type) {
      case "single":
        return append(box, el("p", null, ["The answer: ", el("strong", null, q.options[q.answer])]));
      case "multiple":
        list = el("ul");
        q.answer.forEach(function (i) { list.appendChild(el("li", null, q.options[i])); });
        return append(box, [el("p", null, "The correct options:"), list]);
      case "truefalse":
        return append(box, el("p", null, ["The answer: ", el("strong", null, q.answer ? "True" : "False")]));
      case "short":
        return append(box, el("p", null, ["Accepted: ", el("strong", null, q.answers.join(" / "))]));
      case "matching":
        list = el("ul");
        q.left.forEach(function (l, i) { list.appendChild(el("li", null, l + " → " + q.right[i])); });
        return append(box, [el("p", null, "The pairs:"), list]);
      case "ordering":
        list = el("ol");
        q.steps.forEach(function (s) { list.appendChild(el("li", null, s)); });
        return append(box, [el("p", null, "The correct order:"), list]);
    }
    return box;
  }

  // Links to the concept pages a question tests: the page it is on, then its `tests:`.
  function pageLinks(q, data) {
    var slugs = [q.page].concat(q.tests || []);
    return slugs.map(function (s) {
      var p = data.pages && data.pages[s];
      return p ? el("a", { href: p.href }, p.title) : null;
    }).filter(Boolean);
  }

  function markChoice(label, correct, chosen) {
    label.classList.toggle("is-right", correct);
    label.classList.toggle("is-wrong", chosen && !correct);
    var note = correct ? " (correct answer)" : chosen ? " (your choice, incorrect)" : "";
    if (note) label.appendChild(hiddenText(note));
  }

  function setDisabled(root, on) {
    Array.prototype.forEach.call(root.querySelectorAll("input, select, button"), function (n) { n.disabled = on; });
  }

  // ---------- builders: one per question type; each returns { node, read, lock, reveal, reset, focus } ----------

  function choiceBuilder(q, uid, ctx, multi, choices) {
    var node = el("div", { "class": "quiz-options" });
    var labels = {};
    function render() {
      node.innerHTML = "";
      var order = range(choices.length);
      if (ctx.shuffle && q.type !== "truefalse") shuffle(order);
      order.forEach(function (i) {
        var input = el("input", { type: multi ? "checkbox" : "radio", name: uid, value: choices[i].value, id: uid + "-" + i });
        var label = el("label", { "class": "quiz-option", "for": uid + "-" + i }, [input, el("span", null, choices[i].text)]);
        labels[choices[i].value] = label;
        node.appendChild(label);
      });
    }
    render();
    return {
      node: node,
      read: function () {
        var chosen = Array.prototype.filter.call(node.querySelectorAll("input"), function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        if (!chosen.length) return { empty: multi ? "Select at least one option first." : "Choose an answer first." };
        var right = choices.filter(function (c) { return c.correct; }).map(function (c) { return c.value; });
        var ok = chosen.length === right.length && chosen.every(function (v) { return right.indexOf(v) >= 0; });
        var partial = "";
        if (multi && !ok) {
          var hits = chosen.filter(function (v) { return right.indexOf(v) >= 0; }).length;
          partial = "You found " + hits + " of " + right.length + " correct options" +
            (chosen.length > hits ? " and chose " + plural(chosen.length - hits, "wrong one", "wrong ones") : "") + ".";
        }
        return {
          ok: ok, chosen: chosen, partial: partial, feedbackKeys: chosen,
          keyLabel: function (k) {
            var c = choices.filter(function (x) { return x.value === k; })[0];
            return c ? "About “" + c.text + "”:" : "";
          }
        };
      },
      lock: function () { setDisabled(node, true); },
      reveal: function (r) {
        choices.forEach(function (c) { markChoice(labels[c.value], c.correct, r.chosen.indexOf(c.value) >= 0); });
      },
      reset: function () { render(); },
      focus: function () { var i = node.querySelector("input"); if (i) i.focus(); }
    };
  }

  var BUILDERS = {
    single: function (q, uid, ctx) {
      return choiceBuilder(q, uid, ctx, false, q.options.map(function (o, i) {
        return { value: String(i), text: o, correct: i === q.answer };
      }));
    },
    multiple: function (q, uid, ctx) {
      return choiceBuilder(q, uid, ctx, true, q.options.map(function (o, i) {
        return { value: String(i), text: o, correct: q.answer.indexOf(i) >= 0 };
      }));
    },
    truefalse: function (q, uid, ctx) {
      return choiceBuilder(q, uid, ctx, false, [
        { value: "true", text: "True", correct: q.answer === true },
        { value: "false", text: "False", correct: q.answer === false }
      ]);
    },
    short: shortBuilder,
    matching: matchingBuilder,
    ordering: orderingBuilder
  };

  function shortBuilder(q, uid) {
    var input = el("input", { type: "text", id: uid + "-answer", autocomplete: "off", spellcheck: "false", "class": "quiz-text" });
    var node = el("div", { "class": "quiz-short" }, [el("label", { "for": uid + "-answer" }, "Your answer"), input]);
    var pattern = null;
    if (q.pattern) {
      try {
        pattern = new RegExp(q.pattern, "i");
      } catch (e) {
        pattern = null; // checked at build with Rust's regex; a pattern outside the shared subset is ignored here
      }
    }
    return {
      node: node,
      read: function () {
        var typed = input.value;
        if (!typed.trim()) return { empty: "Type an answer first." };
        var n = normalize(typed);
        var ok = q.answers.some(function (a) { return normalize(a) === n; }) ||
          (pattern !== null && pattern.test(typed.trim().replace(/\s+/g, " ")));
        return { ok: ok, feedbackKeys: [n], keyLabel: null };
      },
      lock: function () { input.readOnly = true; },
      reveal: function (r) {
        input.classList.add(r.ok ? "is-right" : "is-wrong");
        input.setAttribute("aria-invalid", r.ok ? "false" : "true");
      },
      reset: function () {
        input.readOnly = false;
        input.value = "";
        input.classList.remove("is-right", "is-wrong");
        input.removeAttribute("aria-invalid");
      },
      focus: function () { input.focus(); }
    };
  }

  function matchingBuilder(q, uid) {
    var node = el("div", { "class": "quiz-matching" });
    var selects = [];
    function render() {
      node.innerHTML = "";
      selects = [];
      var order = scrambled(q.right.length);
      q.left.forEach(function (left, i) {
        var id = uid + "-m" + i;
        var select = el("select", { id: id });
        select.appendChild(el("option", { value: "" }, "Choose…"));
        order.forEach(function (j) { select.appendChild(el("option", { value: String(j) }, q.right[j])); });
        selects.push(select);
        node.appendChild(el("div", { "class": "quiz-match-row" }, [el("label", { "for": id }, left), select]));
      });
    }
    render();
    return {
      node: node,
      read: function () {
        if (selects.some(function (s) { return s.value === ""; })) return { empty: "Match every item first." };
        var right = selects.filter(function (s, i) { return s.value === String(i); }).length;
        var ok = right === selects.length;
        return { ok: ok, partial: ok ? "" : right + " of " + selects.length + " pairs are right." };
      },
      lock: function () { setDisabled(node, true); },
      reveal: function () {
        selects.forEach(function (s, i) {
          var good = s.value === String(i);
          var row = s.parentNode;
          row.classList.add(good ? "is-right" : "is-wrong");
          row.appendChild(el("span", { "class": "quiz-mark" }, good ? "✓ right" : "✗ should be: " + q.right[i]));
        });
      },
      reset: function () { render(); },
      focus: function () { if (selects[0]) selects[0].focus(); }
    };
  }

  function orderingBuilder(q, uid, ctx) {
    var node = el("div", { "class": "quiz-ordering" });
    var list = el("ol", { "class": "quiz-order", id: uid + "-order" });
    var live = el("p", { "class": "visually-hidden", "aria-live": "assertive" });
    node.appendChild(list);
    node.appendChild(live);

    function item(stepIndex) {
      var text = q.steps[stepIndex];
      var up = el("button", { type: "button", "class": "quiz-move", "data-dir": "up", "aria-label": "Move “" + text + "” up" }, "↑");
      var down = el("button", { type: "button", "class": "quiz-move", "data-dir": "down", "aria-label": "Move “" + text + "” down" }, "↓");
      var li = el("li", { "class": "quiz-step", "data-step": String(stepIndex) }, [
        el("span", { "class": "quiz-step-text" }, text),
        el("span", { "class": "quiz-move-buttons" }, [up, down])
      ]);
      up.addEventListener("click", function () { move(li, -1, up); });
      down.addEventListener("click", function () { move(li, 1, down); });
      return li;
    }

    function move(li, dir, button) {
      var items = Array.prototype.slice.call(list.children);
      var at = items.indexOf(li);
      var to = at + dir;
      var text = q.steps[Number(li.getAttribute("data-step"))];
      if (to < 0 || to >= items.length) {
        live.textContent = "“" + text + "” is already " + (dir < 0 ? "first." : "last.");
        return;
      }
      if (dir < 0) list.insertBefore(li, items[to]);
      else list.insertBefore(li, items[to].nextSibling);
      button.focus();
      live.textContent = "“" + text + "” moved to position " + (to + 1) + " of " + items.length + ".";
    }

    function render() {
      list.innerHTML = "";
      scrambled(q.steps.length).forEach(function (i) { list.appendChild(item(i)); });
      live.textContent = "";
    }
    render();
    function current() {
      return Array.prototype.map.call(list.children, function (li) { return Number(li.getAttribute("data-step")); });
    }
    return {
      node: node,
      read: function () {
        var order = current();
        var right = order.filter(function (v, i) { return v === i; }).length;
        var ok = right === order.length;
        return { ok: ok, partial: ok ? "" : right + " of " + order.length + " steps are in the right place." };
      },
      lock: function () { setDisabled(node, true); },
      reveal: function () {
        Array.prototype.forEach.call(list.children, function (li, i) {
          var good = Number(li.getAttribute("data-step")) === i;
          li.classList.add(good ? "is-right" : "is-wrong");
          li.appendChild(el("span", { "class": "quiz-mark" }, good ? "✓" : "✗ step " + (Number(li.getAttribute("data-step")) + 1)));
        });
      },
      reset: function () { render(); },
      focus: function () { var b = list.querySelector("button"); if (b) b.focus(); }
    };
  }

  // ---------- a list of questions with a running score ----------

  // Renders questions into container with a score line; opts: { data, store, title, fromLinks, onDone }.
  function renderRound(container, questions, opts) {
    var results = {};
    container.innerHTML = "";
    var score = el("p", { "class": "quiz-score", role: "status", "aria-live": "polite" });
    var list = el("ol", { "class": "quiz-questions" });
    questions.forEach(function (q, i) {
      var from = null;
      if (opts.fromLinks) {
        var links = pageLinks(q, opts.data);
        if (links.length) {
          from = el("p", { "class": "quiz-from" }, "From: ");
          append(from, links[0]);
        }
      }
      var form = buildQuestion(q, {
        data: opts.data,
        store: opts.store,
        shuffle: opts.data.shuffle !== false,
        label: "Question " + (i + 1) + " of " + questions.length + ".",
        from: from,
        onChecked: function (qq, ok) {
          results[qq.id] = ok;
          update();
        },
        onReset: function (qq) {
          delete results[qq.id];
          update();
        }
      });
      list.appendChild(el("li", { "class": "quiz-question" }, form));
    });
    var again = el("button", { type: "button", "class": "secondary quiz-again" }, opts.againLabel || "Start over");
    again.addEventListener("click", function () {
      if (opts.onAgain) opts.onAgain();
      else renderRound(container, questions, opts);
    });
    append(container, [score, list, el("p", { "class": "quiz-controls" }, again)]);
    update();

    function update() {
      var ids = Object.keys(results);
      var right = ids.filter(function (id) { return results[id]; }).length;
      if (!ids.length) {
        score.textContent = plural(questions.length, "question", "questions") + ". Score: none checked yet.";
        return;
      }
      var done = ids.length === questions.length;
      score.textContent = (done ? "Finished. " : "") + "Score: " + right + " of " + ids.length +
        " correct (" + ids.length + " of " + questions.length + " answered).";
    }
  }

  // ---------- page quizzes ----------

  function enhancePageQuiz(section) {
    var dataNode = section.querySelector("script.quiz-data");
    var data;
    try {
      data = JSON.parse(dataNode.textContent);
    } catch (e) {
      return; // the plain version stays usable
    }
    var store = new Store(data.key);
    var byId = {};
    data.questions.forEach(function (q) { byId[q.id] = q; });
    var questions = [];
    Array.prototype.forEach.call(section.querySelectorAll(".quiz-question"), function (li) {
      var q = byId[li.getAttribute("data-qid")];
      if (q) questions.push(q);
    });
    var list = section.querySelector(".quiz-questions");
    var container = el("div", { "class": "quiz-app" });
    list.parentNode.insertBefore(container, list);
    list.hidden = true;
    var intro = section.querySelector(".quiz-intro");
    if (intro) {
      intro.textContent = plural(questions.length, "question", "questions") +
        ". Check each answer for feedback; your results are saved in this browser for the review queue.";
    }
    renderRound(container, questions, { data: data, store: store });
    storageNotice(container, store);
    section.classList.add("is-interactive");
  }

  function storageNotice(container, store) {
    if (!store.available) {
      container.insertBefore(el("p", { "class": "notice" },
        "This browser is not letting the site save progress, so results last only while this page is open."), container.firstChild);
    }
  }

  // ---------- the site-wide bank: practice, review, progress ----------

  // The bank the page loaded: quiz/bank.js (practice, review) or quiz/summary.js (progress: ids
  // and pages only, so a site with hundreds of questions does not ship every prompt to count them).
  function bankOrNotice(root) {
    var bank = window.RAPPORT_QUIZ_BANK || window.RAPPORT_QUIZ_SUMMARY;
    if (!bank || !bank.questions) {
      append(root, el("p", { "class": "notice" }, "The question data (quiz/bank.js or quiz/summary.js) did not load."));
      return null;
    }
    return bank;
  }

  function matchesFilters(q, bank, f) {
    var page = bank.pages[q.page] || {};
    if (f.kind && page.kind !== f.kind) return false;
    if (f.category && page.category !== f.category) return false;
    if (f.tag && (q.tags || []).indexOf(f.tag) < 0) return false;
    if (f.page && q.page !== f.page && (q.tests || []).indexOf(f.page) < 0) return false;
    return true;
  }

  // Due questions first, then ones never tried, then the rest; random within each group.
  function draw(questions, n, store) {
    var now = Date.now();
    var rank = function (q) {
      var rec = store.get(q.id);
      return isDue(rec, now) ? 0 : rec ? 2 : 1;
    };
    var pool = shuffle(questions.slice());
    var ranked = pool.map(function (q, i) { return { q: q, r: rank(q), i: i }; });
    ranked.sort(function (a, b) { return a.r - b.r || a.i - b.i; });
    return ranked.slice(0, n).map(function (x) { return x.q; });
  }

  function readParams() {
    var out = {};
    try {
      var params = new URLSearchParams(window.location.search);
      ["kind", "category", "tag", "page", "n"].forEach(function (k) { out[k] = params.get(k) || ""; });
    } catch (e) {
      // no URLSearchParams: start without filters
    }
    return out;
  }

  function practiceApp(root) {
    var bank = bankOrNotice(root);
    if (!bank) return;
    var store = new Store(bank.key);
    var form = root.querySelector("[data-quiz-filters]");
    var round = root.querySelector("[data-quiz-round]");
    var note = root.querySelector("[data-quiz-page-filter]");
    var f = readParams();
    ["kind", "category", "tag"].forEach(function (k) {
      var s = form.elements[k];
      if (s && f[k]) s.value = f[k];
    });
    if (f.n && form.elements.n) form.elements.n.value = f.n;
    if (form.elements.page) form.elements.page.value = f.page;
    if (f.page && bank.pages[f.page]) {
      note.hidden = false;
      note.innerHTML = "";
      var clear = el("button", { type: "button", "class": "secondary" }, "Practise the whole site");
      clear.addEventListener("click", function () {
        f.page = "";
        form.elements.page.value = "";
        note.hidden = true;
        start();
      });
      append(note, ["Questions that test ", el("a", { href: bank.pages[f.page].href }, bank.pages[f.page].title), ". ", clear]);
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      start();
    });

    function start() {
      var filters = {
        kind: form.elements.kind ? form.elements.kind.value : "",
        category: form.elements.category ? form.elements.category.value : "",
        tag: form.elements.tag ? form.elements.tag.value : "",
        page: form.elements.page ? form.elements.page.value : ""
      };
      var n = parseInt(form.elements.n && form.elements.n.value, 10);
      if (!(n > 0)) n = bank.size || 10;
      var pool = bank.questions.filter(function (q) { return matchesFilters(q, bank, filters); });
      if (!pool.length) {
        round.innerHTML = "";
        round.appendChild(el("p", { "class": "notice" }, "No questions match these filters."));
        return;
      }
      var chosen = draw(pool, n, store);
      renderRound(round, chosen, {
        data: bank, store: store, fromLinks: true, againLabel: "New round", onAgain: start
      });
      storageNotice(round, store);
    }
    start();
  }

  function reviewApp(root) {
    var bank = bankOrNotice(root);
    if (!bank) return;
    var store = new Store(bank.key);
    var summary = root.querySelector("[data-quiz-review-summary]");
    var round = root.querySelector("[data-quiz-round]");
    var now = Date.now();
    var known = bank.questions.filter(function (q) { return store.get(q.id); });
    var due = known.filter(function (q) { return isDue(store.get(q.id), now); });
    due.sort(function (a, b) {
      var ra = store.get(a.id);
      var rb = store.get(b.id);
      return ra.box - rb.box || ra.due - rb.due;
    });
    summary.innerHTML = "";
    if (!known.length) {
      append(summary, el("p", null, ["You have not answered any questions yet. ",
        el("a", { href: bank.links.practice }, "Start a practice round"), " and missed questions will come back here."]));
      return;
    }
    var later = known.filter(function (q) { return !isDue(store.get(q.id), now); });
    var next = later.reduce(function (m, q) { return Math.min(m, store.get(q.id).due); }, Infinity);
    var text = due.length
      ? plural(due.length, "question is", "questions are") + " due for review."
      : "Nothing is due right now.";
    if (later.length) text += " " + plural(later.length, "more question waits", "more questions wait") + "; the next is due " + formatDate(next) + ".";
    append(summary, el("p", { "class": "quiz-review-status" }, text));
    append(summary, boxTable(known, store));
    if (due.length) {
      renderRound(round, due, {
        data: bank, store: store, fromLinks: true, againLabel: "Refresh the queue",
        onAgain: function () { window.location.reload(); }
      });
      storageNotice(round, store);
    } else {
      round.innerHTML = "";
      append(round, el("p", null, el("a", { href: bank.links.practice }, "Practise something new")));
    }
  }

  function boxTable(questions, store) {
    var counts = [0, 0, 0, 0, 0, 0];
    questions.forEach(function (q) { counts[store.get(q.id).box] += 1; });
    var table = el("table", { "class": "quiz-boxes" });
    table.appendChild(el("caption", null, "Questions per Leitner box"));
    var head = el("tr");
    var row = el("tr");
    for (var b = 1; b <= MAX_BOX; b++) {
      head.appendChild(el("th", { scope: "col" }, "Box " + b + (b === 1 ? " (missed)" : " (" + plural(BOX_DAYS[b], "day", "days") + ")")));
      row.appendChild(el("td", null, String(counts[b])));
    }
    append(table, [el("thead", null, head), el("tbody", null, row)]);
    return table;
  }

  // ---------- progress ----------

  // The progress page: a dashboard of small SVG charts drawn from the saved progress (mastery by
  // kind and by category, reviews due in the next seven days, course modules completed), the
  // detailed tables behind a disclosure, and export to / import from a file.

  var SVG_NS = "http://www.w3.org/2000/svg";
  var cardCounter = 0;

  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return append(node, children);
  }

  function pct(part, whole) {
    return whole ? Math.round((1000 * part) / whole) / 10 : 0;
  }

  function startOfDay(ms) {
    var d = new Date(ms);
    d.setHours(0, 0, 0, 0);
    return d.getTime();
  }

  function pad2(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // A dashboard card: a section with its heading (which also names its chart).
  function card(title, cls) {
    cardCounter += 1;
    var id = "progress-card-" + cardCounter;
    var node = el("section", { "class": "progress-card " + cls, "aria-labelledby": id }, el("h2", { id: id }, title));
    return { node: node, id: id };
  }

  // The chart's SVG: named by the card heading, described by a sentence holding all its numbers.
  function chartSvg(c, height, description, cls) {
    var descId = c.id + "-desc";
    var node = svg("svg", {
      "class": "chart " + cls, width: "100%", height: height, role: "img",
      "aria-labelledby": c.id, "aria-describedby": descId
    });
    node.appendChild(svg("desc", { id: descId }, description));
    return node;
  }

  function legend(items) {
    return el("ul", { "class": "chart-legend" }, items.map(function (it) {
      return el("li", null, [el("span", { "class": "swatch " + it[0], "aria-hidden": "true" }), it[1]]);
    }));
  }

  // Horizontal stacked bars, one row per group: { key, label, total, parts: [{ n, cls }], value }.
  function barRows(c, rows, description) {
    var ROW = 46;
    var chart = chartSvg(c, rows.length * ROW, description, "chart-bars");
    rows.forEach(function (r, i) {
      var y = i * ROW;
      var g = svg("g", { "class": "chart-row", "data-key": r.key });
      g.appendChild(svg("text", { x: 0, y: y + 15, "class": "chart-label" }, r.label));
      g.appendChild(svg("text", { x: "100%", y: y + 15, "text-anchor": "end", "class": "chart-value" }, r.value));
      g.appendChild(svg("rect", { x: 0, y: y + 22, width: "100%", height: 14, rx: 3, "class": "chart-track" }));
      var x = 0;
      r.parts.forEach(function (p) {
        var w = pct(p.n, r.total);
        if (w > 0) g.appendChild(svg("rect", { x: x + "%", y: y + 22, width: w + "%", height: 14, "class": p.cls }));
        x += w;
      });
      chart.appendChild(g);
    });
    return chart;
  }

  // Mastery of the questions of each group (kind or category).
  function masteryCard(title, cls, groups) {
    if (!groups.length) return null;
    var c = card(title, cls);
    var rows = groups.map(function (s) {
      return {
        key: s.g.key, label: s.g.label, total: s.total, value: s.mastered + " of " + s.total + " mastered",
        parts: [{ n: s.mastered, cls: "chart-mastered" }, { n: s.tried - s.mastered, cls: "chart-tried" }]
      };
    });
    var description = groups.map(function (s) {
      return s.g.label + ": " + s.mastered + " of " + plural(s.total, "question", "questions") + " mastered, " + s.tried + " tried.";
    }).join(" ");
    append(c.node, [barRows(c, rows, description), legend([
      ["chart-mastered", "Mastered"], ["chart-tried", "Tried, not yet mastered"], ["chart-track", "Not tried yet"]
    ])]);
    return c.node;
  }

  // Questions due for review on each of the next seven days (today includes those already due).
  function weekCard(tried, store, now, links) {
    var today = startOfDay(now);
    var days = [0, 0, 0, 0, 0, 0, 0];
    var dueNow = 0;
    tried.forEach(function (q) {
      var due = store.get(q.id).due;
      if (due <= now) dueNow += 1;
      var d = due <= now ? 0 : Math.round((startOfDay(due) - today) / DAY);
      if (d < 7) days[d] += 1;
    });
    var week = days.reduce(function (a, b) { return a + b; }, 0);
    var names = days.map(function (n, i) {
      if (i === 0) return "Today";
      try {
        return new Date(today + i * DAY + DAY / 2).toLocaleDateString(undefined, { weekday: "short" });
      } catch (e) {
        return "+" + i;
      }
    });
    var c = card("Reviews due this week", "progress-week");
    var max = Math.max.apply(null, days.concat([1]));
    var TOP = 22;
    var H = 90;
    var chart = chartSvg(c, TOP + H + 24, plural(week, "review is", "reviews are") + " due in the next seven days: " +
      days.map(function (n, i) { return names[i] + " " + n; }).join(", ") + ". " + dueNow + " of them already due.", "chart-week");
    var col = 100 / 7;
    days.forEach(function (n, i) {
      var h = Math.round((H * n) / max);
      var mid = Math.round((i + 0.5) * col * 10) / 10 + "%";
      var g = svg("g", { "class": "chart-day", "data-day": i });
      g.appendChild(svg("rect", { x: Math.round((i * col + col * 0.18) * 10) / 10 + "%", y: TOP + H - h, width: Math.round(col * 6.4) / 10 + "%", height: h, rx: 2, "class": i === 0 ? "chart-due" : "chart-tried" }));
      g.appendChild(svg("text", { x: mid, y: TOP + H - h - 5, "text-anchor": "middle", "class": "chart-value" }, String(n)));
      g.appendChild(svg("text", { x: mid, y: TOP + H + 18, "text-anchor": "middle", "class": "chart-label" }, names[i]));
      chart.appendChild(g);
    });
    chart.appendChild(svg("line", { x1: 0, x2: "100%", y1: TOP + H + 0.5, y2: TOP + H + 0.5, "class": "chart-axis" }));
    append(c.node, [
      el("p", { "class": "progress-card-lede" }, [
        plural(week, "review", "reviews") + " this week, " + dueNow + " due now. ",
        dueNow ? el("a", { href: links.review }, "Open the review queue") : ""
      ]),
      chart
    ]);
    return c.node;
  }

  // Course modules completed and in progress (the rule is assets/progress.js's, which must be loaded).
  function modulesCard(store) {
    var P = window.RapportProgress;
    var courses = P ? P.courses() : [];
    if (!courses.length) return null;
    var root = document.body.getAttribute("data-root") || "";
    var c = card("Modules completed", "progress-modules");
    var counts = courses.map(function (course) { return P.courseStatus(course, store.state); });
    var rows = courses.map(function (course, i) {
      var s = counts[i];
      return {
        key: course.slug, label: course.title, total: s.total, value: s.done + " of " + s.total,
        parts: [{ n: s.done, cls: "chart-mastered" }, { n: s.started, cls: "chart-tried" }]
      };
    });
    var description = courses.map(function (course, i) {
      var s = counts[i];
      return course.title + ": " + s.done + " of " + plural(s.total, "module", "modules") + " completed, " + s.started + " in progress.";
    }).join(" ");
    append(c.node, [barRows(c, rows, description), legend([
      ["chart-mastered", "Completed"], ["chart-tried", "In progress"], ["chart-track", "Not started"]
    ])]);
    courses.forEach(function (course) {
      var list = el("ol", { "class": "progress-module-list" }, course.modules.map(function (m) {
        return el("li", null, el("a", { href: root + m.href, "data-progress-slug": m.slug }, m.title));
      }));
      c.node.appendChild(el("details", { "class": "progress-modules-detail" }, [
        el("summary", null, "Modules of " + course.title), list
      ]));
    });
    c.node.appendChild(el("p", { "class": "progress-card-note" },
      "A module is completed once you have opened it and answered each of its questions right at least once."));
    return c.node;
  }

  function totals(store) {
    var total = 0;
    var done = 0;
    (window.RapportProgress ? window.RapportProgress.courses() : []).forEach(function (course) {
      var s = window.RapportProgress.courseStatus(course, store.state);
      total += s.total;
      done += s.done;
    });
    return { modules: total, modulesDone: done };
  }

  function stat(label, value, of) {
    return el("div", { "class": "progress-stat" }, [
      el("dt", null, label),
      el("dd", null, [String(value), of === undefined ? "" : el("span", { "class": "progress-of" }, " of " + of)])
    ]);
  }

  function exportName(key) {
    var site = String(key).split(":").pop().replace(/[^A-Za-z0-9-]+/g, "-") || "site";
    var d = new Date();
    return site + "-progress-" + d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate()) + ".json";
  }

  function progressApp(root) {
    var bank = bankOrNotice(root);
    if (!bank) return;
    var store = new Store(bank.key);
    var out = root.querySelector("[data-quiz-progress]");
    var status = root.querySelector("[data-quiz-tools-status]");
    render();

    function say(text, bad) {
      status.textContent = text;
      status.classList.toggle("is-error", !!bad);
    }

    root.querySelector("[data-quiz-export]").addEventListener("click", function () {
      var state = store.read();
      var payload = {
        format: EXPORT_FORMAT, version: STATE_VERSION, key: bank.key,
        exported: new Date().toISOString(), items: state.items, visits: state.visits
      };
      var name = exportName(bank.key);
      var url = URL.createObjectURL(new Blob([JSON.stringify(payload, null, 2)], { type: "application/json" }));
      var a = el("a", { href: url, download: name, hidden: true });
      document.body.appendChild(a);
      a.click();
      a.remove();
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
      say("Exported " + plural(Object.keys(payload.items).length, "answer record", "answer records") + " and " +
        plural(Object.keys(payload.visits).length, "module visit", "module visits") + " to " + name + ".");
    });

    root.querySelector("[data-quiz-import]").addEventListener("change", function (e) {
      var input = e.target;
      var file = input.files && input.files[0];
      input.value = "";
      if (!file) return;
      var name = "“" + file.name + "”";
      if (file.size > MAX_IMPORT_BYTES) {
        say(name + " is too large to be a progress export: nothing was imported.", true);
        return;
      }
      var reader = new FileReader();
      reader.onerror = function () {
        say(name + " could not be read: nothing was imported.", true);
      };
      reader.onload = function () {
        try {
          importText(name, String(reader.result));
        } catch (err) {
          say("Something went wrong importing " + name + ": nothing was imported.", true);
        }
      };
      reader.readAsText(file);
    });

    function importText(name, text) {
      var r = parseExport(text);
      if (r.error) {
        say(name + " " + r.error + ": nothing was imported.", true);
        return;
      }
      var mode = root.querySelector("[data-quiz-import-mode]:checked");
      var replace = mode && mode.value === "replace";
      var items = Object.keys(r.items).length;
      var visits = Object.keys(r.visits).length;
      var notes = "";
      if (r.key && r.key !== bank.key) {
        notes += " The file comes from another site (" + r.key.split(":").pop() + "): only questions and modules with the same names count here.";
      }
      if (r.skipped) notes += " " + plural(r.skipped, "damaged entry was", "damaged entries were") + " left out.";
      var current = store.read();
      if (replace) {
        var mine = Object.keys(current.items).length + Object.keys(current.visits).length;
        if (mine && !window.confirm("Replace the progress saved in this browser with " + name + "? What is saved here now will be lost.")) {
          say("Import cancelled: nothing was changed.");
          return;
        }
        store.replace(r);
        say("Replaced the progress in this browser with " + name + ": " + plural(items, "answer record", "answer records") +
          " and " + plural(visits, "module visit", "module visits") + "." + notes);
      } else {
        var taken = store.merge(r);
        say("Imported " + name + ": " + plural(taken.items, "answer record", "answer records") + " and " +
          plural(taken.visits, "module visit", "module visits") + " merged (of " + items + " and " + visits +
          " in the file; where both had a question, the more recent answer wins)." + notes);
      }
      render();
    }

    root.querySelector("[data-quiz-reset]").addEventListener("click", function () {
      if (!window.confirm("Reset all saved quiz progress for this site? This cannot be undone.")) return;
      store.reset();
      say("Progress reset.");
      render();
    });

    function render() {
      store.state = store.read();
      out.innerHTML = "";
      var now = Date.now();
      var tried = bank.questions.filter(function (q) { return store.get(q.id); });
      var mastered = tried.filter(function (q) { return store.get(q.id).box >= MASTERED_BOX; });
      var due = tried.filter(function (q) { return isDue(store.get(q.id), now); });
      var t = totals(store);
      append(out, el("p", { "class": "quiz-overall" }, [
        "You have tried " + tried.length + " of " + bank.questions.length + " questions and mastered " + mastered.length + ". ",
        due.length ? el("a", { href: bank.links.review }, plural(due.length, "question is", "questions are") + " due for review.") : "Nothing is due for review."
      ]));
      append(out, el("dl", { "class": "progress-stats" }, [
        stat("Questions tried", tried.length, bank.questions.length),
        stat("Mastered", mastered.length, tried.length),
        stat("Due now", due.length),
        t.modules ? stat("Modules completed", t.modulesDone, t.modules) : null
      ]));
      var pages = bank.pages;
      var byKind = groups(function (q) {
        var p = pages[q.page] || {};
        return { key: p.kind, label: p.kindPlural || p.kindLabel, href: bank.links.practice + "?kind=" + encodeURIComponent(p.kind) };
      });
      var byCategory = groups(function (q) {
        var p = pages[q.page] || {};
        if (!p.category) return null;
        return { key: p.category, label: p.categoryLabel, href: bank.links.practice + "?category=" + encodeURIComponent(p.category) };
      });
      var byPage = groups(function (q) {
        var p = pages[q.page] || {};
        return { key: q.page, label: p.title, href: bank.links.practice + "?page=" + encodeURIComponent(q.page), page: p.href };
      });
      append(out, el("div", { "class": "progress-cards" }, [
        masteryCard("Mastery by kind", "progress-kind", byKind),
        masteryCard("Mastery by category", "progress-category", byCategory),
        weekCard(tried, store, now, bank.links),
        modulesCard(store)
      ]));
      append(out, el("details", { "class": "progress-tables" }, [
        el("summary", null, "All figures as tables: by kind, category and page"),
        table("By kind", byKind),
        table("By category", byCategory),
        table("By page", byPage)
      ]));
      changed();
    }

    // Questions grouped by groupOf(q) ({ key, label, href, page }), in bank order, with counts.
    function groups(groupOf) {
      var byKey = {};
      var order = [];
      bank.questions.forEach(function (q) {
        var g = groupOf(q);
        if (!g || !g.key) return;
        if (!byKey[g.key]) {
          byKey[g.key] = { g: g, total: 0, tried: 0, lastOk: 0, mastered: 0 };
          order.push(byKey[g.key]);
        }
        var s = byKey[g.key];
        var rec = store.get(q.id);
        s.total += 1;
        if (rec) {
          s.tried += 1;
          if (rec.lastOk) s.lastOk += 1;
          if (rec.box >= MASTERED_BOX) s.mastered += 1;
        }
      });
      return order;
    }

    function table(caption, rows) {
      if (!rows.length) return null;
      var t = el("table", { "class": "quiz-progress" });
      t.appendChild(el("caption", null, caption));
      t.appendChild(el("thead", null, el("tr", null, ["Topic", "Questions", "Tried", "Right last time", "Mastered", ""].map(function (h) {
        return el("th", { scope: "col" }, h || el("span", { "class": "visually-hidden" }, "Practise"));
      }))));
      var body = el("tbody");
      rows.forEach(function (s) {
        var p = Math.round((100 * s.mastered) / s.total);
        var topic = s.g.page ? el("a", { href: s.g.page }, s.g.label) : s.g.label;
        body.appendChild(el("tr", null, [
          el("th", { scope: "row" }, topic),
          el("td", null, String(s.total)),
          el("td", null, String(s.tried)),
          el("td", null, String(s.lastOk)),
          el("td", null, p + "%"),
          el("td", null, el("a", { href: s.g.href, "aria-label": "Practise " + s.g.label }, "Practise"))
        ]));
      });
      t.appendChild(body);
      return el("div", { "class": "table-scroll" }, t);
    }
  }

  // ---------- start ----------

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-quiz]"), enhancePageQuiz);
    var app = document.querySelector("[data-quiz-app]");
    if (!app) return;
    var kind = app.getAttribute("data-quiz-app");
    if (kind === "practice") practiceApp(app);
    else if (kind === "review") reviewApp(app);
    else if (kind === "progress") progressApp(app);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
