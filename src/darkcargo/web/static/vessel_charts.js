/* A vessel's activity charts, plain SVG built node by node: dark gaps and port calls per week,
 * and its trips over time (cumulative; filled marks observed, hollow inferred).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var svg = DC.svg;
  var WEEK = 7 * 86400;
  var W = 680, LEFT = 34, RIGHT = 10;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function monthTicks(t0, t1) {
    var d = new Date(t0 * 1000), out = [];
    var y = d.getUTCFullYear(), m = d.getUTCMonth() + 1;
    for (var i = 0; i < 400; i++, m++) {
      if (m > 11) { m = 0; y++; }
      var t = Date.UTC(y, m, 1) / 1000;
      if (t > t1) break;
      out.push({ t: t, label: MONTHS[m] + (m === 0 ? " " + y : "") });
    }
    return out;
  }

  function axis(x, y0, t0, t1) {
    var g = svg("g", { "class": "dc-axis" }, svg("line", { x1: LEFT, x2: W - RIGHT, y1: y0, y2: y0 }));
    var lastX = -Infinity;
    monthTicks(t0, t1).forEach(function (m) {
      var px = x(m.t);
      if (px - lastX < 34) return;
      lastX = px;
      g.appendChild(svg("line", { x1: px.toFixed(1), x2: px.toFixed(1), y1: y0, y2: y0 + 4 }));
      g.appendChild(svg("text", { x: px.toFixed(1), y: y0 + 15, "text-anchor": "middle" }, m.label));
    });
    return g;
  }

  // rows: [{week: "YYYY-MM-DD" (Monday), gaps, port_calls, dark_hours}]
  DC.weeklyChart = function (rows) {
    if (!rows || !rows.length) return DC.h("div", { "class": "dc-note" }, "No gaps or port calls for this vessel.");
    var t0 = DC.toSec(rows[0].week + "T00:00:00Z"), t1 = DC.toSec(rows[rows.length - 1].week + "T00:00:00Z") + WEEK;
    var max = Math.max.apply(null, rows.map(function (r) { return Math.max(r.gaps || 0, r.port_calls || 0); })) || 1;
    var H = 150, top = 14, y0 = H - 24;
    var x = function (t) { return LEFT + (t - t0) / (t1 - t0 || 1) * (W - LEFT - RIGHT); };
    var y = function (n) { return y0 - n / max * (y0 - top); };
    var bw = Math.max(1.5, (x(t0 + WEEK) - x(t0)) / 2 - 1);
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "dark gaps and port calls per week", "class": "dc-vchart", id: "dc-vessel-weekly" });
    s.appendChild(svg("text", { x: LEFT - 4, y: top + 4, "text-anchor": "end", "class": "dc-muted" }, String(max)));
    s.appendChild(svg("text", { x: LEFT - 4, y: y0, "text-anchor": "end", "class": "dc-muted" }, "0"));
    s.appendChild(svg("line", { x1: LEFT, x2: W - RIGHT, y1: top, y2: top, stroke: "#edf1f5" }));
    rows.forEach(function (r) {
      var t = DC.toSec(r.week + "T00:00:00Z"), px = x(t) + 0.5;
      [["gaps", "dc-vc-gap", DC.colors.kind("gap"), "dark gap"], ["port_calls", "dc-vc-call", DC.colors.kind("port_call"), "port call"]].forEach(function (k, i) {
        var n = r[k[0]] || 0;
        if (!n) return;
        var rect = svg("rect", { "class": k[1], x: (px + i * (bw + 1)).toFixed(1), y: y(n).toFixed(1), width: bw.toFixed(1), height: (y0 - y(n)).toFixed(1), fill: k[2] },
          svg("title", null, "week of " + r.week + ": " + n + " " + k[3] + (n === 1 ? "" : "s") +
            (k[0] === "gaps" && r.dark_hours ? ", " + Number(r.dark_hours).toFixed(1) + " h dark" : "")));
        s.appendChild(rect);
      });
    });
    s.appendChild(axis(x, y0, t0, t1));
    var legend = DC.h("div", { "class": "dc-legend" }, [
      DC.h("span", null, [DC.swatch(DC.colors.kind("gap")), " dark gaps"]), DC.h("span", null, [DC.swatch(DC.colors.kind("port_call")), " port calls"]),
      DC.h("span", null, "per week (Monday to Sunday, UTC)")]);
    return DC.h("div", { "class": "dc-vessel-chart" }, [legend, s]);
  };

  // trips: [{depart_ts, arrive_ts, origin_port, destination_port, inferred}]
  DC.tripsChart = function (trips, color) {
    if (!trips || !trips.length) return DC.h("div", { "class": "dc-note" }, "No trips between the case's ports for this vessel.");
    var ts = trips.map(function (t) { return DC.toSec(t.depart_ts); });
    var t0 = ts[0] - 3 * 86400, t1 = ts[ts.length - 1] + 3 * 86400;
    var n = trips.length, H = 150, top = 14, y0 = H - 24;
    var x = function (t) { return LEFT + (t - t0) / (t1 - t0 || 1) * (W - LEFT - RIGHT); };
    var y = function (k) { return y0 - k / n * (y0 - top); };
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "trips over time", "class": "dc-vchart", id: "dc-vessel-trips" });
    s.appendChild(svg("text", { x: LEFT - 4, y: top + 4, "text-anchor": "end", "class": "dc-muted" }, String(n)));
    s.appendChild(svg("text", { x: LEFT - 4, y: y0, "text-anchor": "end", "class": "dc-muted" }, "0"));
    var d = "M" + x(t0).toFixed(1) + " " + y0;
    ts.forEach(function (t, i) { d += " H" + x(t).toFixed(1) + " V" + y(i + 1).toFixed(1); });
    d += " H" + x(t1).toFixed(1);
    s.appendChild(svg("path", { d: d, fill: "none", stroke: color, "stroke-width": 2 }));
    trips.forEach(function (t, i) {
      s.appendChild(svg("circle", {
        "class": "dc-vc-trip" + (t.inferred ? " dc-inferred" : ""), cx: x(ts[i]).toFixed(1), cy: y(i + 1).toFixed(1), r: 4,
        fill: t.inferred ? "#fff" : color, stroke: color, "stroke-width": 1.5
      }, svg("title", null, (t.inferred ? "inferred" : "observed") + " trip " + (i + 1) + ": " + t.origin_port + " → " + t.destination_port +
        ", departed " + DC.fmtTime(t.depart_ts))));
    });
    s.appendChild(axis(x, y0, t0, t1));
    var inferred = trips.filter(function (t) { return t.inferred; }).length;
    var legend = DC.h("div", { "class": "dc-legend" }, [DC.h("span", null, n + " trips, " + inferred + " inferred (hollow marks) — cumulative, by departure")]);
    return DC.h("div", { "class": "dc-vessel-chart" }, [legend, s]);
  };
})();
