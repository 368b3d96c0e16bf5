// Rapport theme glue: the "/" shortcut for search, the sidebar as a drawer on narrow screens,
// the theme toggle (light, dark, system; remembered), and the table of contents opened where it
// is a column beside the article. Search and quizzes add their own modules.
(function () {
  "use strict";
  var doc = document.documentElement;

  // ---- "/" focuses the search box from anywhere but a text field ---------------------------
  document.addEventListener("keydown", function (e) {
    var input = document.getElementById("search-input");
    if (!input || e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing) return;
    e.preventDefault();
    input.focus();
  });

  // ---- theme: data-theme on <html>, absent = follow the system -------------------------------
  var THEME_KEY = "rapport-theme";
  var NEXT = { system: "light", light: "dark", dark: "system" };
  var toggle = document.querySelector(".theme-toggle");

  function storedTheme() {
    try {
      var t = localStorage.getItem(THEME_KEY);
      return t === "light" || t === "dark" ? t : "system";
    } catch (e) {
      return "system";
    }
  }

  function applyTheme(theme) {
    if (theme === "system") doc.removeAttribute("data-theme");
    else doc.setAttribute("data-theme", theme);
    if (toggle) {
      var label = toggle.querySelector(".theme-label");
      label.textContent = "Theme: " + theme;
      toggle.title = "Colour theme: " + theme + " (change to " + NEXT[theme] + ")";
    }
  }

  if (toggle) {
    applyTheme(storedTheme());
    toggle.addEventListener("click", function () {
      var theme = NEXT[storedTheme()];
      try {
        if (theme === "system") localStorage.removeItem(THEME_KEY);
        else localStorage.setItem(THEME_KEY, theme);
      } catch (e) {
        // Storage refused (private mode, file:// policy): the choice lasts for this page only.
      }
      applyTheme(theme);
    });
  }

  // ---- the sidebar as a drawer (narrow screens) ---------------------------------------------
  var menu = document.querySelector(".menu-button");
  var sidebar = document.getElementById("sidebar");
  var narrow = window.matchMedia("(max-width: 61.99rem)");
  var backdrop = null;

  function focusables(el) {
    return Array.prototype.filter.call(
      el.querySelectorAll("a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex='-1'])"),
      // Rendered ones only (offsetParent is null for everything in a fixed drawer).
      function (n) { return n.getClientRects().length > 0 && getComputedStyle(n).visibility !== "hidden"; }
    );
  }

  function isOpen() { return sidebar.classList.contains("is-open"); }

  function openDrawer() {
    sidebar.classList.add("is-open");
    menu.setAttribute("aria-expanded", "true");
    sidebar.setAttribute("role", "dialog");
    sidebar.setAttribute("aria-modal", "true");
    sidebar.setAttribute("aria-label", "Site menu");
    backdrop = document.createElement("div");
    backdrop.className = "drawer-backdrop";
    backdrop.addEventListener("click", function () { closeDrawer(true); });
    document.body.appendChild(backdrop);
    var current = sidebar.querySelector("[aria-current=page]");
    var first = current || focusables(sidebar)[0];
    if (first) first.focus();
  }

  function closeDrawer(returnFocus) {
    if (!isOpen()) return;
    sidebar.classList.remove("is-open");
    menu.setAttribute("aria-expanded", "false");
    sidebar.removeAttribute("role");
    sidebar.removeAttribute("aria-modal");
    sidebar.removeAttribute("aria-label");
    if (backdrop) backdrop.remove();
    backdrop = null;
    if (returnFocus) menu.focus();
  }

  if (menu && sidebar) {
    var close = document.createElement("button");
    close.type = "button";
    close.className = "icon-button drawer-close";
    close.textContent = "Close menu";
    close.addEventListener("click", function () { closeDrawer(true); });
    sidebar.insertBefore(close, sidebar.firstChild);
    menu.addEventListener("click", function () {
      if (isOpen()) closeDrawer(true);
      else openDrawer();
    });
    sidebar.addEventListener("keydown", function (e) {
      if (!isOpen()) return;
      if (e.key === "Escape") {
        e.preventDefault();
        closeDrawer(true);
      } else if (e.key === "Tab") {
        // Keep focus inside the open drawer: it covers the page.
        var items = focusables(sidebar);
        if (!items.length) return;
        var first = items[0];
        var last = items[items.length - 1];
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    // Following a link inside the page (an anchor) closes the drawer; a wider window makes it a column.
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest("a") && isOpen()) closeDrawer(false);
    });
    narrow.addEventListener("change", function () { if (!narrow.matches) closeDrawer(false); });
  }

  // ---- table of contents: open where it is a column (wide screens), collapsed above the text elsewhere
  var toc = document.querySelector(".toc-details");
  if (toc) {
    var wide = window.matchMedia("(min-width: 75rem)");
    var summary = toc.querySelector("summary");
    // In the column the list stays open and its summary is a title, not a switch to tab to.
    var fit = function () {
      toc.open = wide.matches;
      summary.tabIndex = wide.matches ? -1 : 0;
    };
    fit();
    wide.addEventListener("change", fit);
    summary.addEventListener("click", function (e) { if (wide.matches) e.preventDefault(); });
  }
})();
