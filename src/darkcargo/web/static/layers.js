/* darkcargo map layers: a registry, so that a new layer is one register() call.
 *
 * A layer definition: {id, title, color, order, defaultOn, table?, build(ctx) -> Promise<items>}
 * where each item is {t0, t1, layer, row?, lat?, lon?}: a Leaflet layer shown while its time span
 * [t0, t1] (epoch seconds; null = always) overlaps the time filter. A definition may instead
 * supply filter(state, t0, t1) and refresh(state, ctx) for layers it draws itself (tracks).
 * Definitions with a `table` are shown only when that workspace table has rows.
 */
(function () {
  "use strict";

  var registry = [];

  var KIND_COLORS = {
    port_call: "#1f77b4",
    gap: "#111111",
    encounter: "#ff7f0e",
    loitering: "#9467bd",
    identity_change: "#17becf",
    spoof_jump: "#d62728",
    shared_mmsi: "#8c564b"
  };

  function esc(v) {
    if (v === null || v === undefined) return "";
    return String(v).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function toSec(iso) {
    if (!iso) return null;
    var ms = Date.parse(iso);
    return isNaN(ms) ? null : ms / 1000;
  }

  function fmtTime(iso) {
    if (!iso) return "";
    return String(iso).replace("T", " ").replace(/:00Z$/, "Z").replace(/Z$/, " UTC");
  }

  function kindColor(kind) {
    return KIND_COLORS[kind] || "#7f7f7f";
  }

  function register(def) {
    registry = registry.filter(function (d) { return d.id !== def.id; });
    registry.push(def);
    registry.sort(function (a, b) { return (a.order || 50) - (b.order || 50); });
  }

  function vesselLink(ctx, mmsi) {
    if (mmsi === null || mmsi === undefined) return "";
    return '<span class="dc-link" data-vessel="' + esc(mmsi) + '">' + esc(ctx.vesselLabel(mmsi)) + "</span>";
  }

  function eventPopup(ctx, e) {
    var rows = [
      ["why shown", esc(e.why || (ctx.sampled(e.kind) ? "sample of a common kind" : ""))],
      ["vessel", vesselLink(ctx, e.mmsi)],
      ["other vessel", vesselLink(ctx, e.other_mmsi)],
      ["position", e.position_from_track ? "the vessel's track at that time (the event has no position of its own)" : ""],
      ["start", esc(fmtTime(e.start_ts))],
      ["end", esc(fmtTime(e.end_ts))],
      ["port", esc(e.port_id)],
      ["confidence", e.confidence === null || e.confidence === undefined ? "" : esc(Number(e.confidence).toFixed(2))],
      ["preset", esc(e.preset) + (e.params_hash ? " <code>" + esc(String(e.params_hash).slice(0, 12)) + "</code>" : "")]
    ];
    var html = '<div class="dc-popup"><h4><span class="dc-kind" style="background:' + kindColor(e.kind) + '">' +
      esc(e.kind) + "</span> " + esc(e.event_id) + '</h4><dl class="dc-kv">';
    rows.forEach(function (r) { if (r[1]) html += "<dt>" + r[0] + "</dt><dd>" + r[1] + "</dd>"; });
    if (e.details && typeof e.details === "object") {
      Object.keys(e.details).slice(0, 8).forEach(function (k) {
        var v = e.details[k];
        html += "<dt>" + esc(k) + "</dt><dd>" + esc(typeof v === "object" ? JSON.stringify(v) : v) + "</dd>";
      });
    }
    return html + "</dl></div>";
  }

  // Does an event matter to the case? The report and the overview API say why (`why`); else
  // (older servers, hand-made data) it matters when a watched vessel or a rare kind is involved.
  // 2: drawn large (watched vessels, rare kinds, flagged gaps); 1: port calls at watched ports
  // by other vessels (busy commercial ports: hundreds); 0: a sampled common event.
  var RARE_KINDS = { encounter: 1, identity_change: 1, spoof_jump: 1, shared_mmsi: 1 };
  function matters(ctx, e) {
    if (e.why !== undefined && e.why !== null) return e.why === "call at a watched port" ? 1 : 2;
    if (e.why === null) return 0;
    return (RARE_KINDS[e.kind] || ctx.isWatched(e.mmsi) || ctx.isWatched(e.other_mmsi) ||
      (e.details && e.details.intentional_disabling)) ? 2 : 0;
  }

  // One event -> Leaflet layer: gaps (and jumps with an end point) as dashed segments from the
  // last position before to the first after; everything else as a circle marker. Events that
  // matter are drawn large and on top; sampled common ones small and faint.
  function eventLayer(ctx, e) {
    var color = kindColor(e.kind);
    var level = matters(ctx, e), big = level === 2;
    var layer;
    var hasEnd = e.end_lat !== null && e.end_lat !== undefined && e.end_lon !== null && e.end_lon !== undefined;
    var pane = big ? "dc-events-top" : "dc-events-low";
    if ((e.kind === "gap" || e.kind === "spoof_jump") && hasEnd) {
      layer = L.featureGroup([
        L.polyline([[e.lat, e.lon], [e.end_lat, e.end_lon]], {
          color: color, weight: big ? 3 : 1.2, dashArray: big ? "6 6" : "3 4", opacity: big ? 0.9 : 0.3,
          className: "dc-event dc-gap" + (big ? " dc-major" : ""), pane: pane
        }),
        L.circleMarker([e.lat, e.lon], { radius: big ? 4 : 2, color: color, fillColor: "#fff", fillOpacity: big ? 1 : 0.4, opacity: big ? 1 : 0.4, weight: big ? 2 : 1, className: "dc-event-end", pane: pane }),
        L.circleMarker([e.end_lat, e.end_lon], { radius: big ? 4 : 2, color: color, fillColor: color, fillOpacity: big ? 1 : 0.4, opacity: big ? 1 : 0.4, weight: big ? 2 : 1, className: "dc-event-end", pane: pane })
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
    layer.bindPopup(eventPopup(ctx, e));
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

  // ---- built-in layers ------------------------------------------------------------------------
  register({
    id: "ports", title: "Watched ports", color: "#2a7a2a", order: 10, defaultOn: true,
    build: function (ctx) {
      return ctx.source.ports().then(function (ports) {
        return ports.map(function (p) {
          var m = L.circle([p.lat, p.lon], {
            radius: (p.radius_km || 3) * 1000, color: "#2a7a2a", weight: 1.5, fillOpacity: 0.08,
            className: "dc-port"
          });
          m.bindTooltip(p.id, { permanent: false, direction: "top" });
          m.bindPopup('<div class="dc-popup"><h4>' + esc(p.name) + '</h4><dl class="dc-kv">' +
            "<dt>id</dt><dd>" + esc(p.id) + "</dd><dt>role</dt><dd>" + esc(p.role || p.kind) + "</dd>" +
            "<dt>radius</dt><dd>" + esc(p.radius_km) + " km</dd><dt>events</dt><dd>" + esc(p.n_events) + "</dd>" +
            "<dt>port calls</dt><dd>" + esc(p.n_port_calls) + "</dd>" +
            (p.unverified && p.unverified.length ? '<dt>unverified</dt><dd><span class="dc-badge dc-unverified">' + esc(p.unverified.join(", ")) + "</span></dd>" : "") +
            "</dl></div>");
          return { t0: null, t1: null, layer: m, row: p, lat: p.lat, lon: p.lon };
        });
      });
    }
  });

  // Tracks draw themselves: runs of [lat, lon, t] sliced to the time filter on every change,
  // refetched (decimated server-side) when the view moves. Two layers share one fetch: the
  // case's watched vessels, bold and on top, and the other traffic, thin and faint.
  function trackLayer(id, title, color, order, watchedOnly) {
    register({
      id: id, title: title, color: color, order: order, defaultOn: true,
      build: function (ctx, state) {
        state.runs = [];
        return this.refresh(state, ctx).then(function () { return []; });
      },
      refresh: function (state, ctx) {
        return ctx.tracks().then(function (data) {
          state.group.clearLayers();
          state.runs = [];
          (data.tracks || []).forEach(function (tr) {
            var watched = ctx.isWatched(tr.mmsi);
            if (watched !== watchedOnly) return;
            var style = watched
              ? { color: ctx.vesselColor(tr.mmsi), weight: 3.5, opacity: 0.95, className: "dc-track dc-track-watched", pane: "dc-tracks-top" }
              : { color: "#5f7d99", weight: 1, opacity: 0.14, className: "dc-track" };
            tr.runs.forEach(function (pts) {
              var line = L.polyline([], style);
              line.on("click", function () { ctx.openVessel(tr.mmsi); });
              line.bindTooltip(ctx.vesselLabel(tr.mmsi), { sticky: true });
              var ts = pts.map(function (p) { return p[2]; });
              state.runs.push({ mmsi: tr.mmsi, pts: pts, ts: ts, line: line });
            });
          });
          state.count = state.runs.length;
          ctx.layerTouched(state);
        });
      },
      filter: function (state, t0, t1) {
        var shown = 0;
        state.runs.forEach(function (r) {
          var pts = sliceRun(r.pts, r.ts, t0, t1);
          if (pts.length >= 2) {
            r.line.setLatLngs(pts);
            if (!state.group.hasLayer(r.line)) state.group.addLayer(r.line);
            shown++;
          } else if (state.group.hasLayer(r.line)) {
            state.group.removeLayer(r.line);
          }
        });
        state.visible = shown;
      }
    });
  }
  trackLayer("tracks", "Tracks: watched vessels", "#b5368f", 20, true);
  trackLayer("tracks-other", "Tracks: other traffic", "#9fb2c5", 21, false);

  // The part of a run of [lat, lon, t] inside [t0, t1], with end points interpolated at the
  // window edges (decimation may leave few fixes, but the vessel was moving in between).
  function sliceRun(pts, ts, t0, t1) {
    var n = ts.length;
    if (!n || ts[n - 1] < t0 || ts[0] > t1) return [];
    var a = lowerBound(ts, t0), b = upperBound(ts, t1);
    var out = [];
    if (a > 0 && ts[a - 1] < t0) out.push(lerp(pts[a - 1], pts[a], t0));
    for (var i = a; i < b; i++) out.push([pts[i][0], pts[i][1]]);
    if (b < n && b > 0 && ts[b] > t1) out.push(lerp(pts[b - 1], pts[b], t1));
    return out;
  }

  function lerp(p, q, t) {
    var f = q[2] === p[2] ? 0 : (t - p[2]) / (q[2] - p[2]);
    return [p[0] + (q[0] - p[0]) * f, p[1] + (q[1] - p[1]) * f];
  }

  function lowerBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] < x) lo = mid + 1; else hi = mid; }
    return lo;
  }
  function upperBound(a, x) {
    var lo = 0, hi = a.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (a[mid] <= x) lo = mid + 1; else hi = mid; }
    return lo;
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
    var i = Math.min(lowerBound(tr.ts, t), tr.ts.length - 1);
    if (i > 0 && Math.abs(tr.ts[i - 1] - t) < Math.abs(tr.ts[i] - t)) i--;
    var copy = {};
    Object.keys(e).forEach(function (k) { copy[k] = e[k]; });
    copy.lat = tr.pts[i][0];
    copy.lon = tr.pts[i][1];
    copy.position_from_track = true;
    return copy;
  }

  // One layer per event kind present in the workspace (added by the app from the summary).
  function registerEventKind(kind, order) {
    register({
      id: "events:" + kind, title: "Events: " + kind.replace(/_/g, " "), color: kindColor(kind),
      order: 30 + order, defaultOn: true, dashed: kind === "gap",
      build: function (ctx) {
        return Promise.all([ctx.allEvents(), ctx.tracks()]).then(function (r) {
          var index = null;
          var evs = r[0].filter(function (e) { return e.kind === kind; }).map(function (e) {
            if (e.lat !== null && e.lat !== undefined) return e;
            index = index || trackIndex(r[1]);
            return placeOnTrack(e, index);
          });
          return pointItems(evs,
            function (e) { return eventLayer(ctx, e); },
            function (e) { return [toSec(e.start_ts), toSec(e.end_ts || e.start_ts)]; });
        });
      }
    });
  }

  // ---- layers of later stages: drawn when their tables fill ----------------------------------
  register({
    id: "detections", title: "Radar detections", color: "#c0392b", order: 60, defaultOn: true,
    table: "detections",
    build: function (ctx) {
      return ctx.source.layer("detections").then(function (rows) {
        return pointItems(rows, function (d) {
          var m = L.circleMarker([d.lat, d.lon], {
            radius: 5, weight: 2, color: d.dark ? "#c0392b" : "#7f8c8d",
            fillOpacity: d.dark ? 0.8 : 0.2, className: "dc-detection"
          });
          m.bindPopup('<div class="dc-popup"><h4>' + (d.dark ? "Dark" : "Matched") + ' radar detection</h4><dl class="dc-kv">' +
            "<dt>scene</dt><dd>" + esc(d.scene_id) + "</dd><dt>time</dt><dd>" + esc(fmtTime(d.ts)) + "</dd>" +
            "<dt>length</dt><dd>" + esc(d.length_m) + " m</dd><dt>score</dt><dd>" + esc(d.score) + "</dd>" +
            (d.matched_mmsi ? "<dt>matched</dt><dd>" + vesselLink(ctx, d.matched_mmsi) + " (" + esc(Math.round(d.match_distance_m)) + " m)</dd>" : "") +
            "</dl></div>");
          return m;
        }, function (d) { return [toSec(d.ts), toSec(d.ts)]; });
      });
    }
  });

  function portOf(ctx, id) { return ctx.portsById[id]; }

  register({
    id: "port_calls", title: "Port calls (observed / inferred)", color: "#16a085", order: 61, defaultOn: true,
    table: "port_calls",
    build: function (ctx) {
      return ctx.source.layer("port_calls").then(function (rows) {
        var items = [];
        rows.forEach(function (c) {
          var p = portOf(ctx, c.port_id);
          if (!p) return;
          // rings, not discs: every call at a port is drawn at the port, and hundreds stack
          var m = L.circleMarker([p.lat, p.lon], {
            radius: c.kind === "inferred" ? 12 : 9, weight: 2, color: c.kind === "inferred" ? "#0e6655" : "#16a085",
            dashArray: c.kind === "inferred" ? "3 3" : null, fillOpacity: 0, className: "dc-port-call"
          });
          m.bindPopup('<div class="dc-popup"><h4>' + esc(c.kind) + " port call at " + esc(p.name) + '</h4><dl class="dc-kv">' +
            "<dt>vessel</dt><dd>" + vesselLink(ctx, c.mmsi) + "</dd><dt>arrival</dt><dd>" + esc(fmtTime(c.arrival_ts)) +
            "</dd><dt>departure</dt><dd>" + esc(fmtTime(c.departure_ts)) + "</dd><dt>confidence</dt><dd>" + esc(c.confidence) + "</dd></dl></div>");
          items.push({ t0: toSec(c.arrival_ts), t1: toSec(c.departure_ts || c.arrival_ts), layer: m, row: c, lat: p.lat, lon: p.lon });
        });
        return items;
      });
    }
  });

  register({
    id: "shipments", title: "Shipments", color: "#8e44ad", order: 62, defaultOn: true,
    table: "shipments",
    build: function (ctx) {
      return ctx.source.layer("shipments").then(function (rows) {
        var items = [];
        rows.forEach(function (s) {
          var a = portOf(ctx, s.origin_port), b = portOf(ctx, s.destination_port);
          if (!a || !b) return;
          var line = L.polyline([[a.lat, a.lon], [b.lat, b.lon]], {
            color: "#8e44ad", weight: 3, opacity: 0.7, dashArray: s.inferred ? "2 8" : null, className: "dc-shipment"
          });
          line.bindPopup('<div class="dc-popup"><h4>Shipment ' + esc(s.origin_port) + " &rarr; " + esc(s.destination_port) + '</h4><dl class="dc-kv">' +
            "<dt>vessel</dt><dd>" + vesselLink(ctx, s.mmsi) + "</dd><dt>depart</dt><dd>" + esc(fmtTime(s.depart_ts)) +
            "</dd><dt>arrive</dt><dd>" + esc(fmtTime(s.arrive_ts)) + "</dd><dt>inferred</dt><dd>" + esc(s.inferred) +
            "</dd><dt>containers</dt><dd>" + esc(s.containers) + "</dd></dl></div>");
          items.push({ t0: toSec(s.depart_ts), t1: toSec(s.arrive_ts || s.depart_ts), layer: line, row: s, lat: a.lat, lon: a.lon });
        });
        return items;
      });
    }
  });

  register({
    id: "sightings", title: "Sightings", color: "#d35400", order: 63, defaultOn: true,
    table: "sightings",
    build: function (ctx) {
      return ctx.source.layer("sightings").then(function (rows) {
        var items = [];
        rows.forEach(function (s) {
          var p = portOf(ctx, s.place);
          if (!p) return;
          var m = L.circleMarker([p.lat, p.lon], { radius: 6, color: "#d35400", weight: 2, fillOpacity: 0, className: "dc-sighting" });
          m.bindPopup('<div class="dc-popup"><h4>' + esc(s.kind) + " at " + esc(p.name) + '</h4><dl class="dc-kv">' +
            "<dt>time</dt><dd>" + esc(fmtTime(s.ts)) + "</dd><dt>count</dt><dd>" + esc(s.count) +
            " (" + esc(s.count_low) + "&ndash;" + esc(s.count_high) + ")</dd><dt>source</dt><dd>" + esc(s.source) + "</dd></dl></div>");
          items.push({ t0: toSec(s.ts), t1: toSec(s.ts), layer: m, row: s, lat: p.lat, lon: p.lon });
        });
        return items;
      });
    }
  });

  window.DarkcargoLayers = {
    register: register,
    matters: matters,
    registerEventKind: registerEventKind,
    all: function () { return registry.slice(); },
    kindColor: kindColor,
    esc: esc,
    toSec: toSec,
    fmtTime: fmtTime,
    lowerBound: lowerBound,
    upperBound: upperBound
  };
})();
