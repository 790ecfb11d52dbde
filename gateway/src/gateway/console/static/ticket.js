/* A ticket's page: the SLA clocks count down in the browser from the seconds left when the page was
   made (the server's count, so the browser's own clock may be wrong); a warning or a breach turns the
   row's colour and words. A business-hours clock is not ticked (it stops outside working hours).
   A refused form's error summary takes the focus. */
(function () {
  "use strict";

  function span(seconds, days) {
    var whole = Math.abs(Math.trunc(seconds)), d = Math.floor(whole / 86400), rest = whole % 86400;
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var text = two(Math.floor(rest / 3600)) + ":" + two(Math.floor(rest % 3600 / 60)) + ":" + two(rest % 60);
    return d ? d + days + " " + text : text;
  }

  function tone(row, name) {
    var tag = row.querySelector(".clock-state");
    if (row.classList.contains(name)) { return; }
    row.classList.remove("ok", "warn", "bad");
    row.classList.add(name);
    if (tag) {
      tag.classList.remove("ok", "warn", "bad");
      tag.classList.add(name);
      tag.textContent = tag.dataset[name === "bad" ? "breached" : "warned"];
    }
  }

  function start() {
    var clocks = Array.prototype.slice.call(document.querySelectorAll(".clock[data-left]"));
    var began = performance.now();
    function tick() {
      var passed = (performance.now() - began) / 1000;
      clocks.forEach(function (clock) {
        var left = Number(clock.dataset.left) - passed;
        var row = clock.closest("tr");
        clock.querySelector(".clock-time").textContent = span(left, clock.dataset.days);
        clock.querySelector(".clock-word").textContent = left < 0 ? clock.dataset.overWord : clock.dataset.leftWord;
        if (left < 0) {
          tone(row, "bad");
        } else if (clock.dataset.warnIn !== undefined && passed >= Number(clock.dataset.warnIn)) {
          tone(row, "warn");
        }
      });
    }
    if (clocks.length) {
      tick();
      window.setInterval(tick, 1000);
    }
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
