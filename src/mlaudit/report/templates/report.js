(function () {
  "use strict";
  var bar = document.getElementById("filters");
  if (bar) {
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-filter]");
      if (!button) { return; }
      var wanted = button.getAttribute("data-filter");
      bar.querySelectorAll("button").forEach(function (b) {
        b.setAttribute("aria-pressed", b === button ? "true" : "false");
      });
      document.querySelectorAll("tr[data-outcome]").forEach(function (row) {
        var outcome = row.getAttribute("data-outcome");
        row.hidden = !(wanted === "all" || outcome === wanted ||
          (wanted === "attention" && (outcome === "fail" || outcome === "partial" || outcome === "error")));
      });
      document.querySelectorAll("section.quality").forEach(function (section) {
        var rows = section.querySelectorAll("tr[data-outcome]");
        var visible = Array.prototype.some.call(rows, function (row) { return !row.hidden; });
        section.hidden = rows.length > 0 && !visible;
      });
    });
  }
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });
})();
