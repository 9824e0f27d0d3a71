/* Inferred (dark) port calls on the vessel page: each call with its confidence and its evidence
 * for and against in words (from the infer stage's evidence JSON, shown as text), a timeline of
 * the vessel's calls by port with its shipments drawn between them (observed calls filled,
 * inferred ones dashed), and on the vessel's map the sea route a dark call implies (dashed).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h, svg = DC.svg, fmtTime = DC.fmtTime;
  var DARK = "#6c3483";
  var MAX_CALLS = 60;

  function ev(c) { return c && c.evidence !== null && typeof c.evidence === "object" ? c.evidence : {}; }
  function inferredCalls(v) {
    return (v.port_calls || []).filter(function (c) { return c.kind === "inferred"; })
      .sort(function (a, b) { return (DC.toSec(a.arrival_ts) || 0) - (DC.toSec(b.arrival_ts) || 0); });
  }
  function conf(c) { return c.confidence === null || c.confidence === undefined ? "" : Number(c.confidence).toFixed(2); }

  // One inferred call: a heading line, the summary, then the evidence for and against.
  function callBlock(c) {
    var e = ev(c), pro = e["for"] || [], con = e.against || [];
    var alts = (e.alternatives || []).filter(function (a) { return a.confidence >= 0.01; }).slice(0, 3)
      .map(function (a) { return a.port_id + " " + Math.round(100 * a.confidence) + "%"; });
    return h("div", { "class": "dc-dark-call", "data-call-id": c.call_id || null }, [
      h("div", { "class": "dc-dark-call-head" }, [
        h("b", null, c.port_id), " " + fmtTime(c.arrival_ts) + " → " + fmtTime(c.departure_ts) + " (estimated), ",
        h("span", { "class": "dc-badge dc-inferred-badge" }, "confidence " + conf(c)),
        e.window === "radar" ? h("span", { "class": "dc-badge" }, "radar only") : null
      ]),
      e.summary ? h("p", { "class": "dc-sentence" }, e.summary) : null,
      h("div", { "class": "dc-evidence" }, [
        h("div", null, [h("div", { "class": "dc-note" }, "for"), h("ul", { "class": "dc-plain dc-for" }, pro.map(function (s) { return h("li", null, "+ " + s); }))]),
        h("div", null, [h("div", { "class": "dc-note" }, "against"), h("ul", { "class": "dc-plain dc-against" }, con.map(function (s) { return h("li", null, "− " + s); }))])
      ]),
      h("div", { "class": "dc-note" }, [
        alts.length ? "other ports: " + alts.join(", ") + "; " : "",
        "sea route " + (e.sea_nm_in === undefined ? "?" : e.sea_nm_in) + " nm in, " + (e.sea_nm_out === undefined ? "?" : e.sea_nm_out) + " nm out, at up to " +
          (e.top_speed_kn === undefined ? "?" : e.top_speed_kn) + " kn (" + (e.speeds_from || "") + "); preset " + (c.preset || "") + " ",
        h("code", null, c.params_hash || "")
      ])
    ]);
  }

  DC.App.prototype.darkCallsSection = function (v) {
    var calls = inferredCalls(v);
    var title = "Dark port calls, inferred (" + calls.length + ")";
    var body = calls.length
      ? [h("p", { "class": "dc-note" }, "Calls AIS never showed: a watched port the vessel could reach by sea, stay at and leave within a silence, " +
          "ranked by corroboration (radar, sightings, its calls seen there, its course where AIS went off and came back). The confidence shares the " +
          "silence with the other ports within reach and with no call at all; the words below are the terms it weighed."),
        calls.slice(0, MAX_CALLS).map(callBlock),
        calls.length > MAX_CALLS ? h("p", { "class": "dc-note" }, "first " + MAX_CALLS + " of " + calls.length + "; `darkcargo calls --kind inferred` lists them all") : null]
      : h("div", { "class": "dc-note" }, "None inferred for this vessel (or the infer stage has not run: `darkcargo infer`).");
    return h("section", { "class": "dc-vsection", id: "dc-vessel-dark-calls" }, [h("h3", null, title), body]);
  };

  // Calls by port over time (one lane per port, origin ports first) and the shipments between them.
  DC.App.prototype.callsTimeline = function (v) {
    var calls = (v.port_calls || []).filter(function (c) { return c.arrival_ts; });
    var trips = v.shipments || [];
    if (!calls.length) return h("div", { "class": "dc-note" }, "No port calls at the case's ports for this vessel.");
    var byPort = this.portsById || {}, ports = [];
    calls.forEach(function (c) { if (ports.indexOf(c.port_id) < 0) ports.push(c.port_id); });
    var rank = function (p) { return byPort[p] && byPort[p].role === "origin" ? 0 : 1; };
    ports.sort(function (a, b) { return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0); });
    var t0 = Infinity, t1 = -Infinity;
    calls.forEach(function (c) { t0 = Math.min(t0, DC.toSec(c.arrival_ts)); t1 = Math.max(t1, DC.toSec(c.departure_ts || c.arrival_ts)); });
    if (t1 <= t0) t1 = t0 + 86400;
    var W = 680, left = 92, right = 10, lane = 22, top = 8, H = top + ports.length * lane + 26;
    var x = function (t) { return left + (t - t0) / (t1 - t0) * (W - left - right); };
    var yOf = function (p) { return top + ports.indexOf(p) * lane + 10; };
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "port calls and shipments over time", "class": "dc-vchart", id: "dc-vessel-calls-timeline" });
    ports.forEach(function (p) {
      s.appendChild(svg("text", { x: 4, y: yOf(p) + 4 }, p));
      s.appendChild(svg("line", { x1: left, x2: W - right, y1: yOf(p), y2: yOf(p), stroke: "#edf1f5" }));
    });
    var byId = {};
    calls.forEach(function (c) { byId[c.call_id] = c; });
    trips.forEach(function (t) {
      var a = byId[t.origin_call], b = byId[t.destination_call];
      if (!a || !b) return;
      s.appendChild(svg("line", {
        "class": "dc-tl-trip" + (t.inferred ? " dc-inferred" : ""), x1: x(DC.toSec(t.depart_ts)).toFixed(1), y1: yOf(a.port_id),
        x2: x(DC.toSec(t.arrive_ts)).toFixed(1), y2: yOf(b.port_id), stroke: "#8e44ad", "stroke-width": 1.5, "stroke-dasharray": t.inferred ? "3 3" : null
      }, svg("title", null, (t.inferred ? "inferred" : "observed") + " shipment " + t.origin_port + " → " + t.destination_port + ", " + fmtTime(t.depart_ts) + " → " + fmtTime(t.arrive_ts))));
    });
    calls.forEach(function (c) {
      var a = x(DC.toSec(c.arrival_ts)), b = x(DC.toSec(c.departure_ts || c.arrival_ts)), inf = c.kind === "inferred";
      s.appendChild(svg("rect", {
        "class": "dc-tl-call" + (inf ? " dc-inferred" : ""), x: a.toFixed(1), y: yOf(c.port_id) - 6, width: Math.max(3, b - a).toFixed(1), height: 12, rx: 2,
        fill: inf ? "#fff" : "#16a085", stroke: inf ? DARK : "#16a085", "stroke-width": 1.5, "stroke-dasharray": inf ? "3 2" : null
      }, svg("title", null, (inf ? "inferred (dark) call, confidence " + conf(c) : "observed call") + " at " + c.port_id + ": " + fmtTime(c.arrival_ts) + " → " + fmtTime(c.departure_ts) +
        (inf && ev(c).summary ? " — " + ev(c).summary : ""))));
    });
    var yAxis = top + ports.length * lane + 4;
    [t0, (t0 + t1) / 2, t1].forEach(function (t, i) {
      s.appendChild(svg("text", { x: x(t).toFixed(1), y: yAxis + 14, "text-anchor": i === 0 ? "start" : i === 2 ? "end" : "middle" }, DC.secToLabel(t).slice(0, 10)));
    });
    var n = inferredCalls(v).length;
    var legend = h("div", { "class": "dc-legend" }, [h("span", null, calls.length + " calls (" + n + " inferred: dashed outline), " + trips.length + " shipments (dashed: with a dark end)")]);
    return h("div", { "class": "dc-vessel-chart" }, [legend, s]);
  };

  // On the vessel's map: the route each dark call implies (where AIS went off -> the port ->
  // where it came back), dashed, with a ring at the port.
  DC.App.prototype.drawDarkRoutes = function (v, group) {
    inferredCalls(v).forEach(function (c) {
      var e = ev(c), tip = function () { return DC.text("inferred call at " + c.port_id + " (confidence " + conf(c) + "): " + (e.summary || "")); };
      [e.route_in, e.route_out].forEach(function (r) {
        if (Array.isArray(r) && r.length > 1) {
          L.polyline(r, { color: DARK, weight: 2, dashArray: "4 6", className: "dc-dark-route" }).bindTooltip(tip, { sticky: true }).addTo(group);
        }
      });
      var end = Array.isArray(e.route_in) && e.route_in.length ? e.route_in[e.route_in.length - 1] : null;
      if (end) L.circleMarker(end, { radius: 7, color: DARK, weight: 2, dashArray: "3 3", fillOpacity: 0, className: "dc-dark-call-ring" }).bindTooltip(tip).addTo(group);
    });
  };
})();
