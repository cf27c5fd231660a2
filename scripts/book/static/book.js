// Draws every figure of the page from its JSON spec with the local plotly.js (assets/plotly.min.js).
(function () {
  "use strict";
  function drawAll() {
    var figures = document.querySelectorAll(".figure[data-spec]");
    for (var i = 0; i < figures.length; i++) {
      var el = figures[i];
      var specNode = document.getElementById(el.getAttribute("data-spec"));
      if (!specNode) continue;
      if (!window.Plotly) { el.textContent = "plotly.js did not load (assets/plotly.min.js is missing), so this figure cannot be drawn."; continue; }
      var spec = JSON.parse(specNode.textContent);
      var config = Object.assign({ responsive: true, displaylogo: false }, spec.config || {});
      // Frames travel too: figures whose sliders animate between precomputed frames need them.
      window.Plotly.newPlot(el, { data: spec.data || [], layout: spec.layout || {}, config: config, frames: spec.frames || [] });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", drawAll);
  else drawAll();
})();
