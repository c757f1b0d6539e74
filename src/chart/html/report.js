// Values under the pointer. Each chart's box carries its plot rectangle in SVG coordinates
// (data-plot: left top right bottom) and the days at its left and right edges (data-x); the
// figure's "data" links hold the CSV the chart was drawn from, which this reads back.
(function () {
  "use strict";
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function fields(line) {
    var out = [], field = "", quoted = false;
    for (var i = 0; i < line.length; i++) {
      var ch = line[i];
      if (quoted) {
        if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; }
        else if (ch === '"') quoted = false;
        else field += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") { out.push(field); field = ""; }
      else field += ch;
    }
    out.push(field);
    return out;
  }

  function table(link) {
    if (!link) return null;
    var href = link.getAttribute("href");
    var lines = decodeURIComponent(href.slice(href.indexOf(",") + 1)).split("\n");
    lines = lines.filter(function (line) { return line !== ""; }).map(fields);
    return { head: lines[0], rows: lines.slice(1) };
  }

  function number(text) {
    if (text === "inf") return Infinity;
    if (text === "-inf") return -Infinity;
    return text === "" || text === undefined ? NaN : Number(text);
  }

  function grouped(digits) {
    return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  }

  function format(text) {
    var v = number(text);
    if (isNaN(v)) return "–";
    if (!isFinite(v)) return v > 0 ? "∞" : "-∞";
    var a = Math.abs(v), decimals = a >= 100 ? 0 : a >= 10 ? 1 : 2;
    var parts = a.toFixed(decimals).split(".");
    var out = grouped(parts[0]) + (parts[1] && Number(parts[1]) !== 0 ? "." + parts[1] : "");
    return (v < 0 && out !== "0" ? "-" : "") + out;
  }

  function date(iso) {
    var p = iso.split("-");
    return p.length === 3 ? Number(p[2]) + " " + MONTHS[Number(p[1]) - 1] + " " + p[0] : iso;
  }

  function words(name) {
    return name.replace(/_percent$/, " (%)").replace(/_p50$/, " (median)").replace(/_/g, " ");
  }

  // Lines of a row: the median, the bands of runs, then every other column.
  function describe(head, row, unit) {
    var at = {}, lines = [];
    head.forEach(function (name, i) { at[name] = row[i]; });
    var value = function (name) { return format(at[name]) + unit; };
    var range = function (low, high) { return format(at[low]) + " – " + format(at[high]) + unit; };
    if ("p50" in at) lines.push("median: " + value("p50"));
    if ("p25" in at && "p75" in at) lines.push("middle 50% of runs: " + range("p25", "p75"));
    if ("p5" in at && "p95" in at) lines.push("90% of runs: " + range("p5", "p95"));
    var known = ["day", "date", "from_days", "to_days", "p5", "p25", "p50", "p75", "p95"];
    head.forEach(function (name) {
      if (known.indexOf(name) < 0) lines.push(words(name) + ": " + value(name));
    });
    return lines;
  }

  var tip = document.createElement("div");
  tip.className = "tip";
  tip.setAttribute("aria-hidden", "true");
  tip.hidden = true;
  document.body.appendChild(tip);

  function show(lines, event) {
    tip.textContent = "";
    lines.forEach(function (line, i) {
      var div = document.createElement("div");
      if (i === 0) div.className = "tip-head";
      div.textContent = line;
      tip.appendChild(div);
    });
    tip.hidden = false;
    var width = document.documentElement.clientWidth, w = tip.offsetWidth, h = tip.offsetHeight;
    var left = Math.max(4, Math.min(event.clientX + 14, width - w - 4));
    var top = event.clientY - h - 14;
    if (top < 4) top = event.clientY + 18;
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function hide() {
    tip.hidden = true;
    document.querySelectorAll(".chart .guide").forEach(function (g) { g.setAttribute("visibility", "hidden"); });
  }

  function attach(box) {
    var svg = box.querySelector("svg"), figure = box.closest("figure");
    var data = table(figure.querySelector("a.data[data-table=plot]"));
    var bars = table(figure.querySelector("a.data[data-table=bars]"));
    var plot = (box.dataset.plot || "").split(" ").map(Number);
    var xs = (box.dataset.x || "").split(" ").map(Number);
    if (!svg || !data || plot.length !== 4 || xs.length !== 2) return;
    var shift = Number(box.dataset.shift || 0), unit = box.dataset.unit ? " " + box.dataset.unit : "";
    var guide = document.createElementNS(svg.namespaceURI, "line");
    guide.setAttribute("class", "guide");
    guide.setAttribute("y1", plot[1]);
    guide.setAttribute("y2", plot[3]);
    guide.setAttribute("visibility", "hidden");
    svg.appendChild(guide);
    // Horizontal bars beside the plot: the last rectangles drawn, one per row of their table.
    var barRects = [];
    if (bars) {
      var rects = svg.querySelectorAll("rect");
      barRects = Array.prototype.slice.call(rects, Math.max(0, rects.length - bars.rows.length));
    }

    function lookup(event) {
      var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
      if (!r.width || !vb || !vb.width) return null;
      var sx = vb.x + (event.clientX - r.left) * vb.width / r.width;
      var sy = vb.y + (event.clientY - r.top) * vb.height / r.height;
      if (sx >= plot[0] && sx <= plot[2] && sy >= plot[1] - 8 && sy <= plot[3] + 8) {
        var x = xs[0] + (sx - plot[0]) / (plot[2] - plot[0]) * (xs[1] - xs[0]);
        var best = null, distance = Infinity;
        data.rows.forEach(function (row) {
          var from = number(row[0]);
          var d = box.dataset.hover === "bins"
            ? (x >= from && x < number(row[1]) ? 0 : Infinity)
            : Math.abs(from + shift - x);
          if (d < distance) { distance = d; best = row; }
        });
        if (!best) return null;
        var first, at;
        if (box.dataset.hover === "bins") {
          first = "waited " + format(best[0]) + "–" + format(best[1]) + " days";
          at = (number(best[0]) + number(best[1])) / 2;
        } else {
          var dated = data.head[1] === "date";
          first = dated ? date(best[1]) : "day " + best[0];
          at = number(best[0]) + shift;
        }
        var px = plot[0] + (at - xs[0]) / (xs[1] - xs[0]) * (plot[2] - plot[0]);
        return { lines: [first].concat(describe(data.head, best, unit)), x: px };
      }
      for (var i = 0; i < barRects.length; i++) {
        var b = barRects[i].getBBox();
        if (sx >= b.x - 4 && sy >= b.y - 4 && sy <= b.y + b.height + 4) {
          var row = bars.rows[i];
          return { lines: [row[0], words(bars.head[1]) + ": " + format(row[1])], x: null };
        }
      }
      return null;
    }

    function move(event) {
      var found = lookup(event);
      if (!found) { hide(); return; }
      if (found.x === null) guide.setAttribute("visibility", "hidden");
      else {
        guide.setAttribute("x1", found.x);
        guide.setAttribute("x2", found.x);
        guide.setAttribute("visibility", "visible");
      }
      show(found.lines, event);
    }

    svg.addEventListener("pointermove", move);
    svg.addEventListener("pointerdown", move);
    svg.addEventListener("pointerleave", function (event) {
      if (event.pointerType === "mouse") hide();
    });
  }

  document.querySelectorAll(".chart").forEach(attach);
  document.addEventListener("pointerdown", function (event) {
    if (!event.target.closest || !event.target.closest(".chart svg")) hide();
  });
  window.addEventListener("scroll", hide, { passive: true });
})();
