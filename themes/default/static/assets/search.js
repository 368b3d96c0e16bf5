// Rapport search glue. Matching, ranking and snippets all happen in the wasm engine
// (crates/search-core, the same code as `rapport search`); this file only loads it lazily,
// passes queries in and renders what comes back.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var live = document.getElementById("search-live");
  var page = document.getElementById("search-page-results");
  if (!input && !page) return;

  var root = document.body.getAttribute("data-root") || "";
  var base = root + "search/";
  var DROPDOWN_LIMIT = 8;
  var PAGE_LIMIT = 50;
  var data = (window.RapportSearchData = window.RapportSearchData || {});
  var enginePromise = null;
  var texts = {};

  // ---- loading -------------------------------------------------------------------------

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { resolve(); };
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  function fromBase64(b64) {
    // Native decoding where the browser has it (Chromium 140+): several times faster on a big index.
    if (Uint8Array.fromBase64) return Uint8Array.fromBase64(b64);
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  // The script-wrapped copy `NAME.js` sets RapportSearchData[NAME]: used where fetch is blocked.
  function loadViaScript(name, binary) {
    return loadScript(base + name + ".js").then(function () {
      var v = data[name];
      if (v === undefined) throw new Error("search file " + name + " is missing");
      delete data[name];
      return binary ? fromBase64(v) : v;
    });
  }

  // A binary file: fetch() over http(s), without base64's overhead; browsers refuse fetch for
  // file:// pages, so go straight to the script copy there.
  function loadBinary(name) {
    if (location.protocol === "file:") return loadViaScript(name, true);
    return fetch(base + name)
      .then(function (r) {
        if (!r.ok) throw new Error(name + ": HTTP " + r.status);
        return r.arrayBuffer().then(function (b) { return new Uint8Array(b); });
      })
      .catch(function () { return loadViaScript(name, true); });
  }

  function engine() {
    if (!enginePromise) {
      var glue = loadScript(base + "search_wasm.js");
      var wasm = loadBinary("search_wasm_bg.wasm");
      var index = loadBinary("index.bin");
      enginePromise = Promise.all([glue, wasm, index]).then(function (r) {
        /* global rapportSearchWasm */
        return rapportSearchWasm({ module_or_path: r[1] }).then(function () {
          return new rapportSearchWasm.SearchEngine(r[2]);
        });
      });
      enginePromise.catch(function (e) { enginePromise = null; report(e); });
    }
    return enginePromise;
  }

  // The engine, with the word positions added first when `query` has a "quoted phrase"
  // (they are loaded only then: most searches never need them).
  var positionsPromise = null;
  function engineFor(query) {
    return engine().then(function (eng) {
      if (!eng.needsPositions(query)) return eng;
      if (!positionsPromise) {
        positionsPromise = loadBinary("positions.bin").then(function (bytes) { eng.addPositions(bytes); });
        positionsPromise.catch(function (e) { positionsPromise = null; report(e); });
      }
      return positionsPromise.then(function () { return eng; });
    });
  }

  // Text chunks come only as scripts (as small as JSON, and loadable from disk too).
  function chunk(n) {
    if (!texts[n]) texts[n] = loadViaScript("text/" + n + ".json", false);
    return texts[n];
  }

  function report(e) {
    var msg = "Search could not load: " + (e && e.message ? e.message : e);
    if (live) live.textContent = msg;
    var status = document.getElementById("search-page-status");
    if (status) status.textContent = msg;
  }

  // ---- rendering (text via textContent; snippets are HTML escaped by the engine) ---------

  function resultLink(hit, id) {
    var a = document.createElement("a");
    a.className = "search-hit";
    a.href = root + hit.url;
    if (id) a.tabIndex = -1;
    var title = document.createElement("span");
    title.className = "search-hit-title";
    title.textContent = hit.title;
    a.appendChild(title);
    if (hit.heading) {
      var heading = document.createElement("span");
      heading.className = "search-hit-heading";
      heading.textContent = hit.heading;
      a.appendChild(heading);
    }
    var badge = document.createElement("span");
    badge.className = "kind-badge";
    badge.textContent = hit.kind_label;
    a.appendChild(badge);
    var snippet = document.createElement("span");
    snippet.className = "search-snippet";
    snippet.textContent = hit.summary;
    a.appendChild(snippet);
    return a;
  }

  // Loads the text of just these sections, then asks the engine for their snippets (HTML).
  function snippetsFor(eng, query, hits) {
    var needed = {};
    hits.forEach(function (h) { needed[h.chunk] = true; });
    var loads = Object.keys(needed).map(function (n) {
      return chunk(n).then(function (c) { needed[n] = c; });
    });
    return Promise.all(loads).then(function () {
      var inputs = hits.map(function (h) { return { body: needed[h.chunk][h.slot] || "", summary: h.summary }; });
      return JSON.parse(eng.snippets(query, JSON.stringify(inputs)));
    });
  }

  function fillSnippets(eng, query, hits, container, isCurrent) {
    return snippetsFor(eng, query, hits).then(function (html) {
      if (!isCurrent()) return;
      var slots = container.querySelectorAll(".search-snippet");
      for (var i = 0; i < slots.length && i < html.length; i++) slots[i].innerHTML = html[i];
    });
  }

  // For tests and the benchmark: the engine's hits with snippets, as `rapport search --json` has them.
  window.RapportSearch = {
    search: function (query, kind, limit) {
      return engineFor(query).then(function (eng) {
        var hits = JSON.parse(eng.search(query, kind || "", limit || 10));
        return snippetsFor(eng, query, hits).then(function (html) {
          hits.forEach(function (h, i) { h.snippet = html[i]; });
          return hits;
        });
      });
    },
  };

  function countText(n, query) {
    if (n === 0) return "No results for “" + query + "”";
    return n + (n === 1 ? " result" : " results") + " for “" + query + "”";
  }

  // ---- the dropdown: a combobox with a listbox of options ----------------------------------

  var seq = 0;
  var active = -1;
  var timer = null;
  var started = 0;

  function options() { return list ? list.querySelectorAll("[role=option]") : []; }

  function setOpen(open) {
    if (!list) return;
    list.hidden = !open;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    if (!open) setActive(-1);
  }

  function setActive(i) {
    var opts = options();
    active = opts.length ? Math.max(-1, Math.min(i, opts.length - 1)) : -1;
    for (var j = 0; j < opts.length; j++) opts[j].setAttribute("aria-selected", j === active ? "true" : "false");
    if (active >= 0) {
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function runDropdown(started) {
    var query = input.value;
    var mine = ++seq;
    if (!query.trim()) {
      setOpen(false);
      list.textContent = "";
      return;
    }
    engineFor(query).then(function (eng) {
      if (mine !== seq) return;
      var hits = JSON.parse(eng.search(query, "", DROPDOWN_LIMIT));
      list.textContent = "";
      hits.forEach(function (hit, i) {
        var opt = document.createElement("div");
        opt.setAttribute("role", "option");
        opt.id = "search-option-" + i;
        opt.className = "search-option";
        opt.setAttribute("aria-selected", "false");
        opt.appendChild(resultLink(hit, opt.id));
        list.appendChild(opt);
      });
      if (!hits.length) {
        var none = document.createElement("p");
        none.className = "search-empty";
        none.textContent = countText(0, query);
        list.appendChild(none);
      }
      setOpen(true);
      setActive(-1);
      live.textContent = countText(hits.length, query);
      rendered(query, hits.length, started);
      return fillSnippets(eng, query, hits, list, function () { return mine === seq; });
    }).catch(report);
  }

  // Lets tests and the benchmark time keystroke-to-results without polling.
  function rendered(query, count, started) {
    var ms = performance.now() - started;
    document.dispatchEvent(new CustomEvent("rapport-search-rendered", { detail: { query: query, count: count, ms: ms } }));
  }

  if (input && list) {
    input.addEventListener("focus", function () { engine(); }, { once: true });
    // A search takes a few milliseconds, so no delay: keystrokes that arrive before the queued
    // search runs are folded into it (it reads the box when it runs).
    input.addEventListener("input", function () {
      if (timer === null) started = performance.now();
      if (timer !== null) return;
      timer = setTimeout(function () {
        timer = null;
        runDropdown(started);
      }, 0);
    });
    input.addEventListener("keydown", function (e) {
      var opts = options();
      if (e.key === "ArrowDown" && opts.length) {
        e.preventDefault();
        setOpen(true);
        setActive(active + 1 >= opts.length ? 0 : active + 1);
      } else if (e.key === "ArrowUp" && opts.length) {
        e.preventDefault();
        setActive(active <= 0 ? opts.length - 1 : active - 1);
      } else if (e.key === "Enter" && active >= 0 && !list.hidden) {
        e.preventDefault();
        location.href = opts[active].querySelector("a").href;
      } else if (e.key === "Escape") {
        // Also drop a search still pending from the last keystrokes, or it would reopen the list.
        clearTimeout(timer);
        timer = null;
        seq++;
        if (!list.hidden) {
          e.preventDefault();
          setOpen(false);
        }
      }
    });
    // Close when focus leaves the search form (a click on a result navigates first).
    input.form.addEventListener("focusout", function (e) {
      if (!input.form.contains(e.relatedTarget)) setTimeout(function () { setOpen(false); }, 150);
    });
  }

  // ---- the results page (search.html?q=...&kind=...) ---------------------------------------

  function runPage() {
    var params = new URLSearchParams(location.search);
    var query = params.get("q") || "";
    var kind = params.get("kind") || "";
    var box = document.getElementById("search-page-input");
    var select = document.getElementById("search-page-kind");
    var status = document.getElementById("search-page-status");
    box.value = query;
    if (select) select.value = kind;
    if (!query.trim()) {
      box.focus();
      return;
    }
    var started = performance.now();
    status.textContent = "Searching…";
    engineFor(query).then(function (eng) {
      var hits = JSON.parse(eng.search(query, kind, PAGE_LIMIT));
      page.textContent = "";
      hits.forEach(function (hit) {
        var li = document.createElement("li");
        li.className = "search-option";
        li.appendChild(resultLink(hit, null));
        page.appendChild(li);
      });
      status.textContent = countText(hits.length, query);
      rendered(query, hits.length, started);
      return fillSnippets(eng, query, hits, page, function () { return true; });
    }).catch(report);
  }

  if (page) runPage();
})();
