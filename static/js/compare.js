/* The comparison page's charts (reports/compare.html), drawn with the vendored Apache ECharts
   (static/vendor/echarts). Adds to a page that already shows the same numbers as tables: the data
   comes from the <script type="application/json" id="compare-data"> block, nothing is fetched.
   Also keeps the company picker at 8 choices. */
(function () {
  "use strict";

  var MAX = 8;
  var boxes = document.querySelectorAll(".compare-picker input[type=checkbox][name=company_id]");
  var limit = function () {
    var chosen = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    Array.prototype.forEach.call(boxes, function (b) { b.disabled = !b.checked && chosen >= MAX; });
  };
  Array.prototype.forEach.call(boxes, function (b) { b.addEventListener("change", limit); });
  limit();

  var source = document.getElementById("compare-data");
  if (!source || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  var percent = function (value) { return value === null || value === undefined ? "–" : value + "%"; };

  Array.prototype.forEach.call(document.querySelectorAll(".chart[data-figure]"), function (element) {
    var figure = element.getAttribute("data-figure");
    element.classList.add("ready");
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#b3261e", "#0b5cad", "#1e7b34", "#8a4b00", "#6a3d9a", "#00838f", "#c2185b", "#5a6475"],
      textStyle: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 64, top: 40, bottom: 32 },  // room for the last week's "so far" label
      xAxis: { type: "category", boundaryGap: false, data: data.weeks },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", data: s[figure], symbolSize: 6, connectNulls: false };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
    // Print: redraw at the paper's width so the canvas is not cut off.
    window.addEventListener("beforeprint", function () { chart.resize(); });
  });
})();
