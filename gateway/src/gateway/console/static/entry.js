/* The quick entry, keyboard first: from the search box the Down arrow goes to the first hit, Up and
   Down move among the hits, Enter chooses one (htmx loads the caller beside the search), Escape goes
   back to the box. Once a caller is shown, the form's first field (the kind) takes the focus. An
   error summary takes the focus when a form comes back refused. */
(function () {
  "use strict";
  function hits() { return Array.prototype.slice.call(document.querySelectorAll("#hits a[data-hit]")); }
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("q");
    var list = hits();
    var at = list.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && (document.activeElement === box || at >= 0) && list.length) {
      event.preventDefault();
      list[Math.min(at + 1, list.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) { box.focus(); } else { list[at - 1].focus(); }
    } else if (event.key === "Escape" && at >= 0) {
      box.focus();
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "caller") {
      var first = event.detail.target.querySelector("input[name=kind]:checked, input[name=kind], #contact_name");
      if (first) { first.focus(); }
    }
  });
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("entry-errors");
    if (summary) { summary.focus(); }
  });
})();
