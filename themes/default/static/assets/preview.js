// Rapport: link previews. Hovering (after a short delay) or focusing a link to another page of
// the site shows a card with the page's title, kind, summary and first paragraph; a glossary
// link shows the term's definition. The data ships as scripts under assets/previews/ (no fetch,
// so it works from file://), loaded on the first hover or focus of a link into them.
// Not on touch-only devices. The card is a tooltip: Esc, moving away or blurring closes it.
(function () {
  "use strict";
  if (window.matchMedia && window.matchMedia("(hover: none)").matches) return;
  var DELAY = 300, HIDE_DELAY = 200, ID = "rapport-preview";
  var body = document.body;
  var base = new URL(body.getAttribute("data-root") || "./", location.href).href;
  var here = keyOf(location.href) || "";
  var data = {}, index = null, loading = {}, waiters = [];
  var card = null, current = null, showTimer = 0, hideTimer = 0, prevDescribedBy = null;

  // Chunk scripts call these.
  window.RapportPreviews = {
    index: function (map) { index = map; var w = waiters; waiters = []; w.forEach(function (f) { f(); }); },
    add: function (entries) { for (var k in entries) data[k] = entries[k]; }
  };

  function keyOf(href) {
    if (!href || href.indexOf(base) !== 0) return null;
    var k = href.slice(base.length).split("?")[0];
    try { k = decodeURI(k); } catch (e) { /* keep as is */ }
    return k;
  }

  // Same hash as the Rust side (FNV-1a over UTF-8) to find a key's part of its folder.
  function fnv1a(s) {
    var bytes = new TextEncoder().encode(s), h = 0x811c9dc5;
    for (var i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 0x01000193) >>> 0; }
    return h >>> 0;
  }

  function loadScript(src, done) {
    if (loading[src]) { loading[src].push(done); return; }
    loading[src] = [done];
    var s = document.createElement("script");
    s.src = src;
    s.onload = s.onerror = function () { var l = loading[src]; loading[src] = []; l.forEach(function (f) { f(); }); };
    document.head.appendChild(s);
  }

  function withIndex(done) {
    if (index) return done();
    waiters.push(done);
    loadScript(base + "assets/previews/index.js", function () { if (!index) window.RapportPreviews.index({}); });
  }

  // Calls done(entry) once the chunk holding `key` has loaded (entry may be undefined).
  function lookup(key, done) {
    if (data[key]) return done(data[key]);
    withIndex(function () {
      var slash = key.indexOf("/"), folder = slash < 0 ? "" : key.slice(0, slash), f = index[folder];
      if (!f) return done(undefined);
      var part = fnv1a(key) % f.parts;
      loadScript(base + "assets/previews/" + f.file + "-" + part + ".js", function () { done(data[key]); });
    });
  }

  // The preview key of a link: its target with the #anchor only when an entry has it (glossary).
  function linkKey(a) {
    var raw = a.getAttribute("href");
    if (!raw || raw.charAt(0) === "#") return null;
    var k = keyOf(new URL(raw, location.href).href);
    if (!k) return null;
    var hash = k.indexOf("#"), page = hash < 0 ? k : k.slice(0, hash);
    if (page === here.split("#")[0] && hash < 0) return null;
    return { full: k, page: page };
  }

  function ensureCard() {
    if (card) return card;
    card = document.createElement("div");
    card.id = ID;
    card.className = "preview-card";
    card.setAttribute("role", "tooltip");
    card.hidden = true;
    card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
    card.addEventListener("mouseleave", function () { scheduleHide(); });
    body.appendChild(card);
    return card;
  }

  function para(cls, text) {
    var p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  function fill(entry) {
    var c = ensureCard();
    c.textContent = "";
    c.appendChild(para("preview-kind", entry[1]));
    c.appendChild(para("preview-title", entry[0]));
    if (entry[2]) c.appendChild(para("preview-summary", entry[2]));
    if (entry[3]) c.appendChild(para("preview-excerpt", entry[3]));
  }

  function place(a) {
    var r = a.getBoundingClientRect(), c = card, gap = 8;
    c.style.left = "0px"; c.style.top = "0px";
    var w = c.offsetWidth, h = c.offsetHeight, vw = document.documentElement.clientWidth;
    var left = Math.min(Math.max(gap, r.left), Math.max(gap, vw - w - gap));
    var top = r.bottom + gap;
    if (top + h > window.innerHeight && r.top - gap - h > 0) top = r.top - gap - h;
    c.style.left = Math.round(left + window.scrollX) + "px";
    c.style.top = Math.round(top + window.scrollY) + "px";
  }

  function show(a) {
    var key = linkKey(a);
    if (!key) return;
    var pick = function (entry) {
      if (current !== a) return;
      if (!entry) return;
      fill(entry);
      card.hidden = false;
      place(a);
      prevDescribedBy = a.getAttribute("aria-describedby");
      a.setAttribute("aria-describedby", prevDescribedBy ? prevDescribedBy + " " + ID : ID);
    };
    current = a;
    lookup(key.full, function (entry) {
      if (entry || key.full === key.page) return pick(entry);
      lookup(key.page, pick);
    });
  }

  function hide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    if (current && card && !card.hidden) {
      if (prevDescribedBy) current.setAttribute("aria-describedby", prevDescribedBy);
      else current.removeAttribute("aria-describedby");
    }
    prevDescribedBy = null;
    current = null;
    if (card) card.hidden = true;
  }

  function scheduleShow(a) {
    if (current === a) { clearTimeout(hideTimer); return; }
    hide();
    current = a;
    showTimer = setTimeout(function () { show(a); }, DELAY);
  }

  function scheduleHide() {
    clearTimeout(showTimer);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, HIDE_DELAY);
  }

  function linkFrom(target) {
    var a = target && target.closest ? target.closest("a[href]") : null;
    return a && !(card && card.contains(a)) ? a : null;
  }

  document.addEventListener("mouseover", function (e) { var a = linkFrom(e.target); if (a) scheduleShow(a); });
  document.addEventListener("mouseout", function (e) {
    var a = linkFrom(e.target);
    if (a && a === current && !(e.relatedTarget && (a.contains(e.relatedTarget) || (card && card.contains(e.relatedTarget))))) scheduleHide();
  });
  document.addEventListener("focusin", function (e) { var a = linkFrom(e.target); if (a) scheduleShow(a); });
  document.addEventListener("focusout", function (e) { if (linkFrom(e.target) === current) hide(); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape" && current) hide(); });
  window.addEventListener("scroll", function () { if (current && card && !card.hidden) place(current); }, { passive: true });
})();
