// Draw every plotly figure on the page. A template marks a chart with
// data-plotly-figure="<id>", the id of a <script type="application/json"> element that
// Django's json_script filter wrote with the figure ({data, layout, config}).
(function () {
  "use strict";

  var drawn = [];

  function draw(root) {
    if (typeof window.Plotly === "undefined") {
      return;
    }
    root.querySelectorAll("[data-plotly-figure]").forEach(function (element) {
      if (element.dataset.plotlyDrawn === "true") {
        return;
      }
      var source = document.getElementById(element.dataset.plotlyFigure);
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      element.dataset.plotlyDrawn = "true";
      element.classList.add("app-chart--drawn");
      window.Plotly.newPlot(element, figure.data, figure.layout, figure.config);
      drawn.push(element);
    });
  }

  // Fit the charts to their columns again when the window changes size.
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      drawn = drawn.filter(function (element) {
        return document.body.contains(element);
      });
      drawn.forEach(function (element) {
        window.Plotly.Plots.resize(element);
      });
    }, 150);
  });

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
  });
  // Charts inside content swapped in by htmx.
  document.addEventListener("htmx:afterSettle", function (event) {
    draw(event.target);
  });
})();
