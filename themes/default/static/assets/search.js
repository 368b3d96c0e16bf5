// Rapport search glue. Matching, ranking and snippets all happen in the wasm engine
// (crates/search-core, the same code as `rapport search`); this file only loads it lazily,
// passes queries in and renders what comes back.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var panel = document.getElementById("search-results");
  var list = document.getElementById("search-listbox");
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

  // The engine's compiled code. Over http it compiles while it downloads (a server that does
  // not send it as application/wasm gets the slower way); from disk it comes from its script copy.
  function engineCode() {
    var name = "search_wasm_bg.wasm";
    if (location.protocol === "file:" || !WebAssembly.compileStreaming) return loadBinary(name);
    return WebAssembly.compileStreaming(fetch(base + name)).catch(function () { return loadBinary(name); });
  }

  function engine() {
    if (!enginePromise) {
      var glue = loadScript(base + "search_wasm.js");
      var wasm = engineCode();
      var hot = loadBinary("hot.bin");
      enginePromise = Promise.all([glue, wasm, hot, packIndex()]).then(function (r) {
        packs = r[3];
        /* global rapportSearchWasm */
        return rapportSearchWasm({ module_or_path: r[1] }).then(function () {
          return new rapportSearchWasm.SearchEngine(r[2]);
        });
      });
      enginePromise.catch(function (e) { enginePromise = null; report(e); });
    }
    return enginePromise;
  }

  // The index comes in pieces (search/pieces/N.bin, or N.bin.js from disk; runs of them from
  // packs over http, below), loaded only when the engine asks for them: `ask` runs an engine
  // call, and while it answers {"need": [N, ...]} loads those pieces (all at once) and asks
  // again; then it resolves to the answer.
  var pieces = {};
  function piece(eng, n) {
    if (!pieces[n]) {
      // Stored deflated; the engine inflates them.
      pieces[n] = loadBinary("pieces/" + n + ".bin").then(function (bytes) { eng.addPiece(n, bytes); });
      pieces[n].catch(function () { delete pieces[n]; });
    }
    return pieces[n];
  }

  // Over http a build's pieces also come in packs (search/packs/G.bin: `per` pieces end to
  // end), and groups of nearby pieces are fetched with one Range request each: a request
  // costs the browser about 2 ms even in parallel, and a first query on a large site wants a
  // hundred pieces. search/packs/index.bin says where each piece sits. A server that ignores
  // Range (a 200 answer) ends the use of packs for the page; another failure sends that
  // group's pieces one by one.
  var packs = null;
  function packIndex() {
    if (location.protocol === "file:") return Promise.resolve(null);
    return fetch(base + "packs/index.bin")
      .then(function (r) { return r.ok ? r.arrayBuffer() : null; })
      .then(function (b) {
        var view = b && b.byteLength >= 8 ? new DataView(b) : null;
        var per = view ? view.getUint32(0, true) : 0;
        if (!per) return null;
        var count = (b.byteLength - 8) >> 1;
        var at = new Float64Array(count), len = new Uint16Array(count);
        for (var i = 0; i < count; i++) {
          len[i] = view.getUint16(8 + 2 * i, true);
          at[i] = i % per === 0 ? 0 : at[i - 1] + len[i - 1];
        }
        return { per: per, version: view.getUint32(4, true), at: at, len: len };
      })
      .catch(function () { return null; });
  }

  // Groups of two or more of the pieces `ns` that share a pack and lie at most GAP bytes apart,
  // each fetched as one range (the pieces between come along unused): a query's dictionary
  // blocks sit a few pieces apart, and at 100,000 pages this halves the first round's requests
  // for about 50 KiB more.
  var GAP = 32768;
  function runsOf(p, ns) {
    var runs = [];
    var run = [];
    ns.filter(function (n) { return n < p.len.length; }).sort(function (a, b) { return a - b; }).forEach(function (n) {
      var last = run[run.length - 1];
      if (run.length && Math.floor(n / p.per) === Math.floor(last / p.per) && p.at[n] - (p.at[last] + p.len[last]) <= GAP) {
        run.push(n);
      } else {
        if (run.length > 1) runs.push(run);
        run = [n];
      }
    });
    if (run.length > 1) runs.push(run);
    return runs;
  }

  // The stored bytes of each piece of `run`, from one Range request into its pack.
  function fetchRun(p, run) {
    var first = run[0];
    var last = run[run.length - 1];
    var from = p.at[first];
    var to = p.at[last] + p.len[last] - 1;
    var stop = new AbortController();
    var headers = { Range: "bytes=" + from + "-" + to };
    var url = base + "packs/" + Math.floor(first / p.per) + ".bin?v=" + p.version;
    return fetch(url, { headers: headers, signal: stop.signal })
      .then(function (r) {
        if (r.status === 200) {
          stop.abort();
          packs = null;
          throw new Error("the server ignores Range requests");
        }
        if (r.status !== 206) throw new Error("packs: HTTP " + r.status);
        return r.arrayBuffer();
      })
      .then(function (b) {
        if (b.byteLength !== to - from + 1) throw new Error("short Range answer");
        return run.map(function (n) { return new Uint8Array(b, p.at[n] - from, p.len[n]); });
      });
  }

  // Loads pieces `ns`: runs from the packs where there are packs, the rest one by one (and a
  // run whose request failed, one by one too).
  function load(eng, ns) {
    var p = packs;
    if (p) {
      runsOf(p, ns.filter(function (n) { return !pieces[n]; })).forEach(function (run) {
        var got = fetchRun(p, run);
        run.forEach(function (n, i) {
          pieces[n] = got.then(function (list) { eng.addPiece(n, list[i]); }).catch(function () {
            delete pieces[n];
            return piece(eng, n);
          });
        });
      });
    }
    return Promise.all(ns.map(function (n) { return piece(eng, n); }));
  }

  function ask(eng, call) {
    var r = JSON.parse(call(eng));
    if (!r.need) return Promise.resolve(r.ok);
    return load(eng, r.need).then(function () { return ask(eng, call); });
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

  // A result's address with the query in it (before the section anchor), so the page it opens
  // can mark the words: works from disk and over http alike.
  function withQuery(url, query) {
    var hash = url.indexOf("#");
    var path = hash < 0 ? url : url.slice(0, hash);
    var anchor = hash < 0 ? "" : url.slice(hash);
    return path + (path.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(query.trim()) + anchor;
  }

  // A result's parts (title, section, kind, snippet) inside `el`: a link on the results page, a
  // plain option in the dropdown (an option may hold no link: axe nested-interactive).
  function fillResult(el, hit) {
    var title = document.createElement("span");
    title.className = "search-hit-title";
    title.textContent = hit.title;
    el.appendChild(title);
    if (hit.heading) {
      var heading = document.createElement("span");
      heading.className = "search-hit-heading";
      heading.textContent = hit.heading;
      el.appendChild(heading);
    }
    var badge = document.createElement("span");
    badge.className = "kind-badge";
    badge.textContent = hit.kind_label;
    el.appendChild(badge);
    var snippet = document.createElement("span");
    snippet.className = "search-snippet";
    snippet.textContent = hit.summary;
    el.appendChild(snippet);
    return el;
  }

  function resultLink(hit, query) {
    var a = document.createElement("a");
    a.className = "search-hit";
    a.href = root + withQuery(hit.url, query);
    return fillResult(a, hit);
  }

  function resultOption(hit, i, query) {
    var opt = document.createElement("div");
    opt.setAttribute("role", "option");
    opt.id = "search-option-" + i;
    opt.className = "search-option search-hit";
    opt.setAttribute("aria-selected", "false");
    opt.setAttribute("data-href", root + withQuery(hit.url, query));
    return fillResult(opt, hit);
  }

  // Loads the text of just these sections, then asks the engine for their snippets (HTML).
  // `isCurrent` (optional) says whether the snippets are still wanted once their texts are in:
  // the engine's work is skipped for a query the next keystroke has replaced.
  function snippetsFor(eng, query, hits, isCurrent) {
    var needed = {};
    hits.forEach(function (h) { needed[h.chunk] = true; });
    var loads = Object.keys(needed).map(function (n) {
      return chunk(n).then(function (c) { needed[n] = c; });
    });
    return Promise.all(loads).then(function () {
      if (isCurrent && !isCurrent()) return [];
      var inputs = hits.map(function (h) { return { body: needed[h.chunk][h.slot] || "", summary: h.summary }; });
      return ask(eng, function (e) { return e.snippets(query, JSON.stringify(inputs)); });
    });
  }

  function fillSnippets(eng, query, hits, container, isCurrent) {
    return snippetsFor(eng, query, hits, isCurrent).then(function (html) {
      if (!isCurrent()) return;
      var slots = container.querySelectorAll(".search-snippet");
      for (var i = 0; i < slots.length && i < html.length; i++) slots[i].innerHTML = html[i];
    });
  }

  // For tests and the benchmark: the engine's hits with snippets, as `rapport search --json` has them.
  window.RapportSearch = {
    search: function (query, kind, limit) {
      return engine().then(function (eng) {
        return ask(eng, function (e) { return e.search(query, kind || "", limit || 10); }).then(function (hits) {
          return snippetsFor(eng, query, hits).then(function (html) {
            hits.forEach(function (h, i) { h.snippet = html[i]; });
            return hits;
          });
        });
      });
    },
  };

  function countText(n, query) {
    if (n === 0) return "No exact matches for “" + query + "”";
    return n + (n === 1 ? " result" : " results") + " for “" + query + "”";
  }

  // "No exact matches": did-you-mean queries from the index's own words (each runs `choose`
  // or opens the results page) and links to the kind indexes from the site's navigation.
  function noMatches(eng, query, kind, choose) {
    return ask(eng, function (e) { return e.suggest(query, kind || ""); })
      .catch(function () { return []; })
      .then(function (suggestions) { return noMatchesBox(query, kind, choose, suggestions); });
  }

  function noMatchesBox(query, kind, choose, suggestions) {
    var box = document.createElement("div");
    box.className = "search-empty";
    var p = document.createElement("p");
    p.textContent = countText(0, query) + ".";
    box.appendChild(p);
    if (suggestions.length) {
      var mean = document.createElement("p");
      mean.className = "search-suggest";
      mean.appendChild(document.createTextNode("Did you mean "));
      suggestions.forEach(function (s, i) {
        if (i) mean.appendChild(document.createTextNode(", "));
        var a = document.createElement("a");
        a.href = root + "search.html?q=" + encodeURIComponent(s) + (kind ? "&kind=" + encodeURIComponent(kind) : "");
        a.textContent = s;
        if (choose) a.addEventListener("click", function (e) { e.preventDefault(); choose(s); });
        mean.appendChild(a);
      });
      mean.appendChild(document.createTextNode("?"));
      box.appendChild(mean);
    }
    var kinds = document.querySelectorAll(".site-nav a[data-kind-index]");
    if (kinds.length) {
      var browse = document.createElement("p");
      browse.className = "search-browse";
      browse.appendChild(document.createTextNode("Browse: "));
      for (var i = 0; i < kinds.length; i++) {
        if (i) browse.appendChild(document.createTextNode(" · "));
        var k = document.createElement("a");
        k.href = kinds[i].href;
        k.textContent = kinds[i].textContent;
        browse.appendChild(k);
      }
      box.appendChild(browse);
    }
    return box;
  }

  // ---- the dropdown: a combobox with a listbox of options ----------------------------------

  var seq = 0;
  var active = -1;

  function options() { return list ? list.querySelectorAll("[role=option]") : []; }

  function setOpen(open) {
    if (!list) return;
    panel.hidden = !open;
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
      clearPanel();
      return;
    }
    engine().then(function (eng) {
      if (mine !== seq) return;
      return ask(eng, function (e) { return e.search(query, "", DROPDOWN_LIMIT); }).then(function (hits) {
        if (mine !== seq) return;
        var none = hits.length ? null : noMatches(eng, query, "", function (s) {
          input.value = s;
          input.focus();
          runDropdown(performance.now());
        });
        return Promise.resolve(none).then(function (box) {
          if (mine !== seq) return;
          clearPanel();
          hits.forEach(function (hit, i) { list.appendChild(resultOption(hit, i, query)); });
          // "No matches" (with its links) sits beside the listbox, not in it: a listbox holds options only.
          list.hidden = !hits.length;
          if (box) panel.appendChild(box);
          setOpen(true);
          setActive(-1);
          live.textContent = countText(hits.length, query);
          rendered(query, hits.length, started);
          return fillSnippets(eng, query, hits, list, function () { return mine === seq; });
        });
      });
    }).catch(report);
  }

  function clearPanel() {
    list.textContent = "";
    var none = panel.querySelector(".search-empty");
    if (none) none.remove();
  }

  // Lets tests and the benchmark time keystroke-to-results without polling.
  function rendered(query, count, started) {
    var ms = performance.now() - started;
    document.dispatchEvent(new CustomEvent("rapport-search-rendered", { detail: { query: query, count: count, ms: ms } }));
  }

  if (input && list) {
    input.addEventListener("focus", function () { engine(); }, { once: true });
    // A search takes a few milliseconds, so it runs at once, before the page's thread turns to
    // anything else: queued behind a timer, it waited for the last results' rendering and
    // snippets (at 100,000 pages a keystroke's median went from 20-25 ms to 12-14). Whatever
    // the last query still has to do (its snippets, or pieces it was waiting for) is dropped,
    // and while the engine loads only the last keystroke's query runs.
    input.addEventListener("input", function () {
      runDropdown(performance.now());
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
      } else if (e.key === "Enter" && opts.length && !panel.hidden) {
        // Enter opens the chosen result, or the best one; with no results the form goes on to
        // the results page (and its suggestions).
        e.preventDefault();
        location.href = opts[active >= 0 ? active : 0].getAttribute("data-href");
      } else if (e.key === "Escape") {
        // Also drop a search still waiting for the engine or pieces, or it would reopen the list.
        seq++;
        if (!panel.hidden) {
          e.preventDefault();
          setOpen(false);
        }
      }
    });
    // A click (or tap) on an option opens it; mousedown keeps the focus in the box meanwhile.
    list.addEventListener("mousedown", function (e) { if (e.target.closest("[role=option]")) e.preventDefault(); });
    list.addEventListener("click", function (e) {
      var opt = e.target.closest("[role=option]");
      if (opt) location.href = opt.getAttribute("data-href");
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
    engine().then(function (eng) {
      return ask(eng, function (e) { return e.search(query, kind, PAGE_LIMIT); }).then(function (hits) {
        return show(eng, hits);
      });
    }).catch(report);

    function show(eng, hits) {
      page.textContent = "";
      hits.forEach(function (hit) {
        var li = document.createElement("li");
        li.className = "search-option";
        li.appendChild(resultLink(hit, query));
        page.appendChild(li);
      });
      status.textContent = countText(hits.length, query);
      var previous = document.getElementById("search-page-none");
      if (previous) previous.remove();
      var none = hits.length ? null : noMatches(eng, query, kind, null);
      return Promise.resolve(none).then(function (box) {
        if (box) {
          box.id = "search-page-none";
          page.parentNode.insertBefore(box, page.nextSibling);
        }
        rendered(query, hits.length, started);
        return fillSnippets(eng, query, hits, page, function () { return true; });
      });
    }
  }

  if (page) runPage();

  // ---- arriving from a result (page.html?q=...#section) -------------------------------------
  // The engine finds the query's words in the page's text (stems, typo and synonym matches
  // too), they are wrapped in <mark>, and the section is scrolled into view a little below
  // the top of the window. A small control clears the marks (and the query from the URL).

  function textNodes(rootEl) {
    var nodes = [];
    var walker = document.createTreeWalker(rootEl, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        if (!n.nodeValue.trim()) return NodeFilter.FILTER_REJECT;
        if (n.parentNode.closest("script, style, noscript, textarea, mark, .search-arrival")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      },
    });
    while (walker.nextNode()) nodes.push(walker.currentNode);
    return nodes;
  }

  // Wraps [start, end) ranges (JavaScript string indices) of a text node in <mark>, last first.
  function markNode(node, ranges) {
    for (var i = ranges.length - 1; i >= 0; i--) {
      var r = ranges[i];
      if (r[1] > node.nodeValue.length || r[0] >= r[1]) continue;
      var middle = node.splitText(r[0]);
      middle.splitText(r[1] - r[0]);
      var mark = document.createElement("mark");
      mark.className = "search-arrival-mark";
      middle.parentNode.replaceChild(mark, middle);
      mark.appendChild(middle);
    }
  }

  function clearMarks(bar) {
    var marks = document.querySelectorAll("mark.search-arrival-mark");
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i];
      var parent = m.parentNode;
      while (m.firstChild) parent.insertBefore(m.firstChild, m);
      parent.removeChild(m);
      parent.normalize();
    }
    if (bar) bar.remove();
    var params = new URLSearchParams(location.search);
    params.delete("q");
    var rest = params.toString();
    history.replaceState(history.state, "", location.pathname + (rest ? "?" + rest : "") + location.hash);
  }

  // Scrolls `el` into view a fifth of the window below the top, not flush with it.
  function scrollNear(el) {
    var top = el.getBoundingClientRect().top + window.scrollY - window.innerHeight / 5;
    window.scrollTo(0, Math.max(0, top));
  }

  function highlightArrival() {
    var query = new URLSearchParams(location.search).get("q") || "";
    var main = document.getElementById("main");
    if (!query.trim() || !main) return;
    var nodes = textNodes(main);
    var texts = JSON.stringify(nodes.map(function (n) { return n.nodeValue; }));
    engine().then(function (eng) {
      return ask(eng, function (e) { return e.marks(query, texts); });
    }).then(function (ranges) {
      nodes.forEach(function (n, i) { if (ranges[i] && ranges[i].length) markNode(n, ranges[i]); });
      var bar = document.createElement("div");
      bar.className = "search-arrival";
      bar.setAttribute("role", "status");
      var count = main.querySelectorAll("mark.search-arrival-mark").length;
      bar.appendChild(document.createTextNode((count ? "Highlighting “" : "No highlights for “") + query + "” "));
      var clear = document.createElement("button");
      clear.type = "button";
      clear.className = "search-arrival-clear";
      clear.textContent = "Clear highlights";
      clear.addEventListener("click", function () { clearMarks(bar); });
      bar.appendChild(clear);
      document.body.appendChild(bar);
      var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      var first = main.querySelector("mark.search-arrival-mark");
      if (target) scrollNear(target);
      else if (first) scrollNear(first);
    }).catch(report);
  }

  if (!page) highlightArrival();
})();
