/* Map layers: a registry, so that a new layer is one register() call.
 *
 * A layer definition: {id, title, color, order, defaultOn, table?, build(ctx, state) ->
 * Promise<items>} where each item is {t0, t1, layer, row?, lat?, lon?, level?}: a Leaflet layer
 * shown while its time span [t0, t1] (epoch seconds; null = always) overlaps the time filter.
 * A definition may instead supply filter(state, t0, t1, ctx) and refresh(state, ctx) for layers
 * it draws itself (tracks, port-call rings), and onToggle(state, on, ctx). Definitions with a
 * `table` are shown only when that workspace table has rows. Every popup and tooltip is built
 * with Darkcargo.h (text, never markup).
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h, toSec = DC.toSec, fmtTime = DC.fmtTime;
  var registry = [];
  var LEVEL_TOP = 2;

  function register(def) {
    registry = registry.filter(function (d) { return d.id !== def.id; });
    registry.push(def);
    registry.sort(function (a, b) { return (a.order || 50) - (b.order || 50); });
  }

  function popup(title, pairs, extra) {
    return h("div", { "class": "dc-popup" }, [h("h4", null, title), extra || null, DC.kv(pairs)]);
  }

  function eventPopup(ctx, e) {
    var level = matters(ctx, e);
    var why = e.why || (level === 0 && ctx.sampled(e.kind) ? "sample of a common kind" : "");
    return popup([DC.kindChip(e.kind), " ", h("code", null, e.event_id)], [
      ["why shown", why],
      ["vessel", ctx.app.vesselLink(e.mmsi)],
      ["other vessel", ctx.app.vesselLink(e.other_mmsi)],
      ["position", e.position_from_track ? "the vessel's track at that time (the event has no position of its own)" : ""],
      ["start", fmtTime(e.start_ts)],
      ["end", fmtTime(e.end_ts)],
      ["port or place", DC.eventPlace(e)],
      ["confidence", e.confidence === null || e.confidence === undefined ? "" : Number(e.confidence).toFixed(2)],
      ["preset", [e.preset || "", e.params_hash ? [" ", h("code", null, String(e.params_hash).slice(0, 12))] : null]]
    ], h("p", { "class": "dc-sentence" }, DC.describeEvent(e, function (m) { return ctx.app.vesselLabel(m); })));
  }

  // Does an event matter to the case? The report and the overview API say why (`why`); else
  // (server table rows, hand-made data) it matters when a watched vessel or a rare kind is
  // involved. 2: drawn large, never clustered (watched vessels, rare kinds, flagged gaps);
  // 1: port calls at watched ports by other vessels; 0: a sampled common event.
  var RARE_KINDS = { encounter: 1, identity_change: 1, spoof_jump: 1, shared_mmsi: 1 };
  function matters(ctx, e) {
    if (e.why !== undefined && e.why !== null) return e.why === "call at a watched port" ? 1 : LEVEL_TOP;
    if (e.why === null) return 0;
    return (RARE_KINDS[e.kind] || ctx.isWatched(e.mmsi) || ctx.isWatched(e.other_mmsi) ||
      (e.details && e.details.intentional_disabling)) ? LEVEL_TOP : 0;
  }

  // One event -> Leaflet layer: gaps (and jumps with an end point) as dashed segments from the
  // last position before to the first after; everything else as a circle marker. Events that
  // matter are drawn large and on top; the others small and faint (and clustered when far out).
  function eventLayer(ctx, e, level) {
    var color = DC.colors.kind(e.kind), big = level === LEVEL_TOP, layer;
    var hasEnd = e.end_lat !== null && e.end_lat !== undefined && e.end_lon !== null && e.end_lon !== undefined;
    var pane = big ? "dc-events-top" : "dc-events-low";
    if ((e.kind === "gap" || e.kind === "spoof_jump") && hasEnd) {
      var end = function (lat, lon, fill) {
        return L.circleMarker([lat, lon], { radius: big ? 4 : 2, color: color, fillColor: fill, fillOpacity: big ? 1 : 0.4, opacity: big ? 1 : 0.4, weight: big ? 2 : 1, className: "dc-event-end", pane: pane });
      };
      layer = L.featureGroup([
        L.polyline([[e.lat, e.lon], [e.end_lat, e.end_lon]], {
          color: color, weight: big ? 3 : 1.2, dashArray: big ? "6 6" : "3 4", opacity: big ? 0.9 : 0.3,
          className: "dc-event dc-gap" + (big ? " dc-major" : ""), pane: pane
        }),
        end(e.lat, e.lon, "#fff"), end(e.end_lat, e.end_lon, color)
      ]);
    } else {
      layer = L.circleMarker([e.lat, e.lon], big ? {
        radius: 7, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 0.95,
        className: "dc-event dc-major dc-event-" + e.kind, pane: pane
      } : {
        radius: level ? 4.5 : 3, color: level ? "#fff" : color, weight: level ? 1 : 0.5, fillColor: color,
        fillOpacity: level ? 0.85 : 0.5, opacity: 0.7, className: "dc-event dc-event-" + e.kind, pane: pane
      });
    }
    layer.bindPopup(function () { return eventPopup(ctx, e); });
    return layer;
  }

  function pointItems(rows, toLayer, times) {
    var items = [];
    rows.forEach(function (r) {
      if (r.lat === null || r.lat === undefined || r.lon === null || r.lon === undefined) return;
      var t = times(r);
      items.push({ t0: t[0], t1: t[1], layer: toLayer(r), row: r, lat: r.lat, lon: r.lon });
    });
    return items;
  }

  // ---- the case's ports and places: always visible, always named ------------------------------
  // The basin ring (its radius), a dot in the port's role colour above every track, and a
  // permanent label with its short name (placed clear of other labels).
  var shortName = DC.shortName;
  register({
    id: "ports", title: "Watched ports and places", color: "#0d47a1", order: 10, defaultOn: true,
    build: function (ctx, state) {
      return ctx.source.ports().then(function (ports) {
        state.labelIds = [];
        return ports.map(function (p) {
          var color = DC.colors.port(p);
          var ring = L.circle([p.lat, p.lon], { radius: (p.radius_km || 3) * 1000, color: color, weight: 1.5, fillOpacity: 0.08, className: "dc-port" });
          var dot = L.circleMarker([p.lat, p.lon], { radius: p.role ? 5 : 4, color: "#fff", weight: 1.5, fillColor: color, fillOpacity: 1, className: "dc-port-dot", pane: "dc-ports-top" });
          var group = L.featureGroup([ring, dot]);
          group.bindTooltip(function () { return DC.text(p.name + " (" + p.id + ")"); }, { direction: "top" });
          group.bindPopup(function () {
            return popup(p.name, [
              ["id", p.id], ["role", p.role || p.kind], ["country", p.country], ["radius", p.radius_km + " km"],
              ["events", DC.fmtNum(p.n_events)], ["port calls", DC.fmtNum(p.n_port_calls)],
              ["unverified", p.unverified && p.unverified.length ? h("span", { "class": "dc-badge dc-unverified" }, p.unverified.join(", ")) : ""]
            ]);
          });
          var id = "port:" + p.id;
          state.labelIds.push(id);
          var lab = ctx.labels.set(id, [p.lat, p.lon], shortName(p), p.role ? 100 : p.watched ? 90 : 50, "dc-maplabel-port dc-maplabel-" + (p.role || "place"));
          lab.box.setAttribute("data-port", p.id);
          return { t0: null, t1: null, layer: group, row: p, lat: p.lat, lon: p.lon };
        });
      });
    },
    onToggle: function (state, on, ctx) {
      (state.labelIds || []).forEach(function (id) {
        var it = ctx.labels.items[id];
        if (on) ctx.labels.set(id, it.marker.getLatLng(), it.text, it.priority); else ctx.labels.hide(id);
      });
    }
  });

  // ---- tracks: they draw themselves --------------------------------------------------------------
  // Runs of [lat, lon, t] sliced to the time filter on every change, refetched (decimated by
  // the server for the zoom) when the view moves. Two layers share one fetch: the watched
  // vessels in their colours, on top and named at their latest position in the window; the
  // other traffic grey and faint, thinned to a stable share of vessels when zoomed far out.
  function otherShare(zoom) { return zoom >= 8 ? 1 : zoom >= 7 ? 0.5 : 0.25; }

  function trackLayer(id, title, order, watchedOnly) {
    register({
      id: id, title: title,
      color: function () { return watchedOnly ? DC.colors.watchedColor(DC.colors.watchedNames[0]) : DC.colors.other; },
      order: order, defaultOn: true,
      build: function (ctx, state) {
        state.runs = [];
        return this.refresh(state, ctx).then(function () { return []; });
      },
      refresh: function (state, ctx) {
        var zoom = ctx.map.getZoom();
        return ctx.tracks().then(function (data) {
          state.group.clearLayers();
          state.runs = [];
          var share = watchedOnly ? 1 : otherShare(zoom), vessels = 0, kept = 0;
          (data.tracks || []).forEach(function (tr) {
            if (ctx.isWatched(tr.mmsi) !== watchedOnly) return;
            vessels++;
            if (!watchedOnly && DC.hash100(tr.mmsi) >= share * 100) return;
            kept++;
            var style = watchedOnly
              ? { color: DC.colors.vessel(tr.mmsi), weight: 3.5, opacity: 0.95, className: "dc-track dc-track-watched dc-mmsi-" + tr.mmsi, pane: "dc-tracks-top" }
              : { color: DC.colors.other, weight: 1, opacity: DC.colors.otherOpacity(zoom), className: "dc-track" };
            tr.runs.forEach(function (pts) {
              var line = L.polyline([], style);
              line.on("click", function () { ctx.openVessel(tr.mmsi); });
              line.bindTooltip(function () { return DC.text(ctx.app.vesselLabel(tr.mmsi)); }, { sticky: true });
              state.runs.push({ mmsi: tr.mmsi, pts: pts, ts: pts.map(function (p) { return p[2]; }), line: line });
            });
          });
          state.count = state.runs.length;
          state.thin = { vessels: vessels, kept: kept, share: share };
          ctx.layerTouched(state);
        });
      },
      filter: function (state, t0, t1, ctx) {
        var shown = 0, last = {};
        state.runs.forEach(function (r) {
          var pts = sliceRun(r.pts, r.ts, t0, t1);
          if (pts.length >= 2) {
            r.line.setLatLngs(pts);
            if (!state.group.hasLayer(r.line)) state.group.addLayer(r.line);
            shown++;
            var end = Math.min(t1, r.ts[r.ts.length - 1]);
            if (!last[r.mmsi] || end > last[r.mmsi].t) last[r.mmsi] = { t: end, at: pts[pts.length - 1] };
          } else if (state.group.hasLayer(r.line)) {
            state.group.removeLayer(r.line);
          }
        });
        state.visible = shown;
        if (watchedOnly) labelVessels(state, last, ctx);
      },
      onToggle: function (state, on, ctx) {
        if (!watchedOnly) return;
        if (!on) Object.keys(state.labels || {}).forEach(function (id) { ctx.labels.hide(id); });
        else this.filter(state, ctx.app.time.a, ctx.app.time.b, ctx);
      }
    });
  }

  // Each watched vessel named where its track ends in the window, in its own colour.
  function labelVessels(state, last, ctx) {
    state.labels = state.labels || {};
    Object.keys(state.labels).forEach(function (id) { if (!last[id.slice(7)]) ctx.labels.hide(id); });
    if (!state.enabled) return;
    Object.keys(last).forEach(function (m) {
      var v = ctx.app.vessels[m] || {}, id = "vessel:" + m;
      var it = ctx.labels.set(id, last[m].at, v.watched || v.name || m, 80, "dc-maplabel-vessel");
      it.span.style.color = DC.colors.vessel(Number(m));
      state.labels[id] = true;
    });
  }

  trackLayer("tracks", "Tracks: watched vessels", 20, true);
  trackLayer("tracks-other", "Tracks: other traffic", 21, false);

  // The part of a run of [lat, lon, t] inside [t0, t1], with end points interpolated at the
  // window edges (decimation may leave few fixes, but the vessel was moving in between).
  function sliceRun(pts, ts, t0, t1) {
    var n = ts.length;
    if (!n || ts[n - 1] < t0 || ts[0] > t1) return [];
    var a = DC.lowerBound(ts, t0), b = DC.upperBound(ts, t1), out = [];
    if (a > 0 && ts[a - 1] < t0) out.push(lerp(pts[a - 1], pts[a], t0));
    for (var i = a; i < b; i++) out.push([pts[i][0], pts[i][1]]);
    if (b < n && b > 0 && ts[b] > t1) out.push(lerp(pts[b - 1], pts[b], t1));
    return out;
  }
  function lerp(p, q, t) {
    var f = q[2] === p[2] ? 0 : (t - p[2]) / (q[2] - p[2]);
    return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f];
  }

  // Events without a position of their own (identity changes come from static messages) are
  // drawn where the vessel's track was at that time, and say so in their popup.
  function trackIndex(data) {
    var out = {};
    ((data && data.tracks) || []).forEach(function (tr) {
      var o = out[tr.mmsi] || (out[tr.mmsi] = { ts: [], pts: [] });
      tr.runs.forEach(function (run) { run.forEach(function (p) { o.ts.push(p[2]); o.pts.push(p); }); });
    });
    return out;
  }
  function placeOnTrack(e, index) {
    var tr = index[e.mmsi], t = toSec(e.start_ts);
    if (!tr || !tr.ts.length || t === null) return e;
    var i = Math.min(DC.lowerBound(tr.ts, t), tr.ts.length - 1);
    if (i > 0 && Math.abs(tr.ts[i - 1] - t) < Math.abs(tr.ts[i] - t)) i--;
    var copy = Object.assign({}, e, { lat: tr.pts[i][0], lon: tr.pts[i][1], position_from_track: true });
    return copy;
  }

  // One layer per event kind present in the workspace (added by the app from the summary).
  function registerEventKind(kind, order) {
    register({
      id: "events:" + kind, title: "Events: " + DC.human(kind), color: DC.colors.kind(kind),
      order: 30 + order, defaultOn: true, dashed: kind === "gap", events: true,
      build: function (ctx) {
        return Promise.all([ctx.allEvents(), ctx.tracks()]).then(function (r) {
          var index = null;
          var evs = r[0].filter(function (e) { return e.kind === kind; }).map(function (e) {
            if (e.lat !== null && e.lat !== undefined) return e;
            index = index || trackIndex(r[1]);
            return placeOnTrack(e, index);
          });
          var items = pointItems(evs, function (e) { return null; },
            function (e) { return [toSec(e.start_ts), toSec(e.end_ts || e.start_ts)]; });
          items.forEach(function (it) { it.level = matters(ctx, it.row); it.layer = eventLayer(ctx, it.row, it.level); });
          return items;
        });
      }
    });
  }

  // ---- layers of later stages: drawn when their tables fill ----------------------------------
  register({
    id: "detections", title: "Radar detections", color: "#c0392b", order: 60, defaultOn: true, table: "detections",
    build: function (ctx) {
      return ctx.source.layer("detections").then(function (rows) {
        return pointItems(rows, function (d) {
          var m = L.circleMarker([d.lat, d.lon], { radius: 5, weight: 2, color: d.dark ? "#c0392b" : "#7f8c8d", fillOpacity: d.dark ? 0.8 : 0.2, className: "dc-detection" });
          m.bindPopup(function () {
            var state = d.dark === true ? "Dark" : d.dark === false ? "Matched" : "Not yet matched";
            return popup(state + " radar detection", [
              ["scene", d.scene_id], ["time", fmtTime(d.ts)], ["port", d.port_id || ""],
              ["length", d.length_m === null || d.length_m === undefined ? "" : Math.round(d.length_m) + " m"],
              ["heading", d.heading_deg === null || d.heading_deg === undefined ? "" : Math.round(d.heading_deg) + "° (long axis)"],
              ["score", d.score === null || d.score === undefined ? "" : Number(d.score).toFixed(1) + " dB over clutter"],
              ["matched", d.matched_mmsi ? [ctx.app.vesselLink(d.matched_mmsi), " (" + Math.round(d.match_distance_m) + " m)"] : ""],
              ["nearest AIS", d.dark && d.nearest_mmsi ? [ctx.app.vesselLink(d.nearest_mmsi), " (" + Math.round(d.nearest_ais_m) + " m away)"] : ""]
            ]);
          });
          return m;
        }, function (d) { return [toSec(d.ts), toSec(d.ts)]; });
      });
    }
  });

  // Port calls of the shipments stage: hundreds at one port, so drawn as one ring per port and
  // kind (solid observed, dashed inferred), sized by how many overlap the time window.
  register({
    id: "port_calls", title: "Port calls (observed / inferred)", color: "#16a085", order: 61, defaultOn: true, table: "port_calls",
    build: function (ctx, state) {
      return ctx.source.layer("port_calls").then(function (rows) {
        state.calls = rows.filter(function (c) { return ctx.portsById[c.port_id]; }).map(function (c) {
          return { c: c, t0: toSec(c.arrival_ts), t1: toSec(c.departure_ts || c.arrival_ts) };
        });
        state.count = state.calls.length;
        return [];
      });
    },
    filter: function (state, t0, t1, ctx) {
      state.group.clearLayers();
      var groups = {}, shown = 0;
      (state.calls || []).forEach(function (x) {
        if (x.t1 < t0 || x.t0 > t1) return;
        var k = x.c.port_id + "|" + (x.c.kind === "inferred" ? "inferred" : "observed");
        (groups[k] || (groups[k] = [])).push(x.c);
        shown++;
      });
      Object.keys(groups).forEach(function (k) {
        var calls = groups[k], p = ctx.portsById[calls[0].port_id], inferred = /inferred$/.test(k);
        var vessels = {};
        calls.forEach(function (c) { vessels[c.mmsi] = true; });
        var ring = L.circleMarker([p.lat, p.lon], {
          radius: (inferred ? 12 : 9) + Math.min(8, 2 * Math.log10(calls.length)), weight: 2,
          color: inferred ? "#0e6655" : "#16a085", dashArray: inferred ? "3 3" : null, fillOpacity: 0, className: "dc-port-call"
        });
        ring.bindTooltip(function () {
          return DC.text(calls.length + " " + (inferred ? "inferred" : "observed") + " port call" + (calls.length === 1 ? "" : "s") +
            " at " + p.name + " by " + Object.keys(vessels).length + " vessel(s) in the window");
        });
        ring.bindPopup(function () {
          var list = h("ul", { "class": "dc-plain" }, calls.slice(0, 12).map(function (c) {
            return h("li", null, [ctx.app.vesselLink(c.mmsi), " " + fmtTime(c.arrival_ts) + " → " + fmtTime(c.departure_ts)]);
          }));
          return popup((inferred ? "Inferred" : "Observed") + " port calls at " + p.name, [["calls", String(calls.length)]],
            calls.length > 12 ? [list, h("p", { "class": "dc-note" }, "first 12 of " + calls.length + "; the trips table lists them all")] : list);
        });
        state.group.addLayer(ring);
      });
      state.visible = shown;
    }
  });

  register({
    id: "shipments", title: "Shipments", color: "#8e44ad", order: 62, defaultOn: true, table: "shipments",
    build: function (ctx) {
      return ctx.source.layer("shipments").then(function (rows) {
        var items = [];
        rows.forEach(function (s) {
          var a = ctx.portsById[s.origin_port], b = ctx.portsById[s.destination_port];
          if (!a || !b) return;
          var line = L.polyline([[a.lat, a.lon], [b.lat, b.lon]], { color: "#8e44ad", weight: 3, opacity: 0.7, dashArray: s.inferred ? "2 8" : null, className: "dc-shipment" });
          line.bindPopup(function () {
            return popup("Shipment " + s.origin_port + " → " + s.destination_port, [
              ["vessel", ctx.app.vesselLink(s.mmsi)], ["depart", fmtTime(s.depart_ts)], ["arrive", fmtTime(s.arrive_ts)],
              ["observed or inferred", s.inferred ? "inferred" : "observed"], ["containers", s.containers === null ? "" : DC.fmtNum(s.containers)]
            ]);
          });
          items.push({ t0: toSec(s.depart_ts), t1: toSec(s.arrive_ts || s.depart_ts), layer: line, row: s, lat: a.lat, lon: a.lon });
        });
        return items;
      });
    }
  });

  register({
    id: "sightings", title: "Sightings", color: "#d35400", order: 63, defaultOn: true, table: "sightings",
    build: function (ctx) {
      return ctx.source.layer("sightings").then(function (rows) {
        var items = [];
        rows.forEach(function (s) {
          var p = ctx.portsById[s.place];
          if (!p) return;
          var m = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#d35400", weight: 2, fillOpacity: 0, className: "dc-sighting" });
          m.bindPopup(function () {
            return popup(DC.human(s.kind) + " at " + p.name, [
              ["time", fmtTime(s.ts)], ["count", DC.fmtNum(s.count) + " (" + DC.fmtNum(s.count_low) + "–" + DC.fmtNum(s.count_high) + ")"], ["source", s.source]
            ]);
          });
          items.push({ t0: toSec(s.ts), t1: toSec(s.ts), layer: m, row: s, lat: p.lat, lon: p.lon });
        });
        return items;
      });
    }
  });

  DC.layers = {
    register: register,
    matters: matters,
    registerEventKind: registerEventKind,
    all: function () { return registry.slice(); }
  };
})();
