/* The desk's queue: each SLA clock (<time class="clock" datetime=due data-warn=warn>) counts down
   every second, turning to "warning" and "breached" by colour, icon and word. The list part is
   replaced by htmx every few seconds; the clocks are found again at each tick. */
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function shown(seconds, days) {
    var whole = Math.abs(seconds), d = Math.floor(whole / 86400), rest = whole % 86400;
    var text = pad(Math.floor(rest / 3600)) + ":" + pad(Math.floor((rest % 3600) / 60)) + ":" + pad(rest % 60);
    return d ? d + days + " " + text : text;
  }
  function tick() {
    var list = document.getElementById("queue-rows");
    if (!list) { return; }
    var words = list.dataset, now = Date.now();
    list.querySelectorAll("time.clock").forEach(function (clock) {
      var due = Date.parse(clock.getAttribute("datetime"));
      if (isNaN(due)) { return; }
      var warn = Date.parse(clock.dataset.warn || "");
      var left = Math.round((due - now) / 1000);
      var state = left <= 0 ? "breached" : (!isNaN(warn) && warn <= now ? "warned" : "on_time");
      clock.classList.remove("on_time", "warned", "breached");
      clock.classList.add(state);
      clock.querySelector(".icon").textContent = state === "breached" ? "✖" : state === "warned" ? "⚠" : "◷";
      clock.querySelector(".word").textContent = state === "breached" ? words.breached :
        state === "warned" ? words.warned : words.onTime;
      clock.querySelector(".left").textContent = (left <= 0 ? words.over : words.left) + " " + shown(left, words.days);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 1000);
  });
  document.addEventListener("htmx:afterSwap", tick);
})();
