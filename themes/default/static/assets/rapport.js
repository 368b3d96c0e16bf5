// Rapport theme glue: keyboard shortcut for search. Search and quizzes add their own modules.
(function () {
  "use strict";
  document.addEventListener("keydown", function (e) {
    var input = document.getElementById("search-input");
    if (!input || e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    if (typing) return;
    e.preventDefault();
    input.focus();
  });
})();
