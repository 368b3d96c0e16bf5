// Rapport's SCORM runtime (SCORM 1.2 and SCORM 2004 4th edition), loaded by each module's launch
// page (scorm/<module>.html) in packages made by `rapport export course`.
//
// - Finds the LMS's API the standard way: this window, then its parents, then the opener's
//   (API for 1.2, API_1484_11 for 2004). Without one the launch page is just the module page in
//   a frame, and nothing is reported (and nothing is logged as an error).
// - The module page and every page the learner follows from it are shown in a frame; the runtime
//   listens there for the quiz's `rapport:quiz-checked` events (assets/quiz.js).
// - Reports: status (incomplete until every question of the module is answered, then passed or
//   failed against the pass mark; completed for a module without questions), score (1.2:
//   raw/min/max in percent; 2004: scaled, raw, min, max), progress (2004), one interaction per
//   answered question, the page last read (lesson_location / location), resume state in
//   suspend_data (well within SCORM 1.2's 4,096 characters), session time, and exit.
// - Finishes (LMSFinish / Terminate) when the launch page is left (pagehide: unlike unload, it
//   also fires when the page goes into the back/forward cache).
(function () {
  "use strict";

  var settingsNode = document.getElementById("rapport-sco-settings");
  var frame = document.getElementById("rapport-sco");
  var S;
  try {
    S = JSON.parse(settingsNode.textContent);
  } catch (e) {
    return;
  }
  var V12 = S.version === "1.2";
  var SUSPEND_LIMIT = 4096;
  var IDS = "abcdefghijklmnopqrstuvwxyz0123456789";

  // ---------- finding the API ----------

  function lookIn(win, name) {
    var hops = 0;
    while (win && hops < 500) {
      try {
        if (win[name]) return win[name];
      } catch (e) {
        // A window of another origin: keep climbing.
      }
      if (!win.parent || win.parent === win) break;
      win = win.parent;
      hops += 1;
    }
    return null;
  }

  function findAPI(name) {
    var api = lookIn(window, name);
    try {
      if (!api && window.opener) api = lookIn(window.opener, name);
      if (!api && window.top && window.top.opener) api = lookIn(window.top.opener, name);
    } catch (e) {
      api = api || null;
    }
    return api;
  }

  var api = findAPI(V12 ? "API" : "API_1484_11");

  // ---------- the API calls, named once for both versions ----------

  var lms = {
    init: function () { return String(V12 ? api.LMSInitialize("") : api.Initialize("")) === "true"; },
    get: function (k) { return String(V12 ? api.LMSGetValue(k) : api.GetValue(k)); },
    set: function (k, v) { return String(V12 ? api.LMSSetValue(k, String(v)) : api.SetValue(k, String(v))) === "true"; },
    commit: function () { return V12 ? api.LMSCommit("") : api.Commit(""); },
    finish: function () { return V12 ? api.LMSFinish("") : api.Terminate(""); }
  };
  var K = V12 ? {
    entry: "cmi.core.entry", status: "cmi.core.lesson_status", location: "cmi.core.lesson_location",
    raw: "cmi.core.score.raw", min: "cmi.core.score.min", max: "cmi.core.score.max",
    session: "cmi.core.session_time", exit: "cmi.core.exit", suspend: "cmi.suspend_data"
  } : {
    entry: "cmi.entry", completion: "cmi.completion_status", success: "cmi.success_status",
    location: "cmi.location", raw: "cmi.score.raw", min: "cmi.score.min", max: "cmi.score.max",
    scaled: "cmi.score.scaled", progress: "cmi.progress_measure",
    session: "cmi.session_time", exit: "cmi.exit", suspend: "cmi.suspend_data"
  };

  // ---------- state: the module's questions, right / wrong / unanswered ----------

  var byQid = {};
  S.questions.forEach(function (q, i) { byQid[q.qid] = i; });
  var results = S.questions.map(function () { return null; });
  var interactionAt = {};
  var started = Date.now();
  var active = false;
  var finished = false;
  var location = "";

  // suspend_data: "r1;" + one character per question (1 right, 0 wrong, - unanswered).
  function suspendData() {
    var marks = results.map(function (r) { return r === null ? "-" : r ? "1" : "0"; }).join("");
    return ("r1;" + marks).slice(0, SUSPEND_LIMIT);
  }

  function restore(data) {
    var m = /^r1;([-01]*)$/.exec(data || "");
    if (!m) return;
    for (var i = 0; i < results.length && i < m[1].length; i++) {
      var c = m[1].charAt(i);
      results[i] = c === "-" ? null : c === "1";
    }
  }

  function counts() {
    var answered = 0;
    var right = 0;
    results.forEach(function (r) {
      if (r !== null) answered += 1;
      if (r === true) right += 1;
    });
    return { answered: answered, right: right, total: results.length };
  }

  // ---------- reporting ----------

  function report() {
    var c = counts();
    var done = c.answered === c.total;
    if (c.total > 0) {
      var percent = Math.round((100 * c.right) / c.total);
      lms.set(K.min, 0);
      lms.set(K.max, 100);
      lms.set(K.raw, percent);
      if (!V12) lms.set(K.scaled, (c.right / c.total).toFixed(4).replace(/\.?0+$/, "") || "0");
    }
    var passed = c.total > 0 && (100 * c.right) / c.total >= S.passMark;
    if (V12) {
      lms.set(K.status, !done ? "incomplete" : c.total === 0 ? "completed" : passed ? "passed" : "failed");
    } else {
      lms.set(K.progress, c.total === 0 ? 1 : (c.answered / c.total).toFixed(4).replace(/\.?0+$/, "") || "0");
      lms.set(K.completion, done ? "completed" : "incomplete");
      lms.set(K.success, !done || c.total === 0 ? "unknown" : passed ? "passed" : "failed");
    }
    lms.set(K.suspend, suspendData());
    if (location) lms.set(K.location, location);
  }

  // 1.2 wants single-character identifiers, 2004 its [,] and [.] delimiters.
  function ids(list) { return list.map(function (i) { return IDS.charAt(i) || String(i); }); }
  function join(list) { return list.join(V12 ? "," : "[,]"); }
  function pair(a, b) { return a + (V12 ? "." : "[.]") + b; }

  // The learner's response, read from the answered form (option values are option indexes).
  function responseOf(form, q) {
    var values = function (sel, attr) {
      return Array.prototype.map.call(form.querySelectorAll(sel), function (n) {
        return attr ? n.getAttribute(attr) : n.value;
      });
    };
    switch (q.type) {
      case "true-false": {
        var v = values("input:checked")[0];
        return V12 ? (v === "true" ? "t" : "f") : v;
      }
      case "choice":
        return join(ids(values("input:checked").map(Number).sort(function (a, b) { return a - b; })));
      case "fill-in": {
        var typed = (values("input[type=text]")[0] || "").trim();
        return typed.replace(/\[/g, "(").replace(/\]/g, ")").slice(0, 250);
      }
      case "matching":
        return join(values("select").map(function (v, i) { return pair(ids([i])[0], ids([Number(v)])[0]); }));
      case "sequencing":
        return join(ids(values("[data-step]", "data-step").map(Number)));
    }
    return "";
  }

  function timestamp() {
    if (V12) return new Date().toTimeString().slice(0, 8);
    return new Date().toISOString().replace(/\.\d+Z$/, "Z");
  }

  function recordInteraction(q, form, ok) {
    var n = interactionAt[q.id];
    if (n === undefined) {
      n = Number(lms.get("cmi.interactions._count")) || 0;
      interactionAt[q.id] = n;
    }
    var p = "cmi.interactions." + n + ".";
    lms.set(p + "id", q.id);
    lms.set(p + "type", q.type);
    lms.set(p + (V12 ? "time" : "timestamp"), timestamp());
    if (q.correct) lms.set(p + "correct_responses.0.pattern", q.correct);
    lms.set(p + (V12 ? "student_response" : "learner_response"), responseOf(form, q));
    lms.set(p + "result", ok ? "correct" : V12 ? "wrong" : "incorrect");
    lms.set(p + "weighting", 1);
  }

  function onChecked(e) {
    var d = e.detail || {};
    var i = byQid[d.id];
    if (i === undefined || !active) return;
    results[i] = !!d.ok;
    recordInteraction(S.questions[i], e.target, !!d.ok);
    report();
    lms.commit();
  }

  // ---------- the frame: which page is shown, and its quiz ----------

  var packageRoot = new URL("../", window.location.href).href;

  function watchFrame() {
    var doc;
    try {
      doc = frame.contentDocument;
      var href = frame.contentWindow.location.href;
      if (href.indexOf(packageRoot) === 0) location = href.slice(packageRoot.length);
    } catch (e) {
      return; // another origin, or file:// with no LMS: nothing to report
    }
    if (!doc || doc.rapportScorm) return;
    doc.rapportScorm = true;
    doc.addEventListener("rapport:quiz-checked", onChecked);
    if (active && location.length <= 255) {
      lms.set(K.location, location);
      lms.commit();
    }
  }

  // ---------- session ----------

  function sessionTime() {
    var s = Math.max(0, (Date.now() - started) / 1000);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s - h * 3600 - m * 60;
    if (V12) {
      var two = function (x) { return (x < 10 ? "0" : "") + x; };
      return (h < 10 ? "000" : h < 100 ? "00" : h < 1000 ? "0" : "") + h + ":" + two(m) + ":" + two(Math.floor(sec)) +
        "." + two(Math.floor((sec % 1) * 100));
    }
    return "PT" + h + "H" + m + "M" + sec.toFixed(2) + "S";
  }

  function finish() {
    if (!active || finished) return;
    finished = true;
    var c = counts();
    lms.set(K.session, sessionTime());
    lms.set(K.exit, c.answered === c.total ? (V12 ? "" : "normal") : "suspend");
    report();
    lms.commit();
    lms.finish();
  }

  function start() {
    if (!api) return;
    try {
      if (!lms.init()) return;
    } catch (e) {
      return;
    }
    active = true;
    var resuming = lms.get(K.entry) === "resume";
    if (resuming) {
      restore(lms.get(K.suspend));
      var saved = lms.get(K.location);
      // Reopen the page last read, if it is inside the package.
      if (saved && /^[^:?#]+\.html(#.*)?$/.test(saved) && saved.indexOf("..") < 0) {
        frame.src = "../" + saved;
      }
    }
    report();
    lms.commit();
  }

  start();
  frame.addEventListener("load", watchFrame);
  watchFrame();
  window.addEventListener("pagehide", finish);
  // The host can also end the session, e.g. before it removes the frame.
  window.rapportScormFinish = finish;
})();
