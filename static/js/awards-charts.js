// Draws the editors' statistics charts with the vendored Chart.js; each
// chart's numbers come from a json_script element and are also in the table
// under it, for screen readers and export.
(function () {
  "use strict";
  if (typeof Chart === "undefined") { return; }
  var palette = ["#1d3a6e", "#c8102e", "#2e7d32", "#f9a825", "#6a1b9a",
                 "#00838f", "#ef6c00", "#5d4037"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var spec = JSON.parse(source.textContent);
    var datasets = spec.datasets.map(function (set, i) {
      var colour = palette[i % palette.length];
      return {
        label: set.label,
        data: set.data,
        backgroundColor: colour,
        borderColor: colour,
        tension: 0.2,
        spanGaps: true
      };
    });
    new Chart(canvas, {
      type: spec.type,
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: !!spec.stacked },
          y: { stacked: !!spec.stacked, beginAtZero: true }
        },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
