/* The vessel page (a side panel, linked as #vessel=MMSI): identity with its codes read (ship
 * type by name, flag from the MMSI's MID, size), the sanctions and risk panel (risk.js), its track, its
 * activity per week and trips, its calls and shipments over time, an event timeline, its events
 * as sentences, identity history, its dark (inferred) port calls with their evidence (calls.js),
 * port calls and trips.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h, svg = DC.svg, fmtTime = DC.fmtTime;
  var MAX_HISTORY_ROWS = 40;

  DC.App.prototype.openFromHash = function () {
    var m = /vessel=(\d+)/.exec(window.location.hash || "");
    if (m) this.openVessel(m[1], true);
  };

  DC.App.prototype.closeVessel = function () {
    DC.byId("dc-vessel").classList.remove("dc-open");
    if (/vessel=/.test(window.location.hash)) history.replaceState(null, "", window.location.pathname + window.location.search);
  };

  DC.App.prototype.openVessel = function (id, fromHash) {
    var self = this;
    if (!/^\d{1,9}$/.test(String(id))) return;
    if (!fromHash) history.replaceState(null, "", "#vessel=" + id);
    var panel = DC.byId("dc-vessel"), body = DC.byId("dc-vessel-body");
    panel.classList.add("dc-open");
    DC.fill(body, h("div", { "class": "dc-note" }, "Loading vessel " + id + "…"));
    var seq = this._vesselSeq = (this._vesselSeq || 0) + 1, current = function () { return seq === self._vesselSeq; };
    this._riskDetections = null;
    var profile = this.source.profile(id).catch(function () { return null; });
    var risk = this.source.vesselRisk(id).catch(function (err) { return { error: err }; });
    this.source.vessel(id).then(function (v) {
      return profile.then(function (p) {
        if (!current()) return null;
        self.renderVessel(v, p);
        risk.then(function (r) { if (current()) self.fillRiskPanel(v, p, r); });
        return self.source.vesselTrack(v.mmsis[0]).then(function (t) { if (current()) self.renderVesselMap(v, t); });
      });
    }).catch(function (err) {
      if (current()) DC.fill(body, h("div", { "class": "dc-error" }, err.message || String(err)));
    });
  };

  // Long identity histories (two transmitters sharing one MMSI flip thousands of times) as one
  // row per distinct identity, like the report (report/html.py collapse_history).
  function collapseHistory(hist) {
    var keys = ["mmsi", "imo", "name", "callsign", "ship_type", "length_m", "beam_m"], byKey = {}, out = [];
    hist.forEach(function (r) {
      var k = JSON.stringify(keys.map(function (f) { return r[f] === undefined ? null : r[f]; }));
      var row = byKey[k];
      if (!row) {
        row = byKey[k] = Object.assign({}, r, { destinations: (r.destinations || []).slice(), runs: 1 });
        out.push(row);
        return;
      }
      if (r.last_seen > row.last_seen) row.last_seen = r.last_seen;
      row.n_messages += r.n_messages;
      row.runs += 1;
      (r.destinations || []).forEach(function (d) { if (row.destinations.indexOf(d) < 0) row.destinations.push(d); });
    });
    return out;
  }

  function section(title, children, attrs) {
    return h("section", Object.assign({ "class": "dc-vsection" }, attrs || {}), [h("h3", null, title), children]);
  }

  // Identity facts: the codes read through the ITU tables (server: /profile; report: embedded).
  function facts(v, p) {
    var idn = v.identity || {}, f = (p && p.facts) || idn.facts || {};
    var type = f.ship_type_label ? f.ship_type_label + " (" + f.ship_type + ")" : idn.ship_type !== null && idn.ship_type !== undefined ? "code " + idn.ship_type : "";
    var flag = f.flag_country ? f.flag_country + " (" + f.flag_iso2 + "; MID " + f.flag_mid + " in the MMSI)" : "";
    var size = [f.length_m || idn.length_m ? Number(f.length_m || idn.length_m).toFixed(0) + " m long" : "",
      f.beam_m || idn.beam_m ? Number(f.beam_m || idn.beam_m).toFixed(0) + " m beam" : "",
      f.draught_m || idn.draught_m ? Number(f.draught_m || idn.draught_m).toFixed(1) + " m draught" : ""].filter(Boolean).join(", ");
    return DC.kv([
      ["MMSI", v.mmsis.join(", ")], ["IMO", idn.imo], ["call sign", idn.callsign], ["ship type", type],
      ["flag (from MMSI)", flag], ["size", size], ["last destination", idn.destination],
      ["positions", DC.fmtNum(idn.n_positions) + " (" + fmtTime(idn.first_ts) + " → " + fmtTime(idn.last_ts) + ")"]
    ], "dc-vfacts");
  }

  DC.App.prototype.renderVessel = function (v, p) {
    var self = this, idn = v.identity || {}, color = DC.colors.vessel(v.mmsis[0]);
    var badges = [idn.watched ? h("span", { "class": "dc-badge dc-watched" }, "watched" + (idn.watched !== idn.name ? ": " + idn.watched : "")) : null,
      idn.sanctioned || (v.matches && v.matches.length) ? h("span", { "class": "dc-badge dc-sanctioned" }, "sanctions match") : null];
    var parts = [h("h2", { id: "dc-vessel-title" }, [DC.swatch(color), " ", idn.name || "unnamed", " ", badges]), facts(v, p), this.riskSection(),
      section("Track", h("div", { id: "dc-vessel-map" }))];
    if (p && (p.weekly || p.trips)) {
      parts.push(section("Gaps and port calls per week", DC.weeklyChart(p.weekly)));
      parts.push(section("Trips over time", DC.tripsChart(p.trips, color)));
    }
    parts.push(section("Port calls and shipments over time", this.callsTimeline(v)));
    parts.push(section("Event timeline", h("div", { "class": "dc-timeline", id: "dc-vessel-timeline" }, this.timelineSvg(v.events))));
    parts.push(this.historySection(v));
    var total = v.events_total !== undefined && v.events_total !== null ? v.events_total : v.events.length;
    var label = function (m) { return self.vesselLabel(m); };
    parts.push(section("Events (" + (total > v.events.length ? v.events.length + " of " + total + " in this report" : v.events.length) + ")",
      v.events.length ? h("div", { "class": "dc-scroll", id: "dc-vessel-events" }, DC.table(
        [{ title: "start" }, { title: "kind" }, { title: "hours", num: true }, { title: "port or place" }, { title: "what happened" }, { title: "confidence", num: true }],
        v.events.map(function (e) {
          var hr = DC.hours(e);
          return { attrs: { "data-event-id": e.event_id }, cells: [fmtTime(e.start_ts), DC.kindChip(e.kind), hr === null ? "" : hr.toFixed(1), DC.eventPlace(e),
            h("span", { "class": "dc-sentence" }, DC.describeEvent(e, label)), e.confidence === null || e.confidence === undefined ? "" : Number(e.confidence).toFixed(2)] };
        }))) : h("div", { "class": "dc-note" }, "No events for this vessel.")));
    parts.push(this.darkCallsSection(v));
    parts.push(this.plainTable("Port calls", v.port_calls, ["port_id", "kind", "arrival_ts", "departure_ts", "confidence"], "call_id"));
    parts.push(this.plainTable("Radar detections matched to it", v.detections, ["ts", "scene_id", "port_id", "length_m", "ais_length_m", "match_distance_m", "score"]));
    parts.push(this.plainTable("Trips", v.shipments, ["origin_port", "destination_port", "depart_ts", "arrive_ts", "inferred", "containers"], "shipment_id"));
    DC.fill(DC.byId("dc-vessel-body"), parts);
  };

  DC.App.prototype.historySection = function (v) {
    var hist = v.identity_history, note = null, total = v.identity_history_total;
    if (hist && hist.length > MAX_HISTORY_ROWS) { total = hist.length; hist = collapseHistory(hist); }
    if (hist === null || hist === undefined) {
      return section("Identity history", h("div", { "class": "dc-note" }, "This report carries full pages only for vessels with events that matter to the case; the identity history of this vessel is in the workspace and the export bundles."));
    }
    if (!hist.length) return section("Identity history", h("div", { "class": "dc-note" }, "No static (identity) messages for this vessel."));
    var runs = hist.some(function (r) { return r.runs !== undefined; });
    if (runs) note = h("div", { "class": "dc-note" }, total + " identity changes, shown as one row per distinct identity (first and last seen, messages, separate runs): identities that keep alternating are a sign of two transmitters on one MMSI.");
    var cols = ["from", "to", "MMSI", "name", "IMO", "call sign", "type", "msgs"].concat(runs ? ["runs"] : [], ["destinations"]);
    return section("Identity history", [note, h("div", { "class": "dc-scroll" }, DC.table(cols.map(function (c) { return { title: c, num: c === "msgs" || c === "runs" }; }),
      hist.map(function (r) {
        return { cells: [fmtTime(r.first_seen), fmtTime(r.last_seen), String(r.mmsi), r.name || "", r.imo === null || r.imo === undefined ? "" : String(r.imo),
          r.callsign || "", r.ship_type === null || r.ship_type === undefined ? "" : String(r.ship_type), DC.fmtNum(r.n_messages)]
          .concat(runs ? [String(r.runs || 1)] : [], [(r.destinations || []).join(", ")]) };
      })))]);
  };

  // A table of rows; with `idKey` each row carries its id (data-call-id, data-shipment-id) for
  // the risk panel's links.
  DC.App.prototype.plainTable = function (title, list, cols, idKey) {
    if (!list || !list.length) return section(title + " (0)", h("div", { "class": "dc-note" }, "None recorded."));
    var attr = idKey ? "data-" + idKey.replace(/_/g, "-") : null;
    return section(title + " (" + list.length + ")", DC.table(cols.map(function (c) { return { title: DC.human(c.replace(/_ts$/, "")) }; }),
      list.map(function (r) {
        var attrs = {};
        if (attr && r[idKey] !== null && r[idKey] !== undefined) attrs[attr] = r[idKey];
        return { attrs: attrs, cells: cols.map(function (c) {
          var v = r[c];
          if (/_ts$/.test(c)) return fmtTime(v);
          if (typeof v === "boolean") return v ? "yes" : "no";
          if (v !== null && typeof v === "object") return JSON.stringify(v);
          return v === null || v === undefined ? "" : String(v);
        }) };
      })));
  };

  // Event timeline: one lane per kind, bars from start to end (a tick when instantaneous).
  DC.App.prototype.timelineSvg = function (events) {
    if (!events.length) return h("div", { "class": "dc-note" }, "No events for this vessel.");
    var kinds = [];
    events.forEach(function (e) { if (kinds.indexOf(e.kind) < 0) kinds.push(e.kind); });
    var t0 = Infinity, t1 = -Infinity;
    events.forEach(function (e) { t0 = Math.min(t0, DC.toSec(e.start_ts)); t1 = Math.max(t1, DC.toSec(e.end_ts || e.start_ts)); });
    if (t1 <= t0) t1 = t0 + 3600;
    var W = 680, left = 110, right = 10, lane = 22, top = 8, H = top + kinds.length * lane + 26;
    var x = function (t) { return left + (t - t0) / (t1 - t0) * (W - left - right); };
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "event timeline" });
    kinds.forEach(function (k, i) {
      var y = top + i * lane;
      s.appendChild(svg("text", { x: 4, y: y + 14 }, DC.human(k)));
      s.appendChild(svg("line", { x1: left, x2: W - right, y1: y + 10, y2: y + 10, stroke: "#edf1f5" }));
    });
    events.forEach(function (e) {
      var y = top + kinds.indexOf(e.kind) * lane, a = x(DC.toSec(e.start_ts)), b = x(DC.toSec(e.end_ts || e.start_ts));
      var attrs = { "class": "dc-tl-event", x: a.toFixed(1), y: y + 3, width: Math.max(3, b - a).toFixed(1), height: 14, rx: 2, fill: DC.colors.kind(e.kind) };
      if (e.kind === "gap") Object.assign(attrs, { "fill-opacity": 0.35, stroke: "#111", "stroke-dasharray": "3 2" });
      s.appendChild(svg("rect", attrs, svg("title", null, DC.human(e.kind) + " " + fmtTime(e.start_ts) + " → " + fmtTime(e.end_ts) + ": " + DC.describeEvent(e))));
    });
    var yAxis = top + kinds.length * lane + 4;
    [t0, (t0 + t1) / 2, t1].forEach(function (t, i) {
      s.appendChild(svg("text", { x: x(t).toFixed(1), y: yAxis + 14, "text-anchor": i === 0 ? "start" : i === 2 ? "end" : "middle" }, DC.secToLabel(t).slice(0, 16)));
    });
    return s;
  };

  DC.App.prototype.renderVesselMap = function (v, track) {
    var box = DC.byId("dc-vessel-map");
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
    var group = L.featureGroup().addTo(map), color = DC.colors.vessel(v.mmsis[0]), byEvent = this._vmapEvents = {};
    if (DC.colors.vessel(v.mmsis[0]) === DC.colors.other) color = "#37474f";  // one vessel alone: no need to fade it
    (track.runs || []).forEach(function (pts) {
      L.polyline(pts.map(function (p) { return [p[0], p[1]]; }), { color: color, weight: 2.5, className: "dc-vessel-track" }).addTo(group);
    });
    v.events.forEach(function (e) {
      if (e.lat === null || e.lat === undefined) return;
      var hasEnd = e.end_lat !== null && e.end_lat !== undefined;
      var tip = function () { return DC.text(DC.human(e.kind) + " " + fmtTime(e.start_ts) + ": " + DC.describeEvent(e)); };
      if (e.kind === "gap" && hasEnd) {
        byEvent[e.event_id] = L.polyline([[e.lat, e.lon], [e.end_lat, e.end_lon]], { color: "#111", dashArray: "6 6", weight: 2.5 }).bindTooltip(tip, { sticky: true }).addTo(group);
      } else {
        byEvent[e.event_id] = L.circleMarker([e.lat, e.lon], { radius: 6, color: "#fff", weight: 1, fillColor: DC.colors.kind(e.kind), fillOpacity: 0.9, className: "dc-vessel-event" })
          .bindTooltip(tip).addTo(group);
      }
    });
    this.drawDarkRoutes(v, group);
    var b = group.getBounds();
    if (b.isValid()) map.fitBounds(b.pad(0.2)); else map.setView([42.5, 131], 6);
    this.drawRiskDetections();  // on a map with a view (Leaflet clips against it)
  };
})();
