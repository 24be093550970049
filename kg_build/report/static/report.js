/* The report's scripts: draw each chart from the figure JSON beside it (plotly.js, a file of the
   report), sort tables by a column, and filter the list of reviews. Nothing is fetched. */
(function () {
  "use strict";

  function drawCharts() {
    if (typeof Plotly === "undefined") { return; }
    document.querySelectorAll("[data-figure]").forEach(function (div) {
      var spec = JSON.parse(document.getElementById(div.getAttribute("data-figure")).textContent);
      Plotly.newPlot(div, spec.data, spec.layout, {displaylogo: false, responsive: true});
    });
  }

  function cellValue(row, index, numeric) {
    var text = row.cells[index] ? row.cells[index].textContent.trim() : "";
    if (!numeric) { return text.toLowerCase(); }
    var n = parseFloat(text);
    return isNaN(n) ? -Infinity : n;
  }

  function makeSortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        var numeric = th.getAttribute("data-type") === "number";
        Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
          var order = x < y ? -1 : (x > y ? 1 : 0);
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function makeFilters(form) {
    var table = document.getElementById(form.getAttribute("data-filters"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    function apply() {
      var words = form.elements.text.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var type = form.elements.type.value, area = form.elements.area.value, shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var keep = (!type || row.getAttribute("data-type") === type) &&
                   (!area || row.getAttribute("data-area") === area) &&
                   words.every(function (w) { return text.indexOf(w) !== -1; });
        row.hidden = !keep;
        if (keep) { shown += 1; }
      });
      form.elements.shown.value = shown + " of " + rows.length + " reviews shown";
    }
    form.addEventListener("input", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    document.querySelectorAll("button.area").forEach(function (button) {
      button.addEventListener("click", function () {
        form.elements.area.value = button.getAttribute("data-area");
        apply();
        table.scrollIntoView();
      });
    });
  }

  function start() {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    document.querySelectorAll("form[data-filters]").forEach(makeFilters);
    drawCharts();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
