/* Draws every chart of a console page with the vendored ECharts: each element with data-chart="<id>"
   gets the ECharts option held in <script type="application/json" id="<id>"> (written by the server;
   no inline code, as the console's Content-Security-Policy wants). A part of the page swapped in by
   htmx (the dashboard's refresh) is drawn again; every chart follows the window's size. */
(function () {
  "use strict";

  function draw(root) {
    if (!window.echarts || !root || !root.querySelectorAll) { return; }
    var places = root.matches && root.matches("[data-chart]") ? [root] : [];
    places = places.concat(Array.prototype.slice.call(root.querySelectorAll("[data-chart]")));
    places.forEach(function (place) {
      var source = document.getElementById(place.getAttribute("data-chart"));
      if (!source) { return; }
      var option;
      try { option = JSON.parse(source.textContent); } catch (e) { return; }
      option.animation = false;  /* a wall screen redraws every 30 s: no movement each time */
      var chart = window.echarts.getInstanceByDom(place) || window.echarts.init(place);
      chart.setOption(option, true);
      place.setAttribute("data-drawn", "true");
    });
  }

  function resize() {
    document.querySelectorAll("[data-chart]").forEach(function (place) {
      var chart = window.echarts && window.echarts.getInstanceByDom(place);
      if (chart) { chart.resize(); }
    });
  }

  function start() { draw(document); }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && window.echarts) {
      target.querySelectorAll("[data-chart]").forEach(function (place) {
        var chart = window.echarts.getInstanceByDom(place);
        if (chart) { chart.dispose(); }
      });
    }
  });
  document.addEventListener("htmx:afterSettle", function () { draw(document); });
  window.addEventListener("resize", resize);
}());
