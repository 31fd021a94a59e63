// Live feed: follow each collection's event stream and insert the server-rendered row of every
// object announced (the row is fetched from /feed/item, which applies the visibility policy).
(function () {
  "use strict";
  function start() {
    var list = document.getElementById("feed-items");
    var status = document.getElementById("live-status");
    if (!list || !window.EventSource) { return; }
    var ids = (list.dataset.collections || "").split(",").filter(Boolean);
    var open = 0;
    function show() {
      status.textContent = open === ids.length
        ? "Live: new intelligence appears here as it arrives."
        : "Reconnecting to the live stream…";
    }
    ids.forEach(function (id) {
      var source = new EventSource("/feed/stream/" + encodeURIComponent(id));
      source.addEventListener("open", function () { open += 1; show(); });
      source.addEventListener("error", function () { open = Math.max(0, open - 1); show(); });
      source.addEventListener("object", function (event) {
        var url = "/feed/item?collection=" + encodeURIComponent(id) +
          "&date_added=" + encodeURIComponent(event.lastEventId);
        window.htmx.ajax("GET", url, { target: "#feed-items", swap: "afterbegin" }).then(function () {
          var empty = document.getElementById("feed-empty");
          if (empty) { empty.remove(); }
        });
      });
    });
    if (ids.length === 0) { status.textContent = "No collection of this pillar is shared with you."; }
  }
  document.addEventListener("DOMContentLoaded", start);
})();
