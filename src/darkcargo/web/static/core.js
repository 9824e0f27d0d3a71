/* darkcargo page core: the namespace every view file adds to, the one place where data meets
 * the page (h/svg/text: DOM built node by node, every data value set as text or as an
 * attribute value, never parsed as markup), formatting, and the colour rule that the map, the
 * vessel list and the legend all read.
 *
 * Files, in load order (PAGE_SCRIPTS in web/app.py; the report inlines the same list):
 *   core.js, details.js, source.js, labels.js, cluster.js, layers.js, legend.js, time.js,
 *   map.js, events_table.js, search.js, shipments.js, vessel_charts.js, calls.js, risk.js, vessel.js,
 *   chart.js, app.js (boots the App).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo = window.Darkcargo || {};
  var SVG_NS = "http://www.w3.org/2000/svg";

  // ---- configuration: a JSON block the page carries (never a script) -------------------------
  DC.readJson = function (id, fallback) {
    var node = document.getElementById(id);
    if (!node) return fallback;
    try { return JSON.parse(node.textContent || "null") || fallback; } catch (e) { return fallback; }
  };
  DC.config = function () { return DC.readJson("dc-config", { mode: "server", api: "/api" }); };

  // ---- DOM: the one helper -------------------------------------------------------------------
  // h(tag, attrs, children): attrs values are set with setAttribute (text, never markup) except
  // "class", "text" (textContent) and on<event> handlers; children are nodes or strings (made
  // text nodes). There is deliberately no way to pass HTML, and no style attribute (CSP): set
  // styles through el.style (the CSSOM) after creation.
  function setAttrs(e, attrs) {
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = String(v);
      else if (k.slice(0, 2) === "on" && typeof v === "function") e.addEventListener(k.slice(2), v);
      else if (k === "style") throw new Error("darkcargo: no style attributes (set el.style)");
      else e.setAttribute(k, v === true ? "" : String(v));
    });
  }

  function append(e, c) {
    if (c === null || c === undefined || c === false) return;
    if (Array.isArray(c)) { c.forEach(function (x) { append(e, x); }); return; }
    e.appendChild(c.nodeType ? c : document.createTextNode(String(c)));
  }

  DC.h = function (tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  };

  DC.svg = function (tag, attrs, children) {
    var e = document.createElementNS(SVG_NS, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  };

  // Text in a span: what Leaflet tooltips and popups are given (never a string, which Leaflet
  // would read as HTML).
  DC.text = function (s, cls) { return DC.h("span", cls ? { "class": cls } : null, s === null || s === undefined ? "" : String(s)); };

  DC.clear = function (e) { while (e && e.firstChild) e.removeChild(e.firstChild); return e; };
  DC.fill = function (e, children) { DC.clear(e); append(e, children); return e; };
  DC.byId = function (id) { return document.getElementById(id); };

  // A definition list from [label, value] pairs (value: text or nodes; empty ones skipped).
  DC.kv = function (pairs, cls) {
    var dl = DC.h("dl", { "class": "dc-kv" + (cls ? " " + cls : "") });
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "" || (Array.isArray(p[1]) && !p[1].length)) return;
      dl.appendChild(DC.h("dt", null, p[0]));
      dl.appendChild(DC.h("dd", null, p[1]));
    });
    return dl;
  };

  // A table from column titles and rows of cells (text or nodes); cls per column via spec.
  DC.table = function (cols, rows, attrs) {
    var head = DC.h("tr", null, cols.map(function (c) {
      return DC.h("th", { "class": c.num ? "num" : null, "data-col": c.key || null }, c.title);
    }));
    var body = DC.h("tbody", null, rows.map(function (r) {
      return DC.h("tr", r.attrs || null, r.cells.map(function (cell, i) {
        return DC.h("td", { "class": cols[i] && cols[i].num ? "num" : null }, cell);
      }));
    }));
    return DC.h("table", Object.assign({ "class": "dc-table" }, attrs || {}), [DC.h("thead", null, head), body]);
  };

  // ---- formatting ------------------------------------------------------------------------------
  DC.toSec = function (iso) {
    if (!iso) return null;
    var ms = Date.parse(iso);
    return isNaN(ms) ? null : ms / 1000;
  };
  DC.fmtTime = function (iso) {
    if (!iso) return "";
    return String(iso).replace("T", " ").replace(/:00Z$/, "Z").replace(/Z$/, " UTC");
  };
  DC.secToIso = function (t) { return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"); };
  DC.secToLabel = function (t) { return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC"; };
  DC.fmtNum = function (x) {
    if (x === null || x === undefined || isNaN(x)) return "";
    var a = Math.abs(x);
    if (a >= 1e6) return (x / 1e6).toFixed(a >= 1e7 ? 1 : 2).replace(/\.?0+$/, "") + "M";
    if (a >= 100) return Math.round(x).toLocaleString("en-US");
    return String(Math.round(x * 100) / 100);
  };
  DC.human = function (q) { return String(q === null || q === undefined ? "" : q).replace(/_/g, " "); };
  DC.hours = function (e) {
    if (typeof e.hours === "number") return e.hours;
    var a = DC.toSec(e.start_ts), b = DC.toSec(e.end_ts || e.start_ts);
    return a === null || b === null ? null : (b - a) / 3600;
  };

  // ---- the colour rule ---------------------------------------------------------------------------
  // Watched vessels: one colour each, from VESSEL_PALETTE in the order of their case names (the
  // same colour for every MMSI of one vessel); all other traffic grey. Event kinds, ports by
  // role and claim grades have fixed colours. The map, the vessel list, the vessel page and
  // the legend all ask this object, so they cannot disagree.
  var VESSEL_PALETTE = ["#d81b60", "#00897b", "#e65100", "#3949ab", "#6d4c41", "#7cb342", "#8e24aa", "#00acc1"];
  var KIND_COLORS = {
    port_call: "#1f77b4", gap: "#111111", encounter: "#ff7f0e", loitering: "#9467bd",
    identity_change: "#17becf", spoof_jump: "#d62728", shared_mmsi: "#8c564b", stop: "#2ca02c",
    port_presence: "#aec7e8"
  };
  DC.colors = {
    other: "#7f92a6",
    otherOpacity: function (zoom) { return zoom >= 9 ? 0.3 : zoom >= 8 ? 0.15 : 0.08; },
    kinds: KIND_COLORS,
    grades: { consistent: "#2e7d32", above: "#c62828", below: "#1565c0", not_comparable: "#757575" },
    ports: { origin: "#b71c1c", destination: "#0d47a1", place: "#4e342e" },
    watchedNames: [],
    // Learn the case's watched vessels from the vessel list (their `watched` case names).
    useVessels: function (vessels) {
      var names = {};
      vessels.forEach(function (v) { if (v.watched) names[v.watched] = true; });
      this.watchedNames = Object.keys(names).sort();
      this._byMmsi = {};
      var self = this;
      vessels.forEach(function (v) { if (v.watched) self._byMmsi[v.mmsi] = v.watched; });
    },
    watchedColor: function (name) {
      var i = this.watchedNames.indexOf(name);
      return i < 0 ? this.other : VESSEL_PALETTE[i % VESSEL_PALETTE.length];
    },
    vessel: function (mmsi) {
      var name = (this._byMmsi || {})[mmsi];
      return name ? this.watchedColor(name) : this.other;
    },
    kind: function (k) { return KIND_COLORS[k] || "#7f7f7f"; },
    port: function (p) { return this.ports[p.role] || this.ports.place; },
    grade: function (g) { return this.grades[g] || "#757575"; },
    // What the legend draws: exactly these entries, from the rules above.
    legend: function () {
      var self = this, out = [];
      this.watchedNames.forEach(function (n) { out.push({ type: "line", color: self.watchedColor(n), width: 3.5, label: n, group: "watched" }); });
      out.push({ type: "line", color: this.other, width: 1.5, opacity: 0.6, label: "other traffic", group: "vessels" });
      out.push({ type: "dot", color: this.ports.origin, label: "origin port", group: "ports" });
      out.push({ type: "dot", color: this.ports.destination, label: "destination port", group: "ports" });
      out.push({ type: "dot", color: this.ports.place, label: "other watched place", group: "ports" });
      out.push({ type: "dash", color: KIND_COLORS.gap, label: "dark gap (last → next fix)", group: "events" });
      return out;
    }
  };

  // A coloured chip for an event kind or a grade (colour set through the CSSOM, not markup).
  DC.chip = function (label, color, cls) {
    var s = DC.h("span", { "class": "dc-kind" + (cls ? " " + cls : "") }, label);
    s.style.background = color;
    return s;
  };
  DC.kindChip = function (kind) { return DC.chip(DC.human(kind), DC.colors.kind(kind), "dc-kind-" + kind); };
  DC.swatch = function (color, cls) {
    var s = DC.h("span", { "class": "dc-swatch" + (cls ? " " + cls : "") });
    s.style.background = color;
    return s;
  };

  // ---- small shared pieces ---------------------------------------------------------------------
  // A place's name as a map label says it: "Rajin / Najin port (Rason)" -> "Rajin".
  DC.shortName = function (p) { return String(p.name || p.id).split(/,| \(| \//)[0]; };
  DC.debounce = function (fn, ms) {
    var t = null;
    return function () {
      var args = arguments, self = this;
      window.clearTimeout(t);
      t = window.setTimeout(function () { fn.apply(self, args); }, ms);
    };
  };
  DC.lowerBound = function (a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  };
  DC.upperBound = function (a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
  };
  // A stable hash of a value to 0..99 (which other-traffic tracks stay at low zoom).
  DC.hash100 = function (v) {
    var h = 0, s = String(v);
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 1000003;
    return h % 100;
  };

  // The App: its state here, its views in the files that follow (each adds methods).
  DC.App = function App(root, cfg) {
    this.root = root;
    this.cfg = cfg;
    this.states = [];
    this.vessels = {};
    this.events = [];
    this.portsById = {};
    this.kindCounts = {};
    this.time = { min: 0, max: 1, a: 0, b: 1 };
    this.playing = null;
  };

  DC.App.prototype.vesselLabel = function (mmsi) {
    var v = this.vessels[mmsi];
    if (!v) return String(mmsi);
    return (v.name || "MMSI") + " (" + mmsi + ")";
  };
  DC.App.prototype.isWatched = function (m) { var v = this.vessels[m]; return !!(v && v.watched); };

  // A link that opens a vessel page (handled by one document-wide click listener in app.js).
  DC.App.prototype.vesselLink = function (mmsi) {
    if (mmsi === null || mmsi === undefined) return "";
    return DC.h("span", { "class": "dc-link", "data-vessel": mmsi }, this.vesselLabel(mmsi));
  };
})();
