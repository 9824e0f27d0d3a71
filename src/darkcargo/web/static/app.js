/* darkcargo dashboard: boots the App over the server's API, or (in the single-file report) over
 * the data embedded in the page, builds the page's frame and starts every view. Loaded last:
 * the views (map, tables, vessel page, charts) are in the files before it (see core.js).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h;

  DC.App.prototype.start = function () {
    var self = this;
    this.source = this.cfg.mode === "report" ? DC.embeddedSource(DC.readJson("dc-data", {})) : DC.serverSource(this.cfg);
    this.buildDom();
    return this.source.summary().then(function (summary) {
      self.summary = summary;
      self.renderHeader();
      return Promise.all([self.source.vessels(), self.source.ports(), self.source.events(), self.source.land(),
        self.source.riskScores().catch(function () { return null; })]);
    }).then(function (r) {
      r[0].forEach(function (v) { self.vessels[v.mmsi] = v; });
      self.useRiskScores(r[4]);
      DC.colors.useVessels(r[0]);
      r[1].forEach(function (p) { self.portsById[p.id] = p; });
      self.events = r[2].items || [];
      self.eventsTotal = r[2].total;
      (r[2].kinds || []).forEach(function (k) { self.kindCounts[k.kind] = k; });
      self.initTime();
      self.initMap(r[3]);
      Object.keys(self.summary.event_kinds || {}).forEach(function (kind, i) { DC.layers.registerEventKind(kind, i); });
      return self.buildLayers();
    }).then(function () {
      self.renderVesselList();
      self.renderLegend();
      self.buildEventsTable();
      self.applyTime();
      return Promise.all([self.refreshEventsTable(), self.renderShipments(), self.renderEstimates(), self.renderRiskList()]);
    }).then(function () {
      self.openFromHash();
      window.addEventListener("hashchange", function () { self.openFromHash(); });
      self.root.setAttribute("data-ready", "1");
    }).catch(function (err) {
      self.root.insertBefore(h("div", { "class": "dc-error" }, err.message || String(err)), self.root.firstChild);
      self.root.setAttribute("data-ready", "error");
      throw err;
    });
  };

  DC.App.prototype.buildDom = function () {
    var self = this;
    var sliders = h("div", { "class": "dc-sliders" }, [h("div", { "class": "dc-rail" }), h("div", { "class": "dc-range", id: "dc-range" }),
      h("input", { type: "range", id: "dc-time-start", "aria-label": "start of the time window" }),
      h("input", { type: "range", id: "dc-time-end", "aria-label": "end of the time window" })]);
    DC.fill(this.root, [
      h("header", { "class": "dc-header" }, [h("h1", null, "darkcargo"), h("span", { id: "dc-case" }), this.buildSearch(), h("span", { "class": "dc-sub", id: "dc-counts" })]),
      h("div", { "class": "dc-main" }, [
        h("div", { "class": "dc-mapwrap" }, [h("div", { id: "dc-map" }), h("div", { "class": "dc-time" }, [
          h("div", null, [h("button", { id: "dc-play", type: "button", title: "Play the time window forward" }, "▶ Play"), " ",
            h("button", { id: "dc-reset", type: "button", title: "Whole period" }, "All")]),
          sliders, h("div", { "class": "dc-label", id: "dc-time-label" })])]),
        h("aside", { "class": "dc-side" }, [h("h2", null, "Vessels ranked by risk"), h("div", { id: "dc-risk" }),
          h("h2", { "class": "dc-gap-above" }, "Layers"), h("div", { id: "dc-layers" }), h("h2", { "class": "dc-gap-above" }, "Vessels"), h("div", { id: "dc-vessels" })])
      ]),
      h("section", { "class": "dc-section", id: "dc-events" }),
      h("section", { "class": "dc-section", id: "dc-trips" }),
      h("section", { "class": "dc-section dc-chart", id: "dc-estimates" }, [h("h2", null, "Estimates and claims"), h("div", { "class": "dc-legend", id: "dc-legend" }),
        h("div", { id: "dc-chart" }), h("div", { id: "dc-est-tables" })]),
      h("div", { "class": "dc-panel", id: "dc-vessel", role: "dialog", "aria-label": "vessel page" }, [
        h("button", { "class": "dc-btn dc-close", type: "button", id: "dc-vessel-close" }, "Close"), h("div", { id: "dc-vessel-body" })])
    ]);
    DC.byId("dc-vessel-close").addEventListener("click", function () { self.closeVessel(); });
    // one listener opens a vessel page from any link, row or search result with data-vessel
    document.addEventListener("click", function (ev) {
      var t = ev.target.closest ? ev.target.closest("[data-vessel]") : null;
      if (t) { ev.preventDefault(); self.openVessel(t.getAttribute("data-vessel")); }
    });
  };

  DC.App.prototype.renderHeader = function () {
    var s = this.summary;
    DC.byId("dc-case").textContent = (s.case && s.case.title) || "";
    var c = s.counts || {}, parts = ["v" + s.darkcargo_version];
    ["positions", "events", "estimates", "claims", "detections", "port_calls", "shipments"].forEach(function (k) {
      if (c[k]) parts.push(DC.fmtNum(c[k]) + " " + DC.human(k));
    });
    DC.byId("dc-counts").textContent = parts.join(" · ");
  };

  function boot() {
    var root = DC.byId("dc-app");
    if (!root || !window.L) return;
    var app = new DC.App(root, DC.config());
    window.darkcargoApp = app;
    app.start().catch(function (err) { if (window.console) console.warn("darkcargo:", err.message || err); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
