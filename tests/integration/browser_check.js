// Injected before </body> of a copy of report.html by tests/integration/browser.rs: once the
// page has loaded, checks it the way a reader would meet it and posts a JSON verdict to the
// page that frames it, which writes it into its DOM for Chromium to dump. The errors are
// collected by the snippet injected at the top of <head>.
(function () {
  "use strict";

  function rows(link) {
    var href = link.getAttribute("href");
    var lines = decodeURIComponent(href.slice(href.indexOf(",") + 1)).split("\n");
    return lines.filter(function (line) { return line !== ""; }).map(function (line) { return line.split(","); });
  }

  // The client point of SVG point (sx, sy) of a chart.
  function client(svg, sx, sy) {
    var r = svg.getBoundingClientRect(), vb = svg.viewBox.baseVal;
    return { x: r.left + (sx - vb.x) * r.width / vb.width, y: r.top + (sy - vb.y) * r.height / vb.height };
  }

  // Moves the pointer over (or touches) point (sx, sy) of `box`'s chart, scrolled into view and
  // the point kept inside the part of the chart's box the reader sees; returns what the
  // tooltip says.
  function hover(box, sx, sy) {
    var svg = box.querySelector("svg");
    box.scrollIntoView({ block: "center" });
    var p = client(svg, sx, sy), seen = box.getBoundingClientRect();
    var result = { chart: box.closest("section").id, x: p.x, y: p.y };
    if (p.x < seen.left || p.x > seen.right) {
      // On a narrow screen the chart scrolls inside its box: bring the point into view.
      box.scrollLeft += p.x - (seen.left + seen.right) / 2;
      p = client(svg, sx, sy);
    }
    var target = document.elementFromPoint(p.x, p.y);
    result.onChart = !!target && svg.contains(target);
    // A phone is touched (a tap), a desktop hovered over with a mouse.
    result.pointer = window.innerWidth < 560 ? "touch" : "mouse";
    if (target) {
      target.dispatchEvent(new PointerEvent(result.pointer === "touch" ? "pointerdown" : "pointermove", {
        bubbles: true, clientX: p.x, clientY: p.y, pointerType: result.pointer, isPrimary: true
      }));
    }
    var tip = document.querySelector(".tip");
    result.tip = tip && !tip.hidden ? tip.innerText : "";
    if (tip && !tip.hidden) {
      var t = tip.getBoundingClientRect();
      result.tipInside = t.left >= 0 && t.right <= document.documentElement.clientWidth;
    }
    return result;
  }

  // The chart box of a section that the style sheet shows (a chart is drawn wide and narrow).
  function shown(section) {
    var boxes = document.querySelectorAll("#" + section + " .chart");
    return Array.prototype.filter.call(boxes, function (box) { return box.checkVisibility(); })[0];
  }

  function plotOf(box) {
    return box.dataset.plot.split(" ").map(Number);
  }

  function check() {
    var verdict = {
      errors: window.__reportErrors || [],
      innerWidth: window.innerWidth,
      clientWidth: document.documentElement.clientWidth,
      scrollWidth: document.documentElement.scrollWidth,
      charts: [],
      hovers: []
    };
    document.querySelectorAll(".chart").forEach(function (box) {
      var svg = box.querySelector("svg"), r = svg.getBoundingClientRect(), b = box.getBoundingClientRect();
      var style = getComputedStyle(svg);
      verdict.charts.push({
        id: box.closest("section").id,
        class: box.className,
        width: r.width, height: r.height, boxWidth: b.width,
        visible: style.display !== "none" && style.visibility === "visible" && svg.checkVisibility()
      });
    });
    // A bar of the waits histogram: the middle of the bin with the most people processed.
    var waits = shown("waits");
    if (waits) {
      var bins = rows(document.querySelector("#waits a.data[data-table=plot]")).slice(1);
      var most = bins.reduce(function (a, b) { return Number(b[2]) > Number(a[2]) ? b : a; });
      var plot = plotOf(waits), xs = waits.dataset.x.split(" ").map(Number);
      var mid = (Number(most[0]) + Number(most[1])) / 2;
      var sx = plot[0] + (mid - xs[0]) / (xs[1] - xs[0]) * (plot[2] - plot[0]);
      verdict.hovers.push(hover(waits, sx, plot[3] - 3));
    }
    // The first bar beside the outcomes plot.
    var outcomes = shown("outcomes");
    if (outcomes) {
      var n = rows(document.querySelector("#outcomes a.data[data-table=bars]")).length - 1;
      var rects = outcomes.querySelectorAll("svg rect"), first = rects[rects.length - n].getBBox();
      verdict.hovers.push(hover(outcomes, first.x + Math.min(first.width, 20) / 2, first.y + first.height / 2));
    }
    // The first line chart, 40% across its plot (in view on a phone without scrolling its box):
    // last, and again once the scrolling above has settled (scrolling the page hides the
    // tooltip), so that the screenshot shows it.
    var line = shown("backlog");
    var p = plotOf(line), lx = p[0] + 0.4 * (p[2] - p[0]), ly = (p[1] + p[3]) / 2;
    verdict.hovers.push(hover(line, lx, ly));
    setTimeout(function () {
      hover(line, lx, ly);
      verdict.scrollWidthAfter = document.documentElement.scrollWidth;
      // The page is in a frame of the test's size (see browser.rs): the verdict goes to the
      // top page, whose DOM Chromium dumps.
      window.parent.postMessage(JSON.stringify(verdict), "*");
    }, 300);
  }

  window.addEventListener("load", function () { setTimeout(check, 50); });
})();
