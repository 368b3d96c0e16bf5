// Rapport dev server: reloads the page when the site is rebuilt (keeping the scroll position)
// and shows build errors over the page until they are fixed.
(function () {
  "use strict";
  var KEY = "rapport-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(KEY);
  if (saved !== null) {
    sessionStorage.removeItem(KEY);
    window.addEventListener("load", function () { window.scrollTo(0, Number(saved)); });
  }
  function overlay(text) {
    var box = document.getElementById("rapport-error-overlay");
    if (!box) {
      box = document.createElement("div");
      box.id = "rapport-error-overlay";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,20,24,.94);color:#ffd7d7;padding:2rem;font:14px/1.5 ui-monospace,Menlo,Consolas,monospace";
      var title = document.createElement("h2");
      title.textContent = "Build failed: the last good version is still served";
      title.style.cssText = "color:#fff;font:600 18px system-ui,sans-serif;margin:0 0 1rem";
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      box.appendChild(title);
      box.appendChild(pre);
      document.body.appendChild(box);
    }
    box.querySelector("pre").textContent = text;
  }
  var events = new EventSource("/__rapport/events");
  events.addEventListener("reload", function () {
    sessionStorage.setItem(KEY, String(window.scrollY));
    location.reload();
  });
  events.addEventListener("build-error", function (e) {
    try { overlay(JSON.parse(e.data)); } catch (_) { overlay(String(e.data)); }
  });
})();
