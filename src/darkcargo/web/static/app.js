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
    function allEvents() {
      var out = [];
      function page(offset) {
        return get("/events", { limit: 10000, offset: offset }).then(function (r) {
          out = out.concat(r.items);
          if (out.length < r.total && r.items.length) return page(offset + r.items.length);
          return out;
        });
      }
      return page(0);
    }
    return {
      live: true,
      summary: function () { return get("/summary"); },
      vessels: function () { return get("/vessels"); },
      ports: function () { return get("/ports"); },
      estimates: function () { return get("/estimates"); },
      claims: function () { return get("/claims"); },
      land: function () { return get("/land"); },
      events: allEvents,
      tracks: function (view) { return get("/tracks", { zoom: view.zoom, bbox: view.bbox }); },
      vessel: function (id) { return get("/vessels/" + encodeURIComponent(id)); },
      vesselTrack: function (mmsi) { return get("/tracks/" + encodeURIComponent(mmsi), { zoom: 10 }); },
      layer: function (name) { return get("/layers/" + name, { limit: 10000 }).then(function (r) { return r.items; }); }
    };
  }

  function embeddedSource(D) {
    function ok(v) { return Promise.resolve(v); }
    return {
      live: false,
      summary: function () { return ok(D.summary); },
      vessels: function () { return ok(D.vessels || []); },
      ports: function () { return ok(D.ports || []); },
      estimates: function () { return ok(D.estimates || []); },
      claims: function () { return ok(D.claims || []); },
      land: function () { return ok(D.land); },
      events: function () { return ok(D.events || []); },
      tracks: function () { return ok(D.tracks || { tracks: [] }); },
      vessel: function (id) {
        var v = (D.vessel_details || {})[String(id)];
        return v ? ok(v) : Promise.reject(new Error("no vessel " + id + " in this report"));
      },
      vesselTrack: function (mmsi) {
        var t = ((D.tracks || {}).tracks || []).filter(function (x) { return x.mmsi === Number(mmsi); })[0];
        return ok(t || { mmsi: mmsi, runs: [] });
      },
      layer: function (name) { return ok((D.layers || {})[name] || []); }
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
      self.events = r[2];
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
      '<div class="dc-scroll"><table class="dc-table"><thead><tr><th>start</th><th>end</th><th>kind</th><th>vessel</th><th>port</th><th>hours</th><th>confidence</th></tr></thead><tbody></tbody></table></div></section>' +
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

  App.prototype.ctx = function () {
    var self = this;
    return {
      map: this.map,
      source: this.source,
      portsById: this.portsById,
      allEvents: function () { return Promise.resolve(self.events); },
      vesselLabel: function (m) { return self.vesselLabel(m); },
      vesselColor: function (m) { return "hsl(" + hue(m) + ",70%,38%)"; },
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
        row.appendChild(el("span", {}, esc(st.def.title) + (st.empty ? " (no rows yet)" : "")));
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
    list.sort(function (a, b) { return (b.n_events - a.n_events) || (a.mmsi - b.mmsi); });
    if (!list.length) { box.innerHTML = '<div class="dc-note">No vessels in this workspace yet.</div>'; return; }
    var html = '<table class="dc-table"><tbody>';
    list.slice(0, 200).forEach(function (v) {
      html += '<tr data-vessel="' + esc(v.mmsi) + '"><td><span class="dc-swatch" style="background:hsl(' + hue(v.mmsi) + ',70%,38%)"></span> ' +
        esc(v.name || v.mmsi) + (v.watched ? '<span class="dc-badge dc-watched">watched</span>' : "") +
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
      var inside = e.lat !== null && bounds.contains([e.lat, e.lon]);
      if (!inside && e.end_lat !== null && e.end_lat !== undefined) inside = bounds.contains([e.end_lat, e.end_lon]);
      return inside;
    });
    var count = document.getElementById("dc-events-count");
    count.textContent = rows.length + " in view" + (rows.length > MAX_TABLE_ROWS ? " (first " + MAX_TABLE_ROWS + " shown)" : "");
    count.setAttribute("data-count", String(rows.length));
    var tbody = document.querySelector("#dc-events tbody");
    var html = "";
    rows.slice(0, MAX_TABLE_ROWS).forEach(function (e, i) {
      var hours = e.end_ts ? ((toSec(e.end_ts) - toSec(e.start_ts)) / 3600).toFixed(1) : "";
      html += '<tr data-event="' + i + '"><td>' + esc(fmtTime(e.start_ts)) + "</td><td>" + esc(fmtTime(e.end_ts)) +
        '</td><td><span class="dc-kind" style="background:' + Ly.kindColor(e.kind) + '">' + esc(e.kind) + "</span></td><td>" +
        '<span class="dc-link" data-vessel="' + esc(e.mmsi) + '">' + esc(self.vesselLabel(e.mmsi)) + "</span>" +
        (e.other_mmsi ? ' &harr; <span class="dc-link" data-vessel="' + esc(e.other_mmsi) + '">' + esc(self.vesselLabel(e.other_mmsi)) + "</span>" : "") +
        "</td><td>" + esc(e.port_id) + '</td><td class="num">' + hours + '</td><td class="num">' +
        (e.confidence === null || e.confidence === undefined ? "" : Number(e.confidence).toFixed(2)) + "</td></tr>";
    });
    tbody.innerHTML = html || '<tr><td colspan="7" class="dc-note">No events in this time window and map view.</td></tr>';
    this._tableRows = rows;
    var trs = tbody.querySelectorAll("tr[data-event]");
    Array.prototype.forEach.call(trs, function (tr) {
      tr.addEventListener("click", function (ev) {
        if (ev.target.closest("[data-vessel]")) return;
        var e = self._tableRows[Number(tr.getAttribute("data-event"))];
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

  App.prototype.renderVessel = function (v) {
    var idn = v.identity || {};
    var body = document.getElementById("dc-vessel-body");
    var badges = (idn.watched ? '<span class="dc-badge dc-watched">watched: ' + esc(idn.watched) + "</span>" : "") +
      (idn.sanctioned || (v.matches && v.matches.length) ? '<span class="dc-badge dc-sanctioned">sanctions match</span>' : "");
    var html = '<h2 id="dc-vessel-title">' + esc(idn.name || "unnamed") + " " + badges + "</h2>" +
      '<dl class="dc-kv"><dt>MMSI</dt><dd>' + esc(v.mmsis.join(", ")) + "</dd><dt>IMO</dt><dd>" + esc(idn.imo) +
      "</dd><dt>call sign</dt><dd>" + esc(idn.callsign) + "</dd><dt>ship type</dt><dd>" + esc(idn.ship_type) +
      "</dd><dt>length</dt><dd>" + esc(idn.length_m) + " m</dd><dt>last destination</dt><dd>" + esc(idn.destination) +
      "</dd><dt>positions</dt><dd>" + esc(idn.n_positions) + " (" + esc(fmtTime(idn.first_ts)) + " → " + esc(fmtTime(idn.last_ts)) + ")</dd></dl>";
    html += '<h3>Track</h3><div id="dc-vessel-map"></div>';
    html += '<h3>Event timeline</h3><div class="dc-timeline" id="dc-vessel-timeline">' + this.timelineSvg(v.events) + "</div>";
    html += "<h3>Identity history</h3>";
    if (v.identity_history.length) {
      html += '<table class="dc-table"><thead><tr><th>from</th><th>to</th><th>MMSI</th><th>name</th><th>IMO</th><th>call sign</th><th>type</th><th>msgs</th><th>destinations</th></tr></thead><tbody>';
      v.identity_history.forEach(function (h) {
        html += "<tr><td>" + esc(fmtTime(h.first_seen)) + "</td><td>" + esc(fmtTime(h.last_seen)) + "</td><td>" + esc(h.mmsi) +
          "</td><td>" + esc(h.name) + "</td><td>" + esc(h.imo) + "</td><td>" + esc(h.callsign) + "</td><td>" + esc(h.ship_type) +
          '</td><td class="num">' + esc(h.n_messages) + "</td><td>" + esc((h.destinations || []).join(", ")) + "</td></tr>";
      });
      html += "</tbody></table>";
    } else {
      html += '<div class="dc-note">No static (identity) messages for this vessel.</div>';
    }
    html += "<h3>Events (" + v.events.length + ")</h3>";
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

  function claimQuantity(c, estimates) {
    var byId = {};
    estimates.forEach(function (e) { byId[e.estimate_id] = e; });
    for (var i = 0; i < (c.gradings || []).length; i++) {
      var e = byId[c.gradings[i].estimate_id];
      if (e) return e.quantity;
    }
    for (var j = 0; j < estimates.length; j++) {
      var f = estimates[j];
      if (f.item && f.item === c.item && (f.caliber || null) === (c.caliber || null)) return f.quantity;
    }
    return null;
  }

  App.prototype.drawEstimateChart = function (estimates, claims) {
    var box = document.getElementById("dc-chart");
    var legend = document.getElementById("dc-legend");
    legend.innerHTML = '<span><svg width="40" height="10"><rect x="0" y="2" width="40" height="6" fill="#9ec5e8"/><line x1="20" x2="20" y1="0" y2="10" stroke="#0b5cad" stroke-width="2"/></svg> estimate: 5–95% interval, median</span>' +
      Object.keys(GRADE_COLORS).map(function (g) {
        return '<span><svg width="12" height="12"><path d="M6 0 L12 6 L6 12 L0 6 Z" fill="' + GRADE_COLORS[g] + '"/></svg> claim graded ' + g.replace("_", " ") + "</span>";
      }).join("") + '<span><svg width="12" height="12"><path d="M6 1 L11 6 L6 11 L1 6 Z" fill="#fff" stroke="#333"/></svg> not graded</span>';
    if (!estimates.length && !claims.length) {
      box.innerHTML = '<div class="dc-note">No estimates or claims in this workspace yet.</div>';
      return;
    }
    var groups = {}, order = [];
    function group(q) { if (!groups[q]) { groups[q] = { est: [], claims: [] }; order.push(q); } return groups[q]; }
    estimates.forEach(function (e) { group(e.quantity).est.push(e); });
    claims.forEach(function (c) {
      var q = claimQuantity(c, estimates) || ("claims: " + (c.item || c.unit || "other"));
      group(q).claims.push(c);
    });
    var W = 900, left = 190, right = 20, rowH = 22, html = "";
    order.forEach(function (q) {
      var g = groups[q], vals = [];
      g.est.forEach(function (e) { [e.p05, e.p50, e.p95].forEach(function (v) { if (v !== null) vals.push(v); }); });
      g.claims.forEach(function (c) { [c.value, c.low, c.high].forEach(function (v) { if (v !== null && v !== undefined) vals.push(v); }); });
      vals = vals.filter(function (v) { return isFinite(v); });
      if (!vals.length) return;
      var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals);
      var log = lo > 0;
      var d0, d1, x;
      if (log) {
        d0 = Math.log10(lo) - 0.15; d1 = Math.log10(hi) + 0.15;
        if (d1 - d0 < 0.5) { d0 -= 0.25; d1 += 0.25; }
        x = function (v) { return left + (Math.log10(v) - d0) / (d1 - d0) * (W - left - right); };
      } else {
        var pad = (hi - lo || 1) * 0.1; d0 = lo - pad; d1 = hi + pad;
        x = function (v) { return left + (v - d0) / (d1 - d0) * (W - left - right); };
      }
      var rowsN = g.est.length + (g.claims.length ? 1 : 0);
      var H = 24 + rowsN * rowH + 28;
      var s = '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="estimates and claims for ' + esc(q) + '">';
      s += '<text x="4" y="14" font-weight="600">' + esc(q.replace(/_/g, " ")) + "</text>";
      var y = 24;
      g.est.forEach(function (e) {
        var unv = e.unverified && e.unverified.length;
        s += '<text x="4" y="' + (y + 14) + '">' + esc(e.method.replace(/_/g, " ")) + (unv ? " *" : "") + "</text>";
        if (e.p05 !== null && e.p95 !== null && (!log || e.p05 > 0)) {
          s += '<rect class="dc-est" x="' + x(e.p05).toFixed(1) + '" y="' + (y + 5) + '" width="' + Math.max(2, x(e.p95) - x(e.p05)).toFixed(1) +
            '" height="10" fill="#9ec5e8"><title>' + esc(e.quantity + " by " + e.method + ": " + fmtNum(e.p05) + " – " + fmtNum(e.p95) + " (median " + fmtNum(e.p50) + ")" + (unv ? "; unverified inputs: " + e.unverified.join(", ") : "")) + "</title></rect>";
        }
        if (e.p50 !== null && (!log || e.p50 > 0)) {
          s += '<line x1="' + x(e.p50).toFixed(1) + '" x2="' + x(e.p50).toFixed(1) + '" y1="' + (y + 2) + '" y2="' + (y + 18) + '" stroke="#0b5cad" stroke-width="2"/>';
        }
        y += rowH;
      });
      if (g.claims.length) {
        s += '<text x="4" y="' + (y + 14) + '">claims (' + g.claims.length + ")</text>";
        g.claims.forEach(function (c) {
          var grade = c.gradings && c.gradings.length ? c.gradings[c.gradings.length - 1] : null;
          var col = grade ? (GRADE_COLORS[grade.grade] || "#757575") : "#fff";
          var v = c.value !== null && c.value !== undefined ? c.value : (c.low !== null ? c.low : c.high);
          if (v === null || v === undefined || (log && v <= 0)) return;
          if (c.low !== null && c.high !== null && c.low !== undefined && c.high !== undefined && (!log || c.low > 0)) {
            s += '<line x1="' + x(c.low).toFixed(1) + '" x2="' + x(c.high).toFixed(1) + '" y1="' + (y + 10) + '" y2="' + (y + 10) + '" stroke="' + (grade ? col : "#333") + '" stroke-width="2"/>';
          }
          var cx = x(v), cy = y + 10;
          var tip = '"' + (c.quote || "") + '" — ' + (c.speaker || "?") + ", " + (c.claim_date || "") +
            (grade ? "; graded " + grade.grade + (grade.reason ? " (" + grade.reason + ")" : "") : "; not graded");
          s += '<path class="dc-claim" d="M' + cx.toFixed(1) + " " + (cy - 7) + " L" + (cx + 7).toFixed(1) + " " + cy + " L" + cx.toFixed(1) + " " + (cy + 7) +
            " L" + (cx - 7).toFixed(1) + " " + cy + ' Z" fill="' + col + '" stroke="#333" stroke-width="1" fill-opacity="0.9"><title>' + esc(tip) + "</title></path>";
        });
        y += rowH;
      }
      // axis
      s += '<g class="dc-axis"><line x1="' + left + '" x2="' + (W - right) + '" y1="' + (y + 4) + '" y2="' + (y + 4) + '"/>';
      var ticks = [];
      if (log) {
        var mults = d1 - d0 < 1.2 ? [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9] : d1 - d0 < 3 ? [1, 2, 5] : [1];
        for (var p = Math.floor(d0); p <= Math.ceil(d1); p++) {
          mults.forEach(function (m) { var v = m * Math.pow(10, p); var lv = Math.log10(v); if (lv >= d0 && lv <= d1) ticks.push(v); });
        }
      } else {
        for (var i = 0; i <= 5; i++) ticks.push(d0 + (d1 - d0) * i / 5);
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
    box.innerHTML = html + '<div class="dc-note">* uses unverified parameters (see the estimates table). Axes are logarithmic when all values are positive.</div>';
  };

  App.prototype.drawEstimateTables = function (estimates, claims) {
    var box = document.getElementById("dc-est-tables");
    var html = "";
    if (estimates.length) {
      html += '<h3>Estimates</h3><table class="dc-table"><thead><tr><th>quantity</th><th>method</th><th class="num">p05</th><th class="num">p50</th><th class="num">p95</th><th>assumptions</th><th>unverified</th><th>params</th></tr></thead><tbody>';
      estimates.forEach(function (e) {
        html += "<tr><td>" + esc(e.quantity) + "</td><td>" + esc(e.method) + '</td><td class="num">' + fmtNum(e.p05) + '</td><td class="num">' + fmtNum(e.p50) +
          '</td><td class="num">' + fmtNum(e.p95) + "</td><td>" + esc((e.assumptions || []).join("; ")) + "</td><td>" +
          (e.unverified || []).map(function (u) { return '<span class="dc-badge dc-unverified">' + esc(u) + "</span>"; }).join(" ") +
          "</td><td><code>" + esc(String(e.params_hash || "").slice(0, 12)) + "</code></td></tr>";
      });
      html += "</tbody></table>";
    }
    if (claims.length) {
      html += '<h3>Claims</h3><table class="dc-table"><thead><tr><th>date</th><th>speaker</th><th>quote</th><th class="num">value</th><th>grade</th><th>reason</th></tr></thead><tbody>';
      claims.forEach(function (c) {
        var g = c.gradings && c.gradings.length ? c.gradings[c.gradings.length - 1] : null;
        html += "<tr><td>" + esc(c.claim_date) + "</td><td>" + esc(c.speaker) + "</td><td>" + esc(c.quote) + '</td><td class="num">' + fmtNum(c.value) +
          "</td><td>" + (g ? '<span class="dc-kind" style="background:' + (GRADE_COLORS[g.grade] || "#757575") + '">' + esc(g.grade) + "</span>" : "not graded") +
          "</td><td>" + esc(g ? g.reason : "") + "</td></tr>";
      });
      html += "</tbody></table>";
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
