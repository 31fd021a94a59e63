// The network view's interactive drawing: fetches the page's graph (JSON, under the session)
// and draws it with the vendored cytoscape.js. Pan and zoom with the mouse; a click on an
// object opens its page. `window.liaisonNetwork` is the cytoscape instance (browser tests read
// it). Without JavaScript the page's lists say the same.
(function () {
  "use strict";
  const box = document.getElementById("network-canvas");
  if (!box || typeof window.cytoscape !== "function") {
    return;
  }
  const style = [
    {selector: "node", style: {
      "background-color": "#0b4f8a", "width": "data(size)", "height": "data(size)",
      "label": "data(label)", "font-size": 11, "color": "#1a1a1a", "text-valign": "bottom",
      "text-margin-y": 3, "text-outline-color": "#ffffff", "text-outline-width": 2,
      "border-color": "#ffffff", "border-width": 2}},
    {selector: "node.key", style: {"background-color": "#b35900"}},
    {selector: "node.source", style: {"background-color": "#1d6b2f"}},
    {selector: "node.target", style: {"background-color": "#6a1b9a"}},
    {selector: "node.cut", style: {
      "background-color": "#c00000", "border-color": "#000000", "border-width": 4,
      "font-weight": "bold"}},
    {selector: "edge", style: {
      "width": 1.5, "line-color": "#9a9a9a", "curve-style": "straight",
      "target-arrow-shape": "triangle", "target-arrow-color": "#9a9a9a", "arrow-scale": 0.7}},
    {selector: "edge.cut-edge", style: {"line-color": "#c00000", "target-arrow-color": "#c00000"}},
  ];

  function draw(graph) {
    if (!graph.drawn) {
      box.dataset.state = "too-large";
      return;
    }
    const cy = window.cytoscape({
      container: box,
      elements: {nodes: graph.nodes, edges: graph.edges},
      layout: {name: "preset", fit: true, padding: 30},
      style: style,
      minZoom: 0.1,
      maxZoom: 4,
      wheelSensitivity: 0.3,
      boxSelectionEnabled: false,
      autoungrabify: true,
    });
    cy.nodes(".cut").connectedEdges().addClass("cut-edge");
    cy.on("tap", "node", function (event) {
      window.location.assign("/objects/" + encodeURIComponent(event.target.id()));
    });
    window.liaisonNetwork = cy;
    box.dataset.state = "drawn";
  }

  fetch(box.dataset.graph, {headers: {Accept: "application/json"}, credentials: "same-origin"})
    .then(function (response) {
      if (!response.ok) {
        throw new Error("the graph could not be loaded (" + response.status + ")");
      }
      return response.json();
    })
    .then(draw)
    .catch(function (error) {
      box.dataset.state = "failed";
      box.textContent = error.message;
    });
})();
