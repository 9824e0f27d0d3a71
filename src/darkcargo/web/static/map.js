/* The overview map: panes in reading order (land; other traffic; clusters and sampled events;
 * watched tracks; events that matter; ports; labels), the first view on the case's watched
 * ports, the layers from the registry, the layer list and the vessel list beside the map (by
 * risk when it was computed; the ranked list above it is risk.js).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h;
  var MOVE_DEBOUNCE_MS = 250;
  var MAX_LIST_VESSELS = 200;
  // z-index of each pane: Leaflet's own overlay pane (400) holds the other traffic.
  var PANES = [["land", 250], ["dc-events-low", 410], ["dc-clusters", 415], ["dc-tracks-top", 420],
    ["dc-events-top", 430], ["dc-ports-top", 440], ["dc-labels", 450]];

  DC.App.prototype.initMap = function (land) {
    var map = L.map("dc-map", { preferCanvas: false, worldCopyJump: false, attributionControl: true, zoomSnap: 0.5 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Land: Natural Earth");
    PANES.forEach(function (p) { map.createPane(p[0]); map.getPane(p[0]).style.zIndex = p[1]; });
    map.getPane("dc-labels").style.pointerEvents = "none";
    this.map = map;
    this.labels = new DC.Labels(map, "dc-labels");
    this.cluster = new DC.Cluster(map, "dc-clusters");
    this.addLegend(map);
    if (land) {
      L.geoJSON(land, { pane: "land", interactive: false, style: { color: "#b9b09a", weight: 0.8, fillColor: "#e9e4d8", fillOpacity: 1 } }).addTo(map);
    }
    // the legend sits bottom left: keep the case's places clear of it
    var legend = this.legendBox ? this.legendBox.offsetWidth : 0;
    map.fitBounds(this.caseBounds(), { paddingTopLeft: [legend + 20, 30], paddingBottomRight: [30, 30] });
    var self = this;
    var refresh = DC.debounce(function () { self.refreshLayers(); }, MOVE_DEBOUNCE_MS);
    map.on("zoomend", function () { self.scheduleApply(); });
    map.on("moveend", function () {
      if (self.onMapMoved) self.onMapMoved();
      if (self.source.live) refresh();
    });
  };

  // The case's first view: its watched ports and places (the data's box when it names none).
  DC.App.prototype.caseBounds = function () {
    var self = this, pts = [];
    Object.keys(this.portsById).forEach(function (id) { var p = self.portsById[id]; if (p.watched) pts.push([p.lat, p.lon]); });
    if (pts.length >= 2) return L.latLngBounds(pts).pad(0.08);
    var bb = this.summary.data_bbox || this.summary.bbox || [124, 33, 142, 46];
    return L.latLngBounds([[bb[1], bb[0]], [bb[3], bb[2]]]);
  };

  DC.App.prototype.ctx = function () {
    if (this._ctx) return this._ctx;
    var self = this;
    this._ctx = {
      app: this,
      map: this.map,
      labels: this.labels,
      source: this.source,
      portsById: this.portsById,
      allEvents: function () { return Promise.resolve(self.events); },
      // one fetch of every track per view, shared by the two track layers
      tracks: function () {
        var view = this.view(), key = view.zoom + "|" + view.bbox;
        if (!self._tracks || self._tracks.key !== key) self._tracks = { key: key, promise: self.source.tracks(view) };
        return self._tracks.promise;
      },
      isWatched: function (m) { return self.isWatched(m); },
      sampled: function (kind) { var k = self.kindCounts[kind]; return !!(k && k.shown < k.total); },
      openVessel: function (m) { self.openVessel(m); },
      view: function () {
        var b = self.map.getBounds().pad(0.25);
        var w = Math.max(-180, b.getWest()), e = Math.min(180, b.getEast());
        var s = Math.max(-90, b.getSouth()), n = Math.min(90, b.getNorth());
        return { zoom: Math.round(self.map.getZoom()), bbox: [w, s, e, n].map(function (x) { return x.toFixed(4); }).join(",") };
      },
      layerTouched: function () { self.scheduleApply(); self.renderLegend(); }
    };
    return this._ctx;
  };

  DC.App.prototype.buildLayers = function () {
    var self = this, ctx = this.ctx(), counts = {};
    (this.summary.layers || []).forEach(function (l) { counts[l.name] = l.count; });
    return Promise.all(DC.layers.all().map(function (def) {
      var st = { def: def, group: L.featureGroup(), items: [], enabled: def.defaultOn !== false, count: 0, visible: 0 };
      self.states.push(st);
      if (def.table && !counts[def.table]) { st.empty = true; st.enabled = false; return null; }
      return Promise.resolve(def.build(ctx, st)).then(function (items) {
        st.items = items || [];
        if (!def.filter) st.count = st.items.length;
        if (st.enabled) st.group.addTo(self.map);
      });
    }));
  };

  DC.App.prototype.refreshLayers = function () {
    var self = this, ctx = this.ctx();
    this.states.forEach(function (st) {
      if (st.def.refresh && !st.empty) st.def.refresh(st, ctx).then(function () { self.scheduleApply(); });
    });
  };

  // Show in every layer exactly what overlaps the window; far out, the events that matter
  // less are clustered; then the tables follow.
  DC.App.prototype.applyTime = function () {
    var a = this.time.a, b = this.time.b, ctx = this.ctx(), shownEvents = [];
    this.states.forEach(function (st) {
      if (st.def.filter) { st.def.filter(st, a, b, ctx); return; }
      var shown = 0;
      st.items.forEach(function (it) {
        it.on = (it.t1 === null || it.t1 >= a) && (it.t0 === null || it.t0 <= b);
        if (it.on) shown++;
        if (st.def.events && it.on && st.enabled) shownEvents.push(it);
      });
      st.visible = shown;
    });
    var hidden = this.cluster.update(shownEvents), drawn = {};
    shownEvents.forEach(function (it, i) { if (!hidden[i]) drawn[L.stamp(it.layer)] = true; });
    this.states.forEach(function (st) {
      if (st.def.filter) return;
      st.items.forEach(function (it) {
        var on = it.on && (!st.def.events || !!drawn[L.stamp(it.layer)]);
        var has = st.group.hasLayer(it.layer);
        if (on && !has) st.group.addLayer(it.layer);
        else if (!on && has) st.group.removeLayer(it.layer);
      });
    });
    this.root.setAttribute("data-clustered", String(this.cluster.clustered()));
    this.renderLayerList();
    if (this.onWindowChange) this.onWindowChange();
  };

  DC.App.prototype.renderLayerList = function () {
    var box = DC.byId("dc-layers"), self = this;
    if (!box) return;
    if (!this._layerRows) {
      this._layerRows = {};
      DC.clear(box);
      this.states.forEach(function (st) {
        var id = "dc-layer-" + st.def.id.replace(/[^a-z0-9_]/gi, "-");
        var cb = h("input", { type: "checkbox", id: id });
        cb.checked = st.enabled;
        cb.disabled = !!st.empty;
        cb.addEventListener("change", function () {
          st.enabled = cb.checked;
          if (st.enabled) st.group.addTo(self.map); else self.map.removeLayer(st.group);
          if (st.def.onToggle) st.def.onToggle(st, st.enabled, self.ctx());
          self.scheduleApply();
        });
        var color = typeof st.def.color === "function" ? st.def.color() : st.def.color;
        var sw = DC.swatch(color, st.def.dashed ? "dc-swatch-dashed" : "");
        var kind = st.def.id.indexOf("events:") === 0 ? self.kindCounts[st.def.id.slice(7)] : null;
        var note = kind && kind.shown < kind.total
          ? h("span", { "class": "dc-sample", title: "every event of this kind that matters to the case, then a sample spread over the period; the exports carry all" },
            "all that matter + sample; " + DC.fmtNum(kind.total) + " in all") : null;
        var count = h("span", { "class": "dc-count" });
        box.appendChild(h("label", { "class": "dc-layer" + (st.empty ? " dc-empty" : ""), "data-layer": st.def.id, "for": id },
          [cb, sw, h("span", null, [st.def.title + (st.empty ? " (no rows yet)" : ""), note]), count]));
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

  // Risk scores by MMSI (every MMSI of a vessel carries its vessel's score), from
  // /api/risk/scores or the report's embedded scores; null when risk was never computed.
  DC.App.prototype.useRiskScores = function (res) {
    var by = {};
    ((res && res.items) || []).forEach(function (it) {
      (it.mmsis || [it.mmsi]).forEach(function (m) { by[m] = it; });
    });
    this.riskByMmsi = res && res.items && res.items.length ? by : null;
    this.riskComputed = !!(res && res.total);  // vessel_risk has rows (maybe every score 0)
  };

  // The vessels beside the map: by risk score when risk was computed, then watched first (in
  // their map colour), then by events.
  DC.App.prototype.renderVesselList = function () {
    var box = DC.byId("dc-vessels"), self = this, risk = this.riskByMmsi;
    var score = function (v) { var r = risk && risk[v.mmsi]; return r ? r.score : 0; };
    var list = Object.keys(this.vessels).map(function (k) { return self.vessels[k]; });
    list.sort(function (a, b) {
      return (score(b) - score(a)) || ((b.watched ? 1 : 0) - (a.watched ? 1 : 0)) || (b.n_events - a.n_events) || (a.mmsi - b.mmsi);
    });
    if (!list.length) { DC.fill(box, h("div", { "class": "dc-note" }, "No vessels in this workspace yet.")); return; }
    var rows = list.slice(0, MAX_LIST_VESSELS).map(function (v) {
      var r = risk && risk[v.mmsi];
      return h("tr", { "data-vessel": v.mmsi }, [
        h("td", null, [DC.swatch(DC.colors.vessel(v.mmsi)), " ", v.name || String(v.mmsi),
          v.watched ? h("span", { "class": "dc-badge dc-watched" }, "watched" + (v.watched !== v.name ? ": " + v.watched : "")) : null,
          v.sanctioned ? h("span", { "class": "dc-badge dc-sanctioned" }, "sanctioned") : null]),
        risk ? h("td", { "class": "num dc-vessel-score", title: r ? "risk score, rank " + r.rank : "no risk score" }, r && r.score > 0 ? DC.fmtPoints(r.score) : "") : null,
        h("td", { "class": "num", title: "events" }, DC.fmtNum(v.n_events))
      ]);
    });
    var head = risk ? h("thead", null, h("tr", null, [h("th", null, "vessel"), h("th", { "class": "num" }, "risk"), h("th", { "class": "num" }, "events")])) : null;
    var order = risk ? "highest risk" : "most events";
    DC.fill(box, [h("table", { "class": "dc-table", id: "dc-vessels-table" }, [head, h("tbody", null, rows)]),
      list.length > MAX_LIST_VESSELS ? h("div", { "class": "dc-note" }, "the " + MAX_LIST_VESSELS + " with " + order + " of " + DC.fmtNum(list.length) + "; search finds any") : null]);
  };
})();
