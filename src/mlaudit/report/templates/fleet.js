(function () {
  "use strict";
  var table = document.getElementById("heatmap");
  if (!table) { return; }
  var body = table.tBodies[0];
  var heads = table.tHead.rows[0].cells;
  function value(row, col) {
    var cell = row.cells[col];
    var v = cell ? cell.getAttribute("data-v") : null;
    if (v === null || v === "") { return null; }
    var n = Number(v);
    return isNaN(n) ? v.toLowerCase() : n;
  }
  function sortBy(col, head) {
    var dir = head.getAttribute("aria-sort") === "descending" ? "ascending" : "descending";
    if (head.getAttribute("data-kind") === "text" && !head.hasAttribute("aria-sort")) { dir = "ascending"; }
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    head.setAttribute("aria-sort", dir);
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = value(a, col), y = value(b, col);
      if (x === null && y === null) { return 0; }
      if (x === null) { return 1; }
      if (y === null) { return -1; }
      var c = x < y ? -1 : x > y ? 1 : 0;
      return dir === "ascending" ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  Array.prototype.forEach.call(heads, function (head, col) {
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = head.textContent;
    button.title = "Sort by " + head.textContent;
    head.textContent = "";
    head.appendChild(button);
    button.addEventListener("click", function () { sortBy(col, head); });
  });
  var hint = document.getElementById("sort-hint");
  if (hint) { hint.textContent = "Click a column heading to sort by it."; }
})();
