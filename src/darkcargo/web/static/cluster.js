/* Events clustered at low zoom: below CLUSTER_BELOW_ZOOM, the events shown that do not matter
 * most (calls at watched ports by other vessels, samples of common kinds) are binned on a
 * screen grid; a cell with at least MIN_CLUSTER of them becomes one bubble with their count
 * (hover: counts by kind; click: zoom in on them). Events that matter (watched vessels, rare
 * kinds, flagged gaps) are always drawn one by one.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  DC.CLUSTER_BELOW_ZOOM = 9;
  var CELL_PX = 80;
  var MIN_CLUSTER = 3;

  DC.Cluster = function (map, pane) {
    this.map = map;
    this.pane = pane;
    this.group = L.layerGroup().addTo(map);
    this.bubbles = [];
  };

  function sizeClass(n) { return n >= 1000 ? "dc-cluster-l" : n >= 100 ? "dc-cluster-m" : "dc-cluster-s"; }

  function kindSummary(members) {
    var counts = {};
    members.forEach(function (it) { var k = it.row.kind; counts[k] = (counts[k] || 0) + 1; });
    return Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })
      .map(function (k) { return DC.fmtNum(counts[k]) + " " + DC.human(k); }).join(", ");
  }

  // items: the event items now in the time window, each {layer, lat, lon, row, level}. Returns
  // the set of items (by index) that bubbles stand in for; the caller hides those.
  DC.Cluster.prototype.update = function (items) {
    var map = this.map;
    this.group.clearLayers();
    this.bubbles = [];
    var hidden = {};
    if (map.getZoom() >= DC.CLUSTER_BELOW_ZOOM) return hidden;
    var cells = {};
    items.forEach(function (it, i) {
      if (it.level >= 2 || it.lat === null || it.lat === undefined) return;
      var p = map.project([it.lat, it.lon]);
      var key = Math.floor(p.x / CELL_PX) + ":" + Math.floor(p.y / CELL_PX);
      (cells[key] || (cells[key] = [])).push(i);
    });
    var self = this;
    Object.keys(cells).forEach(function (key) {
      var idx = cells[key];
      if (idx.length < MIN_CLUSTER) return;
      var members = idx.map(function (i) { return items[i]; });
      var lat = 0, lon = 0;
      members.forEach(function (it) { lat += it.lat; lon += it.lon; });
      idx.forEach(function (i) { hidden[i] = true; });
      lat /= members.length; lon /= members.length;
      var n = members.length;
      var el = DC.h("div", { "class": "dc-cluster " + sizeClass(n), "data-count": n }, DC.h("span", null, DC.fmtNum(n)));
      var icon = L.divIcon({ html: el, className: "dc-cluster-icon", iconSize: [0, 0], iconAnchor: [0, 0] });
      var m = L.marker([lat, lon], { icon: icon, pane: self.pane, keyboard: false, title: "" });
      var bounds = L.latLngBounds(members.map(function (it) { return [it.lat, it.lon]; }));
      m.bindTooltip(function () {
        return DC.h("div", null, [DC.h("b", null, DC.fmtNum(n) + " events here"), DC.h("br"), kindSummary(members),
          DC.h("br"), DC.text("click to zoom in", "dc-note")]);
      }, { direction: "top", offset: [0, -10] });
      m.on("click", function () {
        if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), DC.CLUSTER_BELOW_ZOOM);
        else map.fitBounds(bounds.pad(0.3), { maxZoom: DC.CLUSTER_BELOW_ZOOM + 2 });
      });
      self.group.addLayer(m);
      self.bubbles.push({ marker: m, count: n });
    });
    return hidden;
  };

  // How many events the bubbles stand in for (tests and the layer list read it).
  DC.Cluster.prototype.clustered = function () {
    return this.bubbles.reduce(function (s, b) { return s + b.count; }, 0);
  };
})();
