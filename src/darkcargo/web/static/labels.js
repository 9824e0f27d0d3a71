/* Permanent map labels (place names, watched vessels) that never sit on one another: after
 * every zoom or move each label takes the first free spot of right, left, above, below its
 * point, in priority order; a label with no free spot is hidden until there is room (its point
 * keeps its hover tooltip). Labels are text nodes in Leaflet divIcons: no markup from data.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var GAP_PX = 7;        // between a point and its label
  var SIDES = ["right", "left", "top", "bottom"];

  DC.Labels = function (map, pane) {
    this.map = map;
    this.pane = pane;
    this.items = {};
    this.group = L.layerGroup().addTo(map);
    var self = this;
    map.on("zoomend moveend resize", function () { self.schedule(); });
  };

  // id: unique key; latlng; text; priority (higher placed first); cls: extra class.
  DC.Labels.prototype.set = function (id, latlng, text, priority, cls) {
    var it = this.items[id];
    if (!it) {
      var span = DC.h("span", { "class": "dc-maplabel-text" }, text);
      var box = DC.h("div", { "class": "dc-maplabel dc-maplabel-right " + (cls || ""), "data-label": id }, span);
      var icon = L.divIcon({ html: box, className: "dc-maplabel-icon", iconSize: [0, 0], iconAnchor: [0, 0] });
      var marker = L.marker(latlng, { icon: icon, interactive: false, keyboard: false, pane: this.pane });
      it = this.items[id] = { id: id, marker: marker, box: box, span: span, priority: priority || 0, text: text };
      this.group.addLayer(marker);
    } else {
      it.marker.setLatLng(latlng);
      if (it.text !== text) { it.span.textContent = text; it.text = text; }
      it.priority = priority || 0;
      if (!this.group.hasLayer(it.marker)) this.group.addLayer(it.marker);
    }
    this.schedule();
    return it;
  };

  DC.Labels.prototype.hide = function (id) {
    var it = this.items[id];
    if (it && this.group.hasLayer(it.marker)) { this.group.removeLayer(it.marker); this.schedule(); }
  };

  DC.Labels.prototype.schedule = function () {
    var self = this;
    if (this._raf) return;
    this._raf = window.requestAnimationFrame(function () { self._raf = null; self.layout(); });
  };

  function rectFor(pt, w, h, side) {
    if (side === "right") return [pt.x + GAP_PX, pt.y - h / 2, pt.x + GAP_PX + w, pt.y + h / 2];
    if (side === "left") return [pt.x - GAP_PX - w, pt.y - h / 2, pt.x - GAP_PX, pt.y + h / 2];
    if (side === "top") return [pt.x - w / 2, pt.y - GAP_PX - h, pt.x + w / 2, pt.y - GAP_PX];
    return [pt.x - w / 2, pt.y + GAP_PX, pt.x + w / 2, pt.y + GAP_PX + h];
  }
  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  // Place every shown label (container pixels), highest priority first.
  DC.Labels.prototype.layout = function () {
    var map = this.map, self = this, placed = [];
    var shown = Object.keys(this.items).map(function (k) { return self.items[k]; })
      .filter(function (it) { return self.group.hasLayer(it.marker); })
      .sort(function (a, b) { return b.priority - a.priority || (a.id < b.id ? -1 : 1); });
    // every labelled point is occupied first, so no label covers another's point
    shown.forEach(function (it) {
      it.pt = map.latLngToContainerPoint(it.marker.getLatLng());
      placed.push([it.pt.x - 4, it.pt.y - 4, it.pt.x + 4, it.pt.y + 4]);
    });
    shown.forEach(function (it) {
      var pt = it.pt;
      var w = it.span.offsetWidth || 6.5 * it.text.length, h = it.span.offsetHeight || 14;
      var side = null;
      for (var i = 0; i < SIDES.length && !side; i++) {
        var r = rectFor(pt, w, h, SIDES[i]);
        // a label's own point counts as occupied for every other label
        if (!placed.some(function (p) { return overlaps(p, r); })) { side = SIDES[i]; placed.push(r); }
      }
      SIDES.forEach(function (s) { it.box.classList.toggle("dc-maplabel-" + s, s === side); });
      it.box.classList.toggle("dc-maplabel-hidden", !side);
      it.side = side;
    });
  };
})();
