/* The map legend, drawn from the colour rule (Darkcargo.colors.legend()) and nothing else, so
 * what it says is what the map draws: each watched vessel in its colour, other traffic, the
 * ports by role, dark gaps, event markers and clusters.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var svg = DC.svg;

  function sample(entry) {
    if (entry.type === "line" || entry.type === "dash") {
      var attrs = { x1: 0, x2: 28, y1: 5, y2: 5, stroke: entry.color, "stroke-width": entry.width || 2.5 };
      if (entry.opacity) attrs["stroke-opacity"] = entry.opacity;
      if (entry.type === "dash") attrs["stroke-dasharray"] = "5 4";
      return svg("svg", { width: 22, height: 10, "aria-hidden": "true" }, svg("line", Object.assign(attrs, { x2: 22 })));
    }
    return svg("svg", { width: 12, height: 12, "aria-hidden": "true" },
      svg("circle", { cx: 6, cy: 6, r: 5, fill: entry.color, stroke: "#fff", "stroke-width": 1.5 }));
  }

  function row(entry, inline) {
    return DC.h(inline ? "span" : "div", { "class": inline ? "dc-legend-inline" : "dc-legend-row", "data-legend": entry.group + ":" + entry.label, "data-color": entry.color },
      [sample(entry), entry.label]);
  }
  function inline(entry) { return row(entry, true); }

  DC.App.prototype.addLegend = function (map) {
    var self = this;
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var d = L.DomUtil.create("div", "dc-map-legend");
      self.legendBox = d;
      self.renderLegend();
      L.DomEvent.disableClickPropagation(d);
      L.DomEvent.disableScrollPropagation(d);
      return d;
    };
    legend.addTo(map);
  };

  // Redrawn when the watched vessels are known and when the other traffic is thinned.
  DC.App.prototype.renderLegend = function () {
    var d = this.legendBox;
    if (!d) return;
    var entries = DC.colors.legend(), groups = {};
    entries.forEach(function (e) { (groups[e.group] || (groups[e.group] = [])).push(e); });
    var other = this.states.filter(function (st) { return st.def.id === "tracks-other"; })[0];
    var thin = other && other.thin && other.thin.share < 1
      ? DC.h("div", { "class": "dc-note", id: "dc-legend-thin" }, "other traffic: " + other.thin.kept + " of " + other.thin.vessels + " vessels at this zoom (zoom in for all)") : null;
    var toggle = DC.h("button", { type: "button", "class": "dc-legend-toggle", "aria-expanded": String(!this.legendFolded) }, this.legendFolded ? "legend ▸" : "legend ▾");
    var self = this;
    toggle.addEventListener("click", function () { self.legendFolded = !self.legendFolded; self.renderLegend(); });
    DC.fill(d, [toggle, this.legendFolded ? null : DC.h("div", { "class": "dc-legend-body" }, [
      (groups.watched || []).map(inline),
      DC.h("div", null, (groups.vessels || []).map(inline)), thin,
      DC.h("div", null, (groups.ports || []).map(inline)),
      DC.h("div", null, [(groups.events || []).map(inline), DC.h("span", { "class": "dc-legend-inline" }, [
        svg("svg", { width: 24, height: 14, "aria-hidden": "true" }, [
          svg("circle", { cx: 7, cy: 7, r: 6, fill: "#7f7f7f", stroke: "#fff", "stroke-width": 1.5 }),
          svg("circle", { cx: 19, cy: 7, r: 3, fill: "#7f7f7f", "fill-opacity": 0.55 })]),
        "event that matters / other (colour: kind)"])]),
      DC.h("div", null, DC.h("span", { "class": "dc-legend-inline" }, [DC.h("span", { "class": "dc-cluster dc-cluster-s dc-cluster-sample" }, DC.h("span", null, "12")),
        " events grouped when zoomed out (click to zoom in)"]))
    ])]);
  };
})();
