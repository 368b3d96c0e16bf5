// Rapport learner progress on every page: records which course modules the learner has opened,
// marks course module links as completed or in progress, and fills "Continue where you left off".
//
// - Reads the course outline that quiz/courses.js sets (window.RAPPORT_COURSES: the storage key and
//   each course's modules with the ids of their questions) and the progress saved in localStorage
//   under that key: { version: 2, items: { questionId: record }, visits: { moduleSlug: ms } }, the
//   same object quiz.js writes answers to. Version 1 (answers only) reads as version 2 with no visits.
// - A module is completed once its page has been opened and every question written on it has been
//   answered right at least once (on the page, in practice or in review); it is in progress once it
//   has been opened or any of its questions answered. A module without questions is completed by
//   opening it.
// - Any element with data-progress-slug="SLUG" gets the class progress-done or progress-started and
//   visually-hidden text saying so; #continue-learning and [data-continue-learning="COURSE"] get a
//   link to the module to take up next and stay hidden when there is none; [data-course-progress]
//   gets "N of M modules completed".
// - Everything is local: nothing is fetched, so it works over file:// too. window.RapportProgress
//   lets the progress page (quiz.js) use the same definitions; the event "rapport:progress" on
//   document (sent by quiz.js after each answer or import) redraws the marks.
(function () {
  "use strict";

  var STATE_VERSION = 2;
  var data = window.RAPPORT_COURSES;
  var STATUS_TEXT = { done: "completed", started: "in progress" };

  // ---------- saved progress ----------

  function empty() {
    return { version: STATE_VERSION, items: {}, visits: {} };
  }

  // Saved state of any known version as the current one, or null when it is not progress at all.
  function migrate(s) {
    if (!s || typeof s !== "object" || !s.items || typeof s.items !== "object") return null;
    if (s.version === 1) return { version: STATE_VERSION, items: s.items, visits: {} };
    if (s.version !== STATE_VERSION) return null;
    if (!s.visits || typeof s.visits !== "object") s.visits = {};
    return s;
  }

  // { state, available }: storage can be blocked (private modes, some file:// settings).
  function load(key) {
    try {
      var raw = window.localStorage.getItem(key);
      return { state: (raw && migrate(JSON.parse(raw))) || empty(), available: true };
    } catch (e) {
      return { state: empty(), available: false };
    }
  }

  function save(key, state) {
    try {
      window.localStorage.setItem(key, JSON.stringify(state));
      return true;
    } catch (e) {
      return false;
    }
  }

  // ---------- completion ----------

  function answeredRight(state, id) {
    var r = state.items[id];
    return !!r && r.right > 0;
  }

  // "done", "started" or "" for one module of the outline.
  function moduleStatus(m, state) {
    var visited = !!state.visits[m.slug];
    var qs = m.questions || [];
    var right = qs.filter(function (id) { return answeredRight(state, id); }).length;
    if (visited && right === qs.length) return "done";
    if (visited || qs.some(function (id) { return !!state.items[id]; })) return "started";
    return "";
  }

  // Counts of a course's modules: { done, started, total }.
  function courseStatus(c, state) {
    var out = { done: 0, started: 0, total: c.modules.length };
    c.modules.forEach(function (m) {
      var s = moduleStatus(m, state);
      if (s) out[s] += 1;
    });
    return out;
  }

  // Status of each module slug across all courses.
  function statuses(state) {
    var out = {};
    courses().forEach(function (c) {
      c.modules.forEach(function (m) { out[m.slug] = moduleStatus(m, state); });
    });
    return out;
  }

  // The module to continue with: in the course (or `only` course) whose module was opened last,
  // that module if unfinished, else the next unfinished one after it (then before it). Null when
  // no module was opened, or when every module of that course is completed.
  function continueTarget(state, only) {
    var best = null;
    courses().forEach(function (c) {
      if (only && c.slug !== only) return;
      c.modules.forEach(function (m, i) {
        var t = state.visits[m.slug];
        if (t && (!best || t > best.t)) best = { course: c, index: i, t: t };
      });
    });
    if (!best) return null;
    var mods = best.course.modules;
    for (var k = 0; k < mods.length; k++) {
      var i = (best.index + k) % mods.length;
      if (moduleStatus(mods[i], state) !== "done") return { course: best.course, index: i, module: mods[i] };
    }
    return null;
  }

  function courses() {
    return (data && Array.isArray(data.courses)) ? data.courses : [];
  }

  // ---------- where this page is ----------

  function root() {
    return (document.body && document.body.getAttribute("data-root")) || "";
  }

  // A URL without query, hash or a trailing index.html, so pretty and plain links compare equal.
  function canonical(url) {
    return url.split("#")[0].split("?")[0].replace(/index\.html$/, "");
  }

  function hrefOf(page) {
    return root() + page.href;
  }

  function isHere(page) {
    try {
      return canonical(new URL(hrefOf(page), window.location.href).href) === canonical(window.location.href);
    } catch (e) {
      return false;
    }
  }

  // Remembers that the module shown on this page was opened (now).
  function recordVisit() {
    if (!data || !data.key) return;
    var here = null;
    courses().forEach(function (c) {
      c.modules.forEach(function (m) { if (!here && isHere(m)) here = m; });
    });
    if (!here) return;
    var l = load(data.key);
    if (!l.available) return;
    l.state.visits[here.slug] = Date.now();
    save(data.key, l.state);
  }

  // ---------- marks ----------

  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text) n.textContent = text;
    return n;
  }

  function mark(node, status) {
    node.classList.remove("progress-done", "progress-started");
    Array.prototype.forEach.call(node.querySelectorAll(".progress-status"), function (n) { n.remove(); });
    if (!status) return;
    node.classList.add("progress-" + status);
    node.appendChild(el("span", "progress-status visually-hidden", " (" + STATUS_TEXT[status] + ")"));
  }

  function fillContinue(node, state) {
    var only = node.getAttribute("data-continue-learning") || "";
    var target = continueTarget(state, only);
    node.textContent = "";
    if (!target || isHere(target.module)) {
      node.hidden = true;
      return;
    }
    var link = el("a", "continue-link");
    link.href = hrefOf(target.module);
    link.appendChild(el("span", "continue-label", "Continue where you left off: "));
    link.appendChild(el("span", "continue-title", target.module.title));
    node.appendChild(link);
    node.appendChild(el("span", "continue-where",
      " Module " + (target.index + 1) + " of " + target.course.modules.length + (only ? "" : " in " + target.course.title)));
    node.hidden = false;
  }

  function fillCourseSummary(node, state) {
    var slug = node.getAttribute("data-course-progress");
    var c = courses().filter(function (x) { return x.slug === slug; })[0];
    var s = c && courseStatus(c, state);
    if (!s || !(s.done || s.started)) {
      node.hidden = true;
      return;
    }
    node.textContent = s.done + " of " + s.total + " modules completed" + (s.started ? ", " + s.started + " in progress." : ".");
    node.hidden = false;
  }

  // Redraws every mark on the page from the saved progress.
  function refresh() {
    if (!data || !data.key) return;
    var state = load(data.key).state;
    var status = statuses(state);
    Array.prototype.forEach.call(document.querySelectorAll("[data-progress-slug]"), function (n) {
      var slug = n.getAttribute("data-progress-slug");
      mark(n, Object.prototype.hasOwnProperty.call(status, slug) ? status[slug] : "");
    });
    Array.prototype.forEach.call(document.querySelectorAll("#continue-learning, [data-continue-learning]"), function (n) {
      fillContinue(n, state);
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-course-progress]"), function (n) {
      fillCourseSummary(n, state);
    });
  }

  window.RapportProgress = {
    version: STATE_VERSION,
    migrate: migrate,
    load: load,
    save: save,
    moduleStatus: moduleStatus,
    courseStatus: courseStatus,
    courses: courses,
    refresh: refresh
  };

  function init() {
    recordVisit();
    refresh();
    document.addEventListener("rapport:progress", refresh);
    window.addEventListener("storage", function (e) {
      if (data && e.key === data.key) refresh();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
