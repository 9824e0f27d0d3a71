/* darkcargo dashboard: map, one time filter for all layers, events table, vessel pages and
 * estimates against claims. Runs against the server's JSON API, or (in the single-file report)
 * against data embedded in the page: the same code tells the same story in both.
 */
(function () {
  "use strict";

  var CFG = window.DARKCARGO_CONFIG || { mode: "server", api: "/api" };
  var Ly = window.DarkcargoLayers;
  var esc = Ly.esc, toSec = Ly.toSec, fmtTime = Ly.fmtTime;
  var MAX_TABLE_ROWS = 300;
  var MAX_HISTORY_ROWS = 40;
  var PLAY_TICK_MS = 250;
  var PLAY_STEPS = 120;
  var MOVE_DEBOUNCE_MS = 250;
  var GRADE_COLORS = { consistent: "#2e7d32", above: "#c62828", below: "#1565c0", not_comparable: "#757575" };

  // ---- data sources ------------------------------------------------------------------------
  function readToken() {
    var m = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash || "");
    if (m) {
      try { window.sessionStorage.setItem("darkcargo-token", decodeURIComponent(m[1])); } catch (e) { /* private mode */ }
      window.location.hash = window.location.hash.replace(/(^#|&)token=[^&]+/, "$1");
      return decodeURIComponent(m[1]);
    }
    try { return window.sessionStorage.getItem("darkcargo-token"); } catch (e) { return null; }
  }

  function serverSource() {
    var token = readToken();
    function get(path, params) {
      var url = CFG.api + path;
      var q = [];
      Object.keys(params || {}).forEach(function (k) {
        var v = params[k];
        if (v === null || v === undefined) return;
        (Array.isArray(v) ? v : [v]).forEach(function (x) { q.push(encodeURIComponent(k) + "=" + encodeURIComponent(x)); });
      });
      if (q.length) url += "?" + q.join("&");
      var headers = { Accept: "application/json" };
      if (token) headers.Authorization = "Bearer " + token;
      return fetch(url, { headers: headers }).then(function (r) {
        if (!r.ok) {
          var hint = r.status === 401 ? " (open the page as /#token=YOUR_TOKEN)" : "";
          throw new Error("GET " + path + ": HTTP " + r.status + hint);
        }
        return r.json();
      });
    }
    return {
      live: true,
      summary: function () { return get("/summary"); },
      vessels: function () { return get("/vessels"); },
      ports: function () { return get("/ports"); },
      estimates: function () { return get("/estimates"); },
      claims: function () { return get("/claims"); },
      land: function () { return get("/land"); },
      events: function () { return get("/events/overview"); },
      eventsPage: function (params) { return get("/events", params); },
      tracks: function (view) { return get("/tracks", { zoom: view.zoom, bbox: view.bbox }); },
      vessel: function (id) { return get("/vessels/" + encodeURIComponent(id)); },
      vesselTrack: function (mmsi) { return get("/tracks/" + encodeURIComponent(mmsi), { zoom: 10 }); },
      layer: function (name) { return get("/layers/" + name, { limit: 10000 }).then(function (r) { return r.items; }); }
    };
  }

  // Long lists in the report are packed as {columns, rows, constants} (report/html.py pack()).
  function unpack(v) {
    if (!v || Array.isArray(v)) return v || [];
    var cols = v.columns || [], consts = v.constants || {};
    return (v.rows || []).map(function (r) {
      var o = {};
      Object.keys(consts).forEach(function (k) { o[k] = consts[k]; });
      for (var i = 0; i < cols.length; i++) o[cols[i]] = r[i];
      return o;
    });
  }

  function embeddedSource(D) {
    function ok(v) { return Promise.resolve(v); }
    var events = unpack(D.events);
    var layers = {};
    Object.keys(D.layers || {}).forEach(function (k) { layers[k] = unpack(D.layers[k]); });
    var byId = {};
    events.forEach(function (e) { byId[e.event_id] = e; });
    var vessels = {};
    (D.vessels || []).forEach(function (v) { vessels[v.mmsi] = v; });
    function ofVessel(rows, mmsis) {
      return (rows || []).filter(function (r) { return mmsis.indexOf(r.mmsi) >= 0; });
    }
    // A vessel page from the report's parts: its page (identity history, matches, event ids)
    // when the report has one, else what the vessel list and the embedded events say.
    function vessel(id) {
      var n = Number(id), page = (D.vessel_details || {})[String(n)];
      var v = vessels[n];
      if (!page && !v) return Promise.reject(new Error("no vessel " + id + " in this report"));
      var mmsis = page ? page.mmsis : [n];
      var evs = page ? page.event_ids.map(function (i) { return byId[i]; }).filter(Boolean)
        : events.filter(function (e) { return e.mmsi === n || e.other_mmsi === n; });
      return ok({
        id: n, mmsis: mmsis, identity: v || { mmsi: n }, vessels: v ? [v] : [],
        identity_history: page ? page.identity_history : null,
        identity_history_total: page ? page.identity_history_total : null,
        events: evs, events_total: v ? v.n_events : evs.length,
        matches: page ? page.matches : [],
        port_calls: ofVessel(layers.port_calls, mmsis), shipments: ofVessel(layers.shipments, mmsis),
        partial: !page
      });
    }
    return {
      live: false,
      summary: function () { return ok(D.summary); },
      vessels: function () { return ok(D.vessels || []); },
      ports: function () { return ok(D.ports || []); },
      estimates: function () { return ok(D.estimates || []); },
      claims: function () { return ok(D.claims || []); },
      land: function () { return ok(D.land); },
      events: function () { return ok({ items: events, total: D.events_total, kinds: (D.selection || {}).kinds || null }); },
      tracks: function () { return ok(D.tracks || { tracks: [] }); },
      vessel: vessel,
      vesselTrack: function (mmsi) {
        var t = ((D.tracks || {}).tracks || []).filter(function (x) { return x.mmsi === Number(mmsi); })[0];
        return ok(t || { mmsi: mmsi, runs: [] });
      },
      layer: function (name) { return ok(layers[name] || []); }
    };
  }

  // ---- helpers -------------------------------------------------------------------------------
  function el(tag, attrs, html) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (html !== undefined) e.innerHTML = html;
    return e;
  }

  function fmtNum(x) {
    if (x === null || x === undefined || isNaN(x)) return "";
    var a = Math.abs(x);
    if (a >= 1e6) return (x / 1e6).toFixed(a >= 1e7 ? 1 : 2).replace(/\.?0+$/, "") + "M";
    if (a >= 1e4) return Math.round(x).toLocaleString("en-US");
    if (a >= 100) return Math.round(x).toLocaleString("en-US");
    return String(Math.round(x * 100) / 100);
  }

  function secToIso(t) { return new Date(t * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"); }
  function secToLabel(t) { return new Date(t * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC"; }

  function hue(mmsi) {
    var h = 0, s = String(mmsi);
    for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) % 360;
    return h;
  }

  // ---- the app -----------------------------------------------------------------------------
  function App(root) {
    this.root = root;
    this.source = CFG.mode === "report" ? embeddedSource(window.DARKCARGO_DATA || {}) : serverSource();
    this.states = [];
    this.vessels = {};
    this.events = [];
    this.portsById = {};
    this.kindCounts = {};
    this.time = { min: 0, max: 1, a: 0, b: 1 };
    this.playing = null;
  }

  App.prototype.start = function () {
    var self = this;
    this.buildDom();
    return this.source.summary().then(function (summary) {
      self.summary = summary;
      self.renderHeader();
      return Promise.all([self.source.vessels(), self.source.ports(), self.source.events(), self.source.land()]);
    }).then(function (r) {
      r[0].forEach(function (v) { self.vessels[v.mmsi] = v; });
      r[1].forEach(function (p) { self.portsById[p.id] = p; });
      self.events = r[2].items || [];
      self.eventsTotal = r[2].total;
      (r[2].kinds || []).forEach(function (k) { self.kindCounts[k.kind] = k; });
      self.initTime();
      self.initMap(r[3]);
      Object.keys(self.summary.event_kinds || {}).forEach(function (kind, i) { Ly.registerEventKind(kind, i); });
      return self.buildLayers();
    }).then(function () {
      self.renderVesselList();
      self.applyTime();
      self.renderEstimates();
      self.openFromHash();
      window.addEventListener("hashchange", function () { self.openFromHash(); });
      self.root.setAttribute("data-ready", "1");
    }).catch(function (err) {
      self.root.insertBefore(el("div", { "class": "dc-error" }, esc(err.message || String(err))), self.root.firstChild);
      self.root.setAttribute("data-ready", "error");
      throw err;
    });
  };

  App.prototype.buildDom = function () {
    var r = this.root;
    r.innerHTML =
      '<header class="dc-header"><h1>darkcargo</h1><span id="dc-case"></span><span class="dc-sub" id="dc-counts"></span></header>' +
      '<div class="dc-main"><div class="dc-mapwrap"><div id="dc-map"></div>' +
      '<div class="dc-time"><div><button id="dc-play" type="button" title="Play the time window forward">&#9654; Play</button> ' +
      '<button id="dc-reset" type="button" title="Whole period">All</button></div>' +
      '<div class="dc-sliders"><div class="dc-rail"></div><div class="dc-range" id="dc-range"></div>' +
      '<input type="range" id="dc-time-start" aria-label="start of the time window">' +
      '<input type="range" id="dc-time-end" aria-label="end of the time window"></div>' +
      '<div class="dc-label" id="dc-time-label"></div></div></div>' +
      '<aside class="dc-side"><h2>Layers</h2><div id="dc-layers"></div><h2 style="margin-top:0.8em">Vessels</h2><div id="dc-vessels"></div></aside></div>' +
      '<section class="dc-section" id="dc-events"><h2>Events <span class="dc-note" id="dc-events-count"></span></h2>' +
      '<div class="dc-note">Events overlapping the time window with a point inside the map view; click a row to show it on the map.</div>' +
      '<div class="dc-scroll"><table class="dc-table"><thead><tr><th>start</th><th>end</th><th>kind</th><th>vessel</th><th>port or place</th><th>hours</th><th>why shown</th><th>confidence</th></tr></thead><tbody></tbody></table></div></section>' +
      '<section class="dc-section dc-chart" id="dc-estimates"><h2>Estimates and claims</h2><div class="dc-legend" id="dc-legend"></div><div id="dc-chart"></div><div id="dc-est-tables"></div></section>' +
      '<div class="dc-panel" id="dc-vessel" role="dialog" aria-label="vessel page"><button class="dc-btn dc-close" type="button" id="dc-vessel-close">Close</button><div id="dc-vessel-body"></div></div>';
    var self = this;
    document.getElementById("dc-vessel-close").addEventListener("click", function () { self.closeVessel(); });
    document.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("[data-vessel]") : null;
      if (t) { ev.preventDefault(); self.openVessel(t.getAttribute("data-vessel")); }
    });
  };

  App.prototype.renderHeader = function () {
    var s = this.summary;
    document.getElementById("dc-case").textContent = (s.case && s.case.title) || "";
    var c = s.counts || {};
    var parts = ["v" + s.darkcargo_version];
    ["positions", "events", "estimates", "claims", "detections", "port_calls", "shipments"].forEach(function (k) {
      if (c[k]) parts.push(fmtNum(c[k]) + " " + k.replace("_", " "));
    });
    document.getElementById("dc-counts").textContent = parts.join(" · ");
  };

  // ---- time filter -----------------------------------------------------------------------------
  App.prototype.initTime = function () {
    var s = this.summary.time || {};
    var a = toSec(s.start), b = toSec(s.end);
    if (a === null || b === null) { a = Date.now() / 1000 - 86400; b = Date.now() / 1000; }
    if (b <= a) b = a + 3600;
    this.time = { min: a, max: b, a: a, b: b };
    var self = this;
    var start = document.getElementById("dc-time-start"), end = document.getElementById("dc-time-end");
    [start, end].forEach(function (inp) {
      inp.min = String(Math.floor(a)); inp.max = String(Math.ceil(b));
      inp.step = "any";  // a snapped step would cut off events at the very end
    });
    start.value = String(Math.floor(a)); end.value = String(Math.ceil(b));
    function onInput() {
      var x = Number(start.value), y = Number(end.value);
      if (x > y) { if (this === start) start.value = String(y); else end.value = String(x); }
      self.setWindow(Number(start.value), Number(end.value));
    }
    start.addEventListener("input", onInput);
    end.addEventListener("input", onInput);
    document.getElementById("dc-play").addEventListener("click", function () { self.togglePlay(); });
    document.getElementById("dc-reset").addEventListener("click", function () {
      self.stopPlay();
      self.setWindow(self.time.min, self.time.max);
    });
    this.updateTimeUi();
  };

  App.prototype.setWindow = function (a, b) {
    this.time.a = Math.max(this.time.min, Math.min(a, this.time.max));
    this.time.b = Math.max(this.time.a, Math.min(b, this.time.max));
    this.updateTimeUi();
    this.scheduleApply();
  };

  App.prototype.updateTimeUi = function () {
    var t = this.time, span = t.max - t.min || 1;
    document.getElementById("dc-time-start").value = String(Math.floor(t.a));
    document.getElementById("dc-time-end").value = String(Math.ceil(t.b));
    var range = document.getElementById("dc-range");
    range.style.left = ((t.a - t.min) / span * 100) + "%";
    range.style.width = ((t.b - t.a) / span * 100) + "%";
    var label = document.getElementById("dc-time-label");
    label.textContent = secToLabel(t.a) + " → " + secToLabel(t.b);
    label.setAttribute("data-since", secToIso(t.a));
    label.setAttribute("data-until", secToIso(t.b));
  };

  App.prototype.togglePlay = function () {
    if (this.playing) { this.stopPlay(); return; }
    var self = this, t = this.time;
    var width = t.b - t.a;
    if (width >= t.max - t.min) width = (t.max - t.min) / 10;
    if (t.b >= t.max) { t.a = t.min; }
    t.b = t.a + width;
    var step = (t.max - t.min) / PLAY_STEPS;
    document.getElementById("dc-play").innerHTML = "&#10074;&#10074; Pause";
    this.playing = window.setInterval(function () {
      var b = Math.min(t.max, t.b + step);
      self.setWindow(b - width, b);
      if (b >= t.max) self.stopPlay();
    }, PLAY_TICK_MS);
  };

  App.prototype.stopPlay = function () {
    if (this.playing) window.clearInterval(this.playing);
    this.playing = null;
    document.getElementById("dc-play").innerHTML = "&#9654; Play";
  };

  App.prototype.scheduleApply = function () {
    var self = this;
    if (this._raf) return;
    this._raf = window.requestAnimationFrame(function () { self._raf = null; self.applyTime(); });
  };

  // Show in every layer exactly what overlaps the window; then the table follows.
  App.prototype.applyTime = function () {
    var a = this.time.a, b = this.time.b;
    this.states.forEach(function (st) {
      if (st.def.filter) { st.def.filter(st, a, b); return; }
      var shown = 0;
      st.items.forEach(function (it) {
        var on = (it.t1 === null || it.t1 >= a) && (it.t0 === null || it.t0 <= b);
        var has = st.group.hasLayer(it.layer);
        if (on && !has) st.group.addLayer(it.layer);
        else if (!on && has) st.group.removeLayer(it.layer);
        if (on) shown++;
      });
      st.visible = shown;
    });
    this.renderLayerList();
    this.renderEventsTable();
  };

  // ---- map and layers --------------------------------------------------------------------------
  App.prototype.initMap = function (land) {
    var bb = this.summary.data_bbox || this.summary.bbox || [124, 33, 142, 46];
    var map = L.map("dc-map", { preferCanvas: false, worldCopyJump: false, attributionControl: true, zoomSnap: 0.5 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Land: Natural Earth");
    map.createPane("land");
    map.getPane("land").style.zIndex = 250;
    // above the default overlay pane (other traffic): sampled events, watched tracks, events
    // that matter, in that order
    [["dc-events-low", 410], ["dc-tracks-top", 420], ["dc-events-top", 430]].forEach(function (p) {
      map.createPane(p[0]);
      map.getPane(p[0]).style.zIndex = p[1];
    });
    this.addLegend(map);
    if (land) {
      L.geoJSON(land, { pane: "land", interactive: false, style: { color: "#b9b09a", weight: 0.8, fillColor: "#e9e4d8", fillOpacity: 1 } }).addTo(map);
    }
    map.fitBounds([[bb[1], bb[0]], [bb[3], bb[2]]], { padding: [20, 20] });
    var self = this;
    var timer = null;
    map.on("moveend", function () {
      self.renderEventsTable();
      if (!self.source.live) return;
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { self.refreshLayers(); }, MOVE_DEBOUNCE_MS);
    });
    this.map = map;
  };

  App.prototype.addLegend = function (map) {
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var d = L.DomUtil.create("div", "dc-map-legend");
      d.innerHTML =
        '<div><svg width="28" height="8"><line x1="0" x2="28" y1="4" y2="4" stroke="#b5368f" stroke-width="3.5"/></svg> watched vessel</div>' +
        '<div><svg width="28" height="8"><line x1="0" x2="28" y1="4" y2="4" stroke="#4d6b8a" stroke-width="1" stroke-opacity="0.6"/></svg> other traffic</div>' +
        '<div><svg width="28" height="8"><line x1="0" x2="28" y1="4" y2="4" stroke="#111" stroke-width="2.5" stroke-dasharray="5 4"/></svg> dark gap (last → next fix)</div>' +
        '<div><svg width="28" height="14"><circle cx="8" cy="7" r="6" fill="#7f7f7f" stroke="#fff" stroke-width="1.5"/><circle cx="22" cy="7" r="3" fill="#7f7f7f" fill-opacity="0.55"/></svg> event that matters / sampled</div>' +
        '<div><svg width="28" height="14"><circle cx="14" cy="7" r="5.5" fill="none" stroke="#16a085" stroke-width="2"/></svg> port call (dashed: inferred)</div>';
      L.DomEvent.disableClickPropagation(d);
      return d;
    };
    legend.addTo(map);
  };

  App.prototype.ctx = function () {
    var self = this;
    return {
      map: this.map,
      source: this.source,
      portsById: this.portsById,
      allEvents: function () { return Promise.resolve(self.events); },
      vesselLabel: function (m) { return self.vesselLabel(m); },
      vesselColor: function (m) { return "hsl(" + hue(m) + ",70%,38%)"; },
      // one fetch of every track per view, shared by the two track layers
      tracks: function () {
        var view = this.view(), key = view.zoom + "|" + view.bbox;
        if (!self._tracks || self._tracks.key !== key) self._tracks = { key: key, promise: self.source.tracks(view) };
        return self._tracks.promise;
      },
      isWatched: function (m) { var v = self.vessels[m]; return !!(v && v.watched); },
      sampled: function (kind) { var k = self.kindCounts[kind]; return !!(k && k.shown < k.total); },
      openVessel: function (m) { self.openVessel(m); },
      view: function () {
        var b = self.map.getBounds().pad(0.25);
        var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
        var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
        return { zoom: Math.round(self.map.getZoom()), bbox: [w, s, e, n].map(function (x) { return x.toFixed(4); }).join(",") };
      },
      layerTouched: function () { self.scheduleApply(); }
    };
  };

  App.prototype.buildLayers = function () {
    var self = this, ctx = this.ctx(), counts = {};
    (this.summary.layers || []).forEach(function (l) { counts[l.name] = l.count; });
    var defs = Ly.all();
    return Promise.all(defs.map(function (def) {
      var st = { def: def, group: L.featureGroup(), items: [], enabled: def.defaultOn !== false, count: 0, visible: 0 };
      if (def.table && !counts[def.table]) { st.empty = true; st.enabled = false; self.states.push(st); return null; }
      self.states.push(st);
      return Promise.resolve(def.build(ctx, st)).then(function (items) {
        st.items = items || [];
        if (!def.filter) st.count = st.items.length;
        if (st.enabled) st.group.addTo(self.map);
      });
    }));
  };

  App.prototype.refreshLayers = function () {
    var self = this, ctx = this.ctx();
    this.states.forEach(function (st) {
      if (st.def.refresh && !st.empty) {
        st.def.refresh(st, ctx).then(function () { self.scheduleApply(); });
      }
    });
  };

  App.prototype.renderLayerList = function () {
    var box = document.getElementById("dc-layers"), self = this;
    if (!box) return;
    if (!this._layerRows) {
      this._layerRows = {};
      box.innerHTML = "";
      this.states.forEach(function (st) {
        var id = "dc-layer-" + st.def.id.replace(/[^a-z0-9_]/gi, "-");
        var row = el("label", { "class": "dc-layer" + (st.empty ? " dc-empty" : ""), "data-layer": st.def.id, "for": id });
        var cb = el("input", { type: "checkbox", id: id });
        cb.checked = st.enabled;
        cb.disabled = !!st.empty;
        cb.addEventListener("change", function () {
          st.enabled = cb.checked;
          if (st.enabled) st.group.addTo(self.map); else self.map.removeLayer(st.group);
          self.renderEventsTable();
        });
        var sw = el("span", { "class": "dc-swatch", style: "background:" + st.def.color + (st.def.dashed ? ";background:repeating-linear-gradient(90deg," + st.def.color + " 0 4px,transparent 4px 7px)" : "") });
        row.appendChild(cb); row.appendChild(sw);
        var kind = st.def.id.indexOf("events:") === 0 ? self.kindCounts[st.def.id.slice(7)] : null;
        var note = kind && kind.shown < kind.total
          ? '<span class="dc-sample" title="every event of this kind that matters to the case, then a sample spread over the period; the exports carry all">all that matter + sample; ' + fmtNum(kind.total) + " in all</span>" : "";
        row.appendChild(el("span", {}, esc(st.def.title) + (st.empty ? " (no rows yet)" : "") + note));
        var count = el("span", { "class": "dc-count" });
        row.appendChild(count);
        box.appendChild(row);
        self._layerRows[st.def.id] = count;
      });
    }
    this.states.forEach(function (st) {
      var c = self._layerRows[st.def.id];
      if (!c) return;
      c.textContent = st.empty ? "" : (st.visible + "/" + (st.count || st.items.length));
      c.parentNode.setAttribute("data-visible", String(st.visible));
    });
  };

  App.prototype.vesselLabel = function (mmsi) {
    var v = this.vessels[mmsi];
    if (!v) return String(mmsi);
    return (v.name || "MMSI") + " (" + mmsi + ")";
  };

  App.prototype.renderVesselList = function () {
    var box = document.getElementById("dc-vessels"), self = this;
    var list = Object.keys(this.vessels).map(function (k) { return self.vessels[k]; });
    list.sort(function (a, b) { return ((b.watched ? 1 : 0) - (a.watched ? 1 : 0)) || (b.n_events - a.n_events) || (a.mmsi - b.mmsi); });
    if (!list.length) { box.innerHTML = '<div class="dc-note">No vessels in this workspace yet.</div>'; return; }
    var html = '<table class="dc-table"><tbody>';
    list.slice(0, 200).forEach(function (v) {
      html += '<tr data-vessel="' + esc(v.mmsi) + '"><td><span class="dc-swatch" style="background:hsl(' + hue(v.mmsi) + ',70%,38%)"></span> ' +
        esc(v.name || v.mmsi) + (v.watched ? '<span class="dc-badge dc-watched">watched' + (v.watched !== v.name ? ": " + esc(v.watched) : "") + "</span>" : "") +
        (v.sanctioned ? '<span class="dc-badge dc-sanctioned">sanctioned</span>' : "") +
        '</td><td class="num">' + esc(v.n_events) + "</td></tr>";
    });
    box.innerHTML = html + "</tbody></table>";
  };

  // ---- events table ---------------------------------------------------------------------------
  App.prototype.renderEventsTable = function () {
    if (!this.map) return;
    var a = this.time.a, b = this.time.b, bounds = this.map.getBounds(), self = this;
    var enabled = {};
    this.states.forEach(function (st) { enabled[st.def.id] = st.enabled; });
    var rows = this.events.filter(function (e) {
      if (enabled["events:" + e.kind] === false) return false;
      var t0 = toSec(e.start_ts), t1 = toSec(e.end_ts || e.start_ts);
      if (t1 < a || t0 > b) return false;
      if (e.lat === null || e.lat === undefined) return true;  // no position (identity changes)
      var inside = bounds.contains([e.lat, e.lon]);
      if (!inside && e.end_lat !== null && e.end_lat !== undefined) inside = bounds.contains([e.end_lat, e.end_lon]);
      return inside;
    });
    // what matters most first (watched vessels, rare kinds, flagged gaps), then by time
    var ctx = this._ctx || (this._ctx = this.ctx());
    var level = rows.map(function (e) { return Ly.matters(ctx, e); });
    var order = rows.map(function (_, i) { return i; });
    order.sort(function (i, j) { return (level[j] - level[i]) || (i - j); });
    rows = order.map(function (i) { return rows[i]; });
    var count = document.getElementById("dc-events-count");
    var sampled = Object.keys(this.kindCounts).some(function (k) { return self.kindCounts[k].shown < self.kindCounts[k].total; });
    count.textContent = rows.length + " in view" + (rows.length > MAX_TABLE_ROWS ? " (the " + MAX_TABLE_ROWS + " that matter most shown)" : "") +
      (sampled ? "; the map holds " + fmtNum(this.events.length) + " of " + fmtNum(this.eventsTotal) + " events: every one that matters, a sample of the rest" : "");
    count.setAttribute("data-count", String(rows.length));
    var tbody = document.querySelector("#dc-events tbody");
    var html = "";
    rows.slice(0, MAX_TABLE_ROWS).forEach(function (e, i) {
      var hours = e.end_ts ? ((toSec(e.end_ts) - toSec(e.start_ts)) / 3600).toFixed(1) : "";
      var d = e.details && typeof e.details === "object" ? e.details : {};
      var place = e.port_id || (d.start_port ? "near " + d.start_port + (d.start_port_km !== undefined ? " (" + Math.round(d.start_port_km) + " km)" : "") : "");
      html += '<tr data-event="' + i + '"><td>' + esc(fmtTime(e.start_ts)) + "</td><td>" + esc(fmtTime(e.end_ts)) +
        '</td><td><span class="dc-kind" style="background:' + Ly.kindColor(e.kind) + '">' + esc(e.kind.replace(/_/g, " ")) + "</span></td><td>" +
        '<span class="dc-link" data-vessel="' + esc(e.mmsi) + '">' + esc(self.vesselLabel(e.mmsi)) + "</span>" +
        (e.other_mmsi ? ' &harr; <span class="dc-link" data-vessel="' + esc(e.other_mmsi) + '">' + esc(self.vesselLabel(e.other_mmsi)) + "</span>" : "") +
        "</td><td>" + esc(place) + '</td><td class="num">' + hours + "</td><td>" + esc(e.why || (ctx.sampled(e.kind) ? "sample" : "")) +
        '</td><td class="num">' + (e.confidence === null || e.confidence === undefined ? "" : Number(e.confidence).toFixed(2)) + "</td></tr>";
    });
    tbody.innerHTML = html || '<tr><td colspan="8" class="dc-note">No events in this time window and map view.</td></tr>';
    this._tableRows = rows;
    var trs = tbody.querySelectorAll("tr[data-event]");
    Array.prototype.forEach.call(trs, function (tr) {
      tr.addEventListener("click", function (ev) {
        if (ev.target.closest("[data-vessel]")) return;
        var e = self._tableRows[Number(tr.getAttribute("data-event"))];
        if (e.lat === null || e.lat === undefined) { self.openVessel(e.mmsi); return; }
        self.map.setView([e.lat, e.lon], Math.max(self.map.getZoom(), 9));
      });
    });
  };

  // ---- vessel page ------------------------------------------------------------------------------
  App.prototype.openFromHash = function () {
    var m = /vessel=(\d+)/.exec(window.location.hash || "");
    if (m) this.openVessel(m[1], true);
  };

  App.prototype.closeVessel = function () {
    document.getElementById("dc-vessel").classList.remove("dc-open");
    if (/vessel=/.test(window.location.hash)) {
      history.replaceState(null, "", window.location.pathname + window.location.search);
    }
  };

  App.prototype.openVessel = function (id, fromHash) {
    var self = this;
    if (!fromHash) history.replaceState(null, "", "#vessel=" + id);
    var panel = document.getElementById("dc-vessel"), body = document.getElementById("dc-vessel-body");
    panel.classList.add("dc-open");
    body.innerHTML = '<div class="dc-note">Loading vessel ' + esc(id) + "…</div>";
    this.source.vessel(id).then(function (v) {
      self.renderVessel(v);
      return self.source.vesselTrack(v.mmsis[0]).then(function (t) { self.renderVesselMap(v, t); });
    }).catch(function (err) {
      body.innerHTML = '<div class="dc-error">' + esc(err.message) + "</div>";
    });
  };

  // Long identity histories (two transmitters sharing one MMSI flip thousands of times) as one
  // row per distinct identity, like the report (report/html.py collapse_history).
  function collapseHistory(hist) {
    var keys = ["mmsi", "imo", "name", "callsign", "ship_type", "length_m", "beam_m"], byKey = {}, out = [];
    hist.forEach(function (h) {
      var k = JSON.stringify(keys.map(function (f) { return h[f] === undefined ? null : h[f]; }));
      var row = byKey[k];
      if (!row) {
        row = byKey[k] = {};
        Object.keys(h).forEach(function (f) { row[f] = h[f]; });
        row.destinations = (h.destinations || []).slice();
        row.runs = 1;
        out.push(row);
        return;
      }
      if (h.last_seen > row.last_seen) row.last_seen = h.last_seen;
      row.n_messages += h.n_messages;
      row.runs += 1;
      (h.destinations || []).forEach(function (d) { if (row.destinations.indexOf(d) < 0) row.destinations.push(d); });
    });
    return out;
  }

  App.prototype.renderVessel = function (v) {
    var idn = v.identity || {};
    var body = document.getElementById("dc-vessel-body");
    var badges = (idn.watched ? '<span class="dc-badge dc-watched">watched' + (idn.watched !== idn.name ? ": " + esc(idn.watched) : "") + "</span>" : "") +
      (idn.sanctioned || (v.matches && v.matches.length) ? '<span class="dc-badge dc-sanctioned">sanctions match</span>' : "");
    var html = '<h2 id="dc-vessel-title">' + esc(idn.name || "unnamed") + " " + badges + "</h2>" +
      '<dl class="dc-kv"><dt>MMSI</dt><dd>' + esc(v.mmsis.join(", ")) + "</dd><dt>IMO</dt><dd>" + esc(idn.imo) +
      "</dd><dt>call sign</dt><dd>" + esc(idn.callsign) + "</dd><dt>ship type</dt><dd>" + esc(idn.ship_type) +
      "</dd><dt>length</dt><dd>" + esc(idn.length_m) + " m</dd><dt>last destination</dt><dd>" + esc(idn.destination) +
      "</dd><dt>positions</dt><dd>" + esc(idn.n_positions) + " (" + esc(fmtTime(idn.first_ts)) + " → " + esc(fmtTime(idn.last_ts)) + ")</dd></dl>";
    html += '<h3>Track</h3><div id="dc-vessel-map"></div>';
    html += '<h3>Event timeline</h3><div class="dc-timeline" id="dc-vessel-timeline">' + this.timelineSvg(v.events) + "</div>";
    html += "<h3>Identity history</h3>";
    var hist = v.identity_history;
    if (hist && hist.length > MAX_HISTORY_ROWS) {
      v.identity_history_total = hist.length;
      hist = collapseHistory(hist);
    }
    if (hist === null || hist === undefined) {
      html += '<div class="dc-note">This report carries full pages only for vessels with events that matter to the case; the identity history of this vessel is in the workspace and the export bundles.</div>';
    } else if (hist.length) {
      var runs = hist.some(function (h) { return h.runs !== undefined; });
      if (runs) {
        html += '<div class="dc-note">' + esc(v.identity_history_total) + " identity changes, shown as one row per distinct identity (first and last seen, messages, separate runs): identities that keep alternating are a sign of two transmitters on one MMSI.</div>";
      }
      html += '<div class="dc-scroll"><table class="dc-table"><thead><tr><th>from</th><th>to</th><th>MMSI</th><th>name</th><th>IMO</th><th>call sign</th><th>type</th><th>msgs</th>' +
        (runs ? "<th>runs</th>" : "") + "<th>destinations</th></tr></thead><tbody>";
      hist.forEach(function (h) {
        html += "<tr><td>" + esc(fmtTime(h.first_seen)) + "</td><td>" + esc(fmtTime(h.last_seen)) + "</td><td>" + esc(h.mmsi) +
          "</td><td>" + esc(h.name) + "</td><td>" + esc(h.imo) + "</td><td>" + esc(h.callsign) + "</td><td>" + esc(h.ship_type) +
          '</td><td class="num">' + esc(h.n_messages) + "</td>" + (runs ? '<td class="num">' + esc(h.runs) + "</td>" : "") +
          "<td>" + esc((h.destinations || []).join(", ")) + "</td></tr>";
      });
      html += "</tbody></table></div>";
    } else {
      html += '<div class="dc-note">No static (identity) messages for this vessel.</div>';
    }
    var total = v.events_total !== undefined && v.events_total !== null ? v.events_total : v.events.length;
    html += "<h3>Events (" + (total > v.events.length ? v.events.length + " of " + total + " in this report" : v.events.length) + ")</h3>";
    if (v.events.length) {
      html += '<div class="dc-scroll"><table class="dc-table"><thead><tr><th>start</th><th>kind</th><th>hours</th><th>port</th><th>confidence</th><th>preset</th></tr></thead><tbody>';
      v.events.forEach(function (e) {
        var h = e.end_ts ? ((toSec(e.end_ts) - toSec(e.start_ts)) / 3600).toFixed(1) : "";
        html += "<tr><td>" + esc(fmtTime(e.start_ts)) + '</td><td><span class="dc-kind" style="background:' + Ly.kindColor(e.kind) + '">' +
          esc(e.kind) + '</span></td><td class="num">' + h + "</td><td>" + esc(e.port_id) + '</td><td class="num">' +
          (e.confidence === null ? "" : Number(e.confidence).toFixed(2)) + "</td><td>" + esc(e.preset) + "</td></tr>";
      });
      html += "</tbody></table></div>";
    }
    html += this.simpleTable("Sanctions matches", v.matches, ["entry_id", "strength", "fields"], function (m) {
      return m.entry ? (m.entry.list + ": " + m.entry.name) : "";
    });
    html += this.simpleTable("Port calls", v.port_calls, ["port_id", "kind", "arrival_ts", "departure_ts", "confidence"]);
    html += this.simpleTable("Shipments", v.shipments, ["origin_port", "destination_port", "depart_ts", "arrive_ts", "inferred", "containers"]);
    body.innerHTML = html;
  };

  App.prototype.simpleTable = function (title, list, cols, extra) {
    var html = "<h3>" + esc(title) + " (" + (list ? list.length : 0) + ")</h3>";
    if (!list || !list.length) return html + '<div class="dc-note">None recorded.</div>';
    html += '<table class="dc-table"><thead><tr>' + cols.map(function (c) { return "<th>" + esc(c) + "</th>"; }).join("") +
      (extra ? "<th></th>" : "") + "</tr></thead><tbody>";
    list.forEach(function (r) {
      html += "<tr>" + cols.map(function (c) {
        var v = r[c];
        if (typeof v === "object" && v !== null) v = JSON.stringify(v);
        if (/_ts$/.test(c)) v = fmtTime(v);
        return "<td>" + esc(v) + "</td>";
      }).join("") + (extra ? "<td>" + esc(extra(r)) + "</td>" : "") + "</tr>";
    });
    return html + "</tbody></table>";
  };

  // Event timeline: one lane per kind, bars from start to end (a tick when instantaneous).
  App.prototype.timelineSvg = function (events) {
    if (!events.length) return '<div class="dc-note">No events for this vessel.</div>';
    var kinds = [];
    events.forEach(function (e) { if (kinds.indexOf(e.kind) < 0) kinds.push(e.kind); });
    var t0 = Infinity, t1 = -Infinity;
    events.forEach(function (e) { t0 = Math.min(t0, toSec(e.start_ts)); t1 = Math.max(t1, toSec(e.end_ts || e.start_ts)); });
    if (t1 <= t0) t1 = t0 + 3600;
    var W = 680, left = 110, right = 10, lane = 22, top = 8, H = top + kinds.length * lane + 26;
    var x = function (t) { return left + (t - t0) / (t1 - t0) * (W - left - right); };
    var s = '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="event timeline">';
    kinds.forEach(function (k, i) {
      var y = top + i * lane;
      s += '<text x="4" y="' + (y + 14) + '">' + esc(k.replace(/_/g, " ")) + "</text>";
      s += '<line x1="' + left + '" x2="' + (W - right) + '" y1="' + (y + 10) + '" y2="' + (y + 10) + '" stroke="#edf1f5"/>';
    });
    events.forEach(function (e) {
      var i = kinds.indexOf(e.kind), y = top + i * lane;
      var a = x(toSec(e.start_ts)), b = x(toSec(e.end_ts || e.start_ts));
      s += '<rect class="dc-tl-event" x="' + a.toFixed(1) + '" y="' + (y + 3) + '" width="' + Math.max(3, b - a).toFixed(1) +
        '" height="14" rx="2" fill="' + Ly.kindColor(e.kind) + '"' + (e.kind === "gap" ? ' fill-opacity="0.35" stroke="#111" stroke-dasharray="3 2"' : "") +
        "><title>" + esc(e.kind + " " + fmtTime(e.start_ts) + " → " + fmtTime(e.end_ts)) + "</title></rect>";
    });
    var yAxis = top + kinds.length * lane + 4;
    [t0, (t0 + t1) / 2, t1].forEach(function (t, i) {
      var anchor = i === 0 ? "start" : i === 2 ? "end" : "middle";
      s += '<text x="' + x(t).toFixed(1) + '" y="' + (yAxis + 14) + '" text-anchor="' + anchor + '">' + esc(secToLabel(t).slice(0, 16)) + "</text>";
    });
    return s + "</svg>";
  };

  App.prototype.renderVesselMap = function (v, track) {
    var box = document.getElementById("dc-vessel-map");
    if (!box) return;
    if (this.vmap) { this.vmap.remove(); this.vmap = null; }
    var map = L.map(box, { attributionControl: false, zoomSnap: 0.5 });
    this.vmap = map;
    var self = this;
    this.source.land().then(function (land) {
      if (land && self.vmap === map) {
        map.createPane("land");
        map.getPane("land").style.zIndex = 250;
        L.geoJSON(land, { pane: "land", interactive: false, style: { color: "#b9b09a", weight: 0.8, fillColor: "#e9e4d8", fillOpacity: 1 } }).addTo(map);
      }
    });
    var group = L.featureGroup().addTo(map);
    var color = "hsl(" + hue(v.mmsis[0]) + ",70%,38%)";
    (track.runs || []).forEach(function (pts) {
      L.polyline(pts.map(function (p) { return [p[0], p[1]]; }), { color: color, weight: 2.5, className: "dc-vessel-track" }).addTo(group);
    });
    v.events.forEach(function (e) {
      if (e.lat === null || e.lat === undefined) return;
      var hasEnd = e.end_lat !== null && e.end_lat !== undefined;
      if (e.kind === "gap" && hasEnd) {
        L.polyline([[e.lat, e.lon], [e.end_lat, e.end_lon]], { color: "#111", dashArray: "6 6", weight: 2.5 }).addTo(group);
      } else {
        L.circleMarker([e.lat, e.lon], { radius: 6, color: "#fff", weight: 1, fillColor: Ly.kindColor(e.kind), fillOpacity: 0.9 })
          .bindTooltip(e.kind + " " + fmtTime(e.start_ts)).addTo(group);
      }
    });
    var b = group.getBounds();
    if (b.isValid()) map.fitBounds(b.pad(0.2)); else map.setView([42.5, 131], 6);
  };

  // ---- estimates against claims ----------------------------------------------------------------
  App.prototype.renderEstimates = function () {
    var self = this;
    Promise.all([this.source.estimates(), this.source.claims()]).then(function (r) {
      self.drawEstimateChart(r[0], r[1]);
      if (CFG.mode !== "report") self.drawEstimateTables(r[0], r[1]);
    });
  };

  // ---- estimates: which rows to plot, and how they read ---------------------------------
  function periodOf(e) {
    var req = e.period_requested || "*..*";
    var a = (e.period_start || "").slice(0, 10), b = (e.period_end || "").slice(0, 10);
    if (req === "*..*") return { whole: true, label: "whole record" + (a || b ? " (" + a + " → " + b + ")" : ""), short: "whole record", key: "" };
    var parts = req.split("..");
    if (parts[0] === "*" || !parts[0]) return { whole: false, label: "up to " + parts[1], short: "up to " + parts[1], key: parts[1] };
    if (parts[1] === "*" || !parts[1]) return { whole: false, label: "from " + parts[0], short: "from " + parts[0], key: parts[0] };
    return { whole: false, label: parts[0] + " → " + parts[1], short: parts[0] + " → " + parts[1], key: parts[1] };
  }

  // Unverified parameters behind an estimate: its list, plus inputs its sensitivity analysis
  // flags unverified that the list does not already name (report/html.py unverified_of).
  function unverifiedOf(e) {
    var found = Array.isArray(e.unverified) ? e.unverified.map(String) : [];
    if (Array.isArray(e.sensitivity)) {
      e.sensitivity.forEach(function (x) {
        if (!x || !x.unverified) return;
        var label = String(x.label || x.param);
        if (!found.some(function (u) { return u.toLowerCase().indexOf(label.toLowerCase()) >= 0; })) found.push(label);
      });
    }
    return found;
  }

  function unvBadge(e) {
    var u = unverifiedOf(e);
    return u.length ? ' <span class="dc-badge dc-unverified" title="' + esc(u.join("; ")) + '">' + u.length + " unverified</span>" : "";
  }

  function human(q) { return String(q || "").replace(/_/g, " "); }

  // The date a claim speaks of: its own date, else its document's publication date.
  function claimRef(c) { return String(c.claim_date || c.doc_published || "").slice(0, 10); }

  // Of a claim's gradings, the one per method whose estimate best matches the claim's own
  // period: the estimate cut at the claim's date (else the latest cut before it, else the
  // whole record). The other gradings stay in the tables.
  function ownGradings(c, byId) {
    var ref = claimRef(c), best = {};
    (c.gradings || []).forEach(function (g) {
      var e = g.estimate_id ? byId[g.estimate_id] : null;
      if (!e) return;
      var p = periodOf(e), score;
      if (p.whole) score = 1;
      else if (ref && p.key === ref) score = 3;
      else if (ref && p.key < ref) score = 2 + p.key.localeCompare(ref) * 1e-3;
      else score = 0;
      var k = e.quantity + "|" + e.method, cur = best[k];
      if (!cur || score > cur.score || (score === cur.score && p.key > periodOf(cur.est).key)) best[k] = { score: score, est: e, grade: g };
    });
    return Object.keys(best).map(function (k) { return best[k]; });
  }

  // Groups of chart rows, one group per quantity: each method's whole-record estimate, then the
  // estimate each claim is compared with at its own date, with the claim on it; claims with no
  // comparable estimate on a row of their own. Ratios (per container) are plotted only when a
  // claim was graded against them: the table lists every estimate.
  function chartGroups(estimates, claims) {
    var byId = {}, groups = {}, order = [];
    estimates.forEach(function (e) { byId[e.estimate_id] = e; });
    function group(q) {
      if (!groups[q]) { groups[q] = { quantity: q, rows: [], rowById: {}, loose: [] }; order.push(q); }
      return groups[q];
    }
    function estRow(g, e) {
      if (!g.rowById[e.estimate_id]) {
        var r = { est: e, claims: [] };
        g.rowById[e.estimate_id] = r;
        g.rows.push(r);
      }
      return g.rowById[e.estimate_id];
    }
    var own = claims.map(function (c) { return ownGradings(c, byId); });
    var graded = {};
    own.forEach(function (list) { list.forEach(function (x) { graded[x.est.quantity] = true; }); });
    estimates.forEach(function (e) {
      if (!periodOf(e).whole) return;
      if (/_per_container$/.test(e.quantity) && !graded[e.quantity]) return;
      estRow(group(e.quantity), e);
    });
    claims.forEach(function (c, i) {
      own[i].forEach(function (x) { estRow(group(x.est.quantity), x.est).claims.push({ claim: c, grade: x.grade }); });
      if (!own[i].length) {
        group(c.quantity || c.item || c.unit || "other").loose.push({ claim: c, grade: (c.gradings || [])[0] || null });
      }
    });
    order.forEach(function (q) {
      groups[q].rows.sort(function (a, b) {
        var pa = periodOf(a.est), pb = periodOf(b.est);
        return (a.est.method < b.est.method ? -1 : a.est.method > b.est.method ? 1 : 0) ||
          ((pa.whole ? 0 : 1) - (pb.whole ? 0 : 1)) || (pa.key < pb.key ? -1 : pa.key > pb.key ? 1 : 0);
      });
    });
    order.sort(function (a, b) { return (groups[b].rows.length ? 1 : 0) - (groups[a].rows.length ? 1 : 0); });
    return order.map(function (q) { return groups[q]; });
  }

  // Round tick values for a linear axis over [d0, d1].
  function niceTicks(d0, d1, n) {
    var span = d1 - d0, raw = span / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).filter(function (st) { return st >= raw; })[0] || 10 * mag;
    var out = [];
    for (var v = Math.ceil(d0 / step) * step; v <= d1 + 1e-9; v += step) out.push(v);
    return out;
  }

  function claimValue(c) {
    if (c.value !== null && c.value !== undefined) return c.value;
    if (c.low !== null && c.low !== undefined) return c.low;
    return c.high;
  }

  App.prototype.drawEstimateChart = function (estimates, claims) {
    var box = document.getElementById("dc-chart");
    var legend = document.getElementById("dc-legend");
    legend.innerHTML = '<span><svg width="40" height="10"><rect x="0" y="2" width="40" height="6" fill="#9ec5e8"/><line x1="20" x2="20" y1="0" y2="10" stroke="#0b5cad" stroke-width="2"/></svg> estimate: 5–95% interval and median</span>' +
      Object.keys(GRADE_COLORS).map(function (g) {
        return '<span><svg width="12" height="12"><path d="M6 0 L12 6 L6 12 L0 6 Z" fill="' + GRADE_COLORS[g] + '"/></svg> claim graded ' + g.replace("_", " ") + "</span>";
      }).join("") + '<span><svg width="12" height="12"><path d="M6 1 L11 6 L6 11 L1 6 Z" fill="#fff" stroke="#333"/></svg> not graded</span>' +
      '<span class="dc-badge dc-unverified">N unverified</span> parameters behind the figure';
    if (!estimates.length && !claims.length) {
      box.innerHTML = '<div class="dc-note">No estimates or claims in this workspace yet.</div>';
      return;
    }
    var W = 1000, left = 240, right = 280, rowH = 26, html = "";
    chartGroups(estimates, claims).forEach(function (g) {
      var vals = [];
      g.rows.forEach(function (r) {
        [r.est.p05, r.est.p50, r.est.p95].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); });
        r.claims.forEach(function (x) { [x.claim.value, x.claim.low, x.claim.high].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); }); });
      });
      g.loose.forEach(function (x) { [x.claim.value, x.claim.low, x.claim.high].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); }); });
      vals = vals.filter(function (v) { return isFinite(v); });
      if (!vals.length) return;
      var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
      var log = lo > 0, d0, d1, x;
      if (log) {
        d0 = Math.log10(lo) - 0.15; d1 = Math.log10(hi) + 0.15;
        if (d1 - d0 < 0.5) { d0 -= 0.25; d1 += 0.25; }
        x = function (v) { return left + (Math.log10(v) - d0) / (d1 - d0) * (W - left - right); };
      } else {
        var pad = (hi - lo || 1) * 0.08; d0 = lo >= 0 ? Math.max(0, lo - pad) : lo - pad; d1 = hi + pad;
        x = function (v) { return left + (v - d0) / (d1 - d0) * (W - left - right); };
      }
      // claim labels: right of the diamond (left of it near the figures column), stacked on
      // extra lines when they would overlap
      function labelText(c) {
        var who = String(c.speaker || "");
        if (who.length > 22) who = who.split(/\s+/).slice(-1)[0];
        var v = claimValue(c);
        return (c.hedge ? c.hedge + " " : "") + fmtNum(v) + (who || claimRef(c) ? " · " + [who, claimRef(c)].filter(Boolean).join(", ") : "");
      }
      function layout(list) {
        var ends = [], placed = [];
        list.map(function (c) { return c; }).sort(function (a, b) { return (claimValue(a.claim) || 0) - (claimValue(b.claim) || 0); }).forEach(function (c) {
          var v = claimValue(c.claim);
          if (v === null || v === undefined || (log && v <= 0)) return;
          var text = labelText(c.claim), w = 6.1 * text.length, cx = x(v);
          var x0 = cx + 9, anchor = "start";
          if (x0 + w > W - right - 4) { x0 = cx - 9 - w; anchor = "end"; }
          var lvl = 0;
          while (ends[lvl] !== undefined && x0 < ends[lvl] + 6) lvl++;
          ends[lvl] = x0 + w;
          placed.push({ c: c, text: text, lvl: lvl, anchor: anchor });
        });
        var levels = placed.reduce(function (m, p) { return Math.max(m, p.lvl); }, 0);
        return { placed: placed, extra: levels * 13 };
      }
      var layouts = g.rows.map(function (r) { return layout(r.claims); });
      var looseLayout = g.loose.length ? layout(g.loose) : null;
      var H = 26 + 30 + layouts.reduce(function (h, l) { return h + rowH + l.extra; }, 0) + (looseLayout ? rowH + looseLayout.extra : 0);
      var unit = g.rows.length ? (g.rows[0].est.unit || "") : "";
      var s = '<svg class="dc-est-group" data-quantity="' + esc(g.quantity) + '" viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="estimates and claims for ' + esc(human(g.quantity)) + '">';
      s += '<text x="4" y="15" font-weight="600">' + esc(human(g.quantity)) + (unit ? ' <tspan class="dc-muted">(' + esc(unit) + ")</tspan>" : "") +
        (g.rows.length ? "" : ' <tspan class="dc-muted">— no estimate of this quantity</tspan>') + "</text>";
      var y = 24;
      function diamond(c, grade, yy, label, extra) {
        var v = claimValue(c);
        if (v === null || v === undefined || (log && v <= 0)) return "";
        var col = grade && grade.grade ? (GRADE_COLORS[grade.grade] || "#757575") : "#fff";
        var out = "";
        if (c.low !== null && c.high !== null && c.low !== undefined && c.high !== undefined && c.low !== c.high && (!log || c.low > 0)) {
          out += '<line x1="' + x(c.low).toFixed(1) + '" x2="' + x(c.high).toFixed(1) + '" y1="' + (yy + 12) + '" y2="' + (yy + 12) + '" stroke="' + (grade ? col : "#333") + '" stroke-width="2"/>';
        }
        var cx = x(v), cy = yy + 12;
        var tip = "“" + (c.quote || "").replace(/\s+/g, " ") + "” — " + (c.speaker || "?") + ", " + (c.claim_date || "undated") +
          (grade && grade.grade ? "; graded " + grade.grade.replace("_", " ") + (grade.reason ? " (" + grade.reason + ")" : "") : "; not graded") + (extra || "");
        out += '<path class="dc-claim" d="M' + cx.toFixed(1) + " " + (cy - 7) + " L" + (cx + 7).toFixed(1) + " " + cy + " L" + cx.toFixed(1) + " " + (cy + 7) +
          " L" + (cx - 7).toFixed(1) + " " + cy + ' Z" fill="' + col + '" stroke="#333" stroke-width="1" fill-opacity="0.9"><title>' + esc(tip) + "</title></path>";
        if (label) {
          var lx = label.anchor === "end" ? cx - 9 : cx + 9;
          var ly = label.lvl === 0 ? cy - 3 : cy + 4 + 13 * label.lvl;
          out += '<text class="dc-claim-label" text-anchor="' + label.anchor + '" x="' + lx.toFixed(1) + '" y="' + ly + '">' + esc(label.text) + "</text>";
        }
        return out;
      }
      g.rows.forEach(function (r, ri) {
        var e = r.est, p = periodOf(e), unv = unverifiedOf(e);
        s += '<text x="4" y="' + (y + 16) + '">' + esc(human(e.method)) + ' <tspan class="dc-muted">· ' + esc(p.short) + "</tspan></text>";
        if (e.p05 !== null && e.p95 !== null && (!log || e.p05 > 0)) {
          s += '<rect class="dc-est" x="' + x(e.p05).toFixed(1) + '" y="' + (y + 7) + '" width="' + Math.max(2, x(e.p95) - x(e.p05)).toFixed(1) +
            '" height="10" fill="' + (p.whole ? "#9ec5e8" : "#c9def0") + '"><title>' + esc(human(e.quantity) + " by " + human(e.method) + ", " + p.label + ": " + fmtNum(e.p05) + " – " + fmtNum(e.p95) + " (median " + fmtNum(e.p50) + ")" + (unv.length ? "; unverified: " + unv.join("; ") : "")) + "</title></rect>";
        }
        if (e.p50 !== null && (!log || e.p50 > 0)) {
          s += '<line x1="' + x(e.p50).toFixed(1) + '" x2="' + x(e.p50).toFixed(1) + '" y1="' + (y + 4) + '" y2="' + (y + 20) + '" stroke="#0b5cad" stroke-width="2"/>';
        }
        // the figures, with their unverified count right beside them
        var fx = W - right + 8;
        s += '<text class="dc-est-figure" x="' + fx + '" y="' + (y + 16) + '">' + esc(fmtNum(e.p50)) + ' <tspan class="dc-muted">(' + esc(fmtNum(e.p05) + "–" + fmtNum(e.p95)) + ")</tspan>" +
          (unv.length ? ' <tspan class="dc-unv-label">⚑ ' + unv.length + " unverified<title>" + esc(unv.join("; ")) + "</title></tspan>" : "") + "</text>";
        layouts[ri].placed.forEach(function (pl) { s += diamond(pl.c.claim, pl.c.grade, y, pl); });
        y += rowH + layouts[ri].extra;
      });
      if (looseLayout) {
        s += '<text x="4" y="' + (y + 16) + '">' + (g.rows.length ? "claims not comparable" : "claims") + " (" + g.loose.length + ")</text>";
        looseLayout.placed.forEach(function (pl) { s += diamond(pl.c.claim, pl.c.grade, y, pl); });
        y += rowH + looseLayout.extra;
      }
      s += '<g class="dc-axis"><line x1="' + left + '" x2="' + (W - right) + '" y1="' + (y + 4) + '" y2="' + (y + 4) + '"/>';
      var ticks = [];
      if (log) {
        var mults = d1 - d0 < 1.2 ? [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9] : d1 - d0 < 3 ? [1, 2, 5] : [1];
        for (var pw = Math.floor(d0); pw <= Math.ceil(d1); pw++) {
          mults.forEach(function (m) { var v = m * Math.pow(10, pw); var lv = Math.log10(v); if (lv >= d0 && lv <= d1) ticks.push(v); });
        }
      } else {
        ticks = niceTicks(d0, d1, 5);
      }
      var lastX = -Infinity;
      ticks = ticks.filter(function (v) { var px = x(v); if (px - lastX < 48) return false; lastX = px; return true; });
      ticks.forEach(function (v) {
        s += '<line x1="' + x(v).toFixed(1) + '" x2="' + x(v).toFixed(1) + '" y1="' + (y + 4) + '" y2="' + (y + 8) + '"/>' +
          '<text x="' + x(v).toFixed(1) + '" y="' + (y + 20) + '" text-anchor="middle">' + esc(fmtNum(v)) + "</text>";
      });
      s += "</g></svg>";
      html += s;
    });
    box.innerHTML = html + '<div class="dc-note">Each quantity on its own axis (logarithmic when all values are positive). “Whole record” rows span every trip; “up to” rows are the estimate cut at the date a claim refers to, with that claim plotted on it. Figures at the right: median (5–95%); ⚑ counts unverified parameters (hover for the list). Ratios per container appear here only when a claim was graded against them; the estimates table lists every row.</div>';
  };

  App.prototype.drawEstimateTables = function (estimates, claims) {
    var box = document.getElementById("dc-est-tables");
    var html = "";
    var byId = {};
    estimates.forEach(function (e) { byId[e.estimate_id] = e; });
    if (estimates.length) {
      var sorted = estimates.slice().sort(function (a, b) {
        var pa = periodOf(a), pb = periodOf(b);
        return (a.quantity < b.quantity ? -1 : a.quantity > b.quantity ? 1 : 0) || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0) ||
          ((pa.whole ? 0 : 1) - (pb.whole ? 0 : 1)) || (pa.key < pb.key ? -1 : pa.key > pb.key ? 1 : 0);
      });
      html += '<h3>Estimates (' + estimates.length + ')</h3><div class="dc-scroll"><table class="dc-table" id="dc-estimates-table"><thead><tr><th>quantity</th><th>method</th><th>period</th><th class="num">5–95% (median)</th><th>unit</th><th>drives the spread</th><th>assumptions</th><th>params</th></tr></thead><tbody>';
      sorted.forEach(function (e) {
        var sens = Array.isArray(e.sensitivity) ? e.sensitivity.slice(0, 3).map(function (x) {
          return esc(x.label || x.param) + (x.range ? " (" + esc(x.range) + ")" : "") + (x.unverified ? ' <span class="dc-badge dc-unverified">unverified</span>' : "");
        }).join("; ") : "";
        var bind = e.binding && typeof e.binding === "object" ? Object.keys(e.binding).filter(function (k) { return e.binding[k] > 0; })
          .sort(function (a, b) { return e.binding[b] - e.binding[a]; })
          .map(function (k) { return k.replace(/_/g, " ") + " " + Math.round(e.binding[k] * 100) + "%"; }) : [];
        if (bind.length) sens += (sens ? "<br>" : "") + '<span class="dc-note">limited by ' + esc(bind.join(", ")) + "</span>";
        var assum = Array.isArray(e.assumptions) ? e.assumptions : [];
        html += "<tr><td>" + esc(human(e.quantity)) + "</td><td>" + esc(human(e.method)) + "</td><td>" + esc(periodOf(e).label) + '</td><td class="num">' +
          fmtNum(e.p05) + " – " + fmtNum(e.p95) + " (" + fmtNum(e.p50) + ")" + unvBadge(e) + "</td><td>" + esc(e.unit) + "</td><td>" + sens + "</td><td>" +
          (assum.length ? "<details><summary>" + assum.length + "</summary>" + esc(assum.join("; ")) + "</details>" : "") +
          "</td><td><code>" + esc(String(e.params_hash || "").slice(0, 12)) + "</code></td></tr>";
      });
      html += "</tbody></table></div>";
    }
    if (claims.length) {
      html += '<h3>Claims (' + claims.length + ')</h3><div class="dc-scroll"><table class="dc-table" id="dc-claims-table"><thead><tr><th>date</th><th>speaker</th><th>quote</th><th class="num">value</th><th>as written</th><th>basis</th><th>quantity</th><th>grades</th></tr></thead><tbody>';
      claims.forEach(function (c) {
        var grades = (c.gradings || []).map(function (g) {
          var e = g.estimate_id ? byId[g.estimate_id] : null;
          return '<span class="dc-kind" style="background:' + (GRADE_COLORS[g.grade] || "#757575") + '">' + esc(String(g.grade).replace("_", " ")) + "</span> " +
            (e ? "vs " + esc(human(e.method)) + ", " + esc(periodOf(e).short) + ": " + fmtNum(e.p05) + "–" + fmtNum(e.p95) + unvBadge(e) : esc(g.reason || ""));
        }).join("<br>");
        html += "<tr><td>" + esc(c.claim_date) + "</td><td>" + esc(c.speaker) + (c.speaker_title ? '<br><span class="dc-note">' + esc(c.speaker_title) + "</span>" : "") +
          "</td><td>" + esc(c.quote) + '</td><td class="num">' + fmtNum(c.value) + "</td><td>" + esc(c.hedge) + (c.bound ? ' <span class="dc-note">(' + esc(c.bound) + ")</span>" : "") +
          (c.negated ? " <b>negated</b>" : "") + "</td><td>" + esc(c.basis) + "</td><td>" + esc(human(c.quantity || c.unit)) + (c.caliber ? " (" + esc(c.caliber) + ")" : "") +
          "</td><td>" + (grades || "not graded") + "</td></tr>";
      });
      html += "</tbody></table></div>";
    }
    box.innerHTML = html;
  };

  function boot() {
    var root = document.getElementById("dc-app");
    if (!root || !window.L) return;
    var app = new App(root);
    window.darkcargoApp = app;
    app.start().catch(function (err) { if (window.console) console.warn("darkcargo:", err.message || err); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
