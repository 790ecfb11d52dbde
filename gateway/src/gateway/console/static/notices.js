// The compose form: show the audience's own fields (estate, buildings, units, a list) and the send
// time only when chosen. Without this script every field shows, and the form still works.
(function () {
  "use strict";
  function shown(form) {
    var audience = form.querySelector("input[name=audience]:checked");
    var when = form.querySelector("input[name=when]:checked");
    form.querySelectorAll("[data-audience]").forEach(function (part) {
      part.hidden = !audience || part.getAttribute("data-audience").split(" ").indexOf(audience.value) < 0;
    });
    form.querySelectorAll("[data-when]").forEach(function (part) {
      part.hidden = !when || when.value !== part.getAttribute("data-when");
    });
    if (audience && audience.value === "units") {
      document.body.dispatchEvent(new Event("audience-units"));
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("compose");
    if (!form) { return; }
    form.addEventListener("change", function () { shown(form); });
    shown(form);
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
}());
