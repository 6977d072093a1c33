/* The incident map (map/index.html), drawn with the vendored Apache ECharts (static/vendor/echarts):
   the grids' outlines registered as a GeoJSON map, coloured by the chosen figure, incidents as
   points, a legend; a click on a grid opens its dashboard. Everything comes from the
   <script type="application/json" id="map-data"> block: no tiles, nothing fetched. The page shows
   the same figures as a table without this script. */
(function () {
  "use strict";

  var source = document.getElementById("map-data");
  var element = document.getElementById("map");
  if (!source || !element || !window.echarts) { return; }
  var data = JSON.parse(source.textContent);
  window.echarts.registerMap("town", data.geojson);
  var urls = {}, labels = {};
  data.grids.forEach(function (g) { urls[g.name] = g.url; labels[g.name] = g.label; });
  var values = data.grids.map(function (g) { return g.value; }).filter(function (v) { return v !== null; });
  var max = values.length ? Math.max.apply(null, values) : 1;
  var min = values.length ? Math.min.apply(null, values) : 0;
  if (max === min) { max = min + 1; }
  var hot = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"];
  var chart = window.echarts.init(element, null, { renderer: "canvas" });
  element.classList.add("ready");
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: "system-ui, -apple-system, 'PingFang SC', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif" },
    tooltip: {
      trigger: "item",
      formatter: function (p) {
        if (p.seriesType === "scatter") { return p.data.label + ": " + p.data.value[2]; }
        var v = p.value;
        return (labels[p.name] || p.name) + "<br>" + data.label + ": " + (v === undefined || v === null || isNaN(v) ? data.noData : v);
      }
    },
    visualMap: {
      seriesIndex: 0, min: min, max: max, calculable: true, left: 8, bottom: 8, precision: max - min < 10 ? 1 : 0,
      inRange: { color: data.higherIsWorse ? hot : hot.slice().reverse() },
      outOfRange: { color: "#e3e6ea" }
    },
    geo: { map: "town", roam: true, top: 16, bottom: 16, label: { show: false }, itemStyle: { areaColor: "#e3e6ea", borderColor: "#5a6475" } },
    series: [
      { name: data.label, type: "map", geoIndex: 0, data: data.grids.map(function (g) {
        return { name: g.name, value: g.value === null ? NaN : g.value };
      }) },
      { name: data.pointsLabel, type: "scatter", coordinateSystem: "geo", data: data.points,
        symbolSize: function (v) { return 5 + 2 * Math.min(v[2], 5); },
        itemStyle: { color: "#0b5cad", borderColor: "#fff", borderWidth: 1 }, z: 3 }
    ]
  });
  chart.on("click", function (p) {
    var name = p.componentType === "geo" ? p.name : (p.seriesType === "map" ? p.name : null);
    if (name && urls[name]) { window.location.href = urls[name]; }
  });
  window.addEventListener("resize", function () { chart.resize(); });
  window.addEventListener("beforeprint", function () { chart.resize({ width: 700, height: 560 }); });
  window.addEventListener("afterprint", function () { chart.resize(); });
})();
