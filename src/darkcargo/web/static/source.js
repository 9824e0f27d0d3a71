/* Data sources: the same questions answered by the server's JSON API (the dashboard) or by the
 * data embedded in the single-file report. Views only ever ask a source, so the dashboard and
 * the report tell the same story with the same code.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;

  // The token comes in the URL fragment (#token=...), never sent to the server by browsers;
  // kept for the tab's session, and removed from the address bar.
  function readToken() {
    var m = /(?:^|[#&])token=([^&]+)/.exec(window.location.hash || "");
    if (m) {
      try { window.sessionStorage.setItem("darkcargo-token", decodeURIComponent(m[1])); } catch (e) { /* private mode */ }
      window.location.hash = window.location.hash.replace(/(^#|&)token=[^&]+/, "$1");
      return decodeURIComponent(m[1]);
    }
    try { return window.sessionStorage.getItem("darkcargo-token"); } catch (e) { return null; }
  }

  function query(params) {
    var q = [];
    Object.keys(params || {}).forEach(function (k) {
      var v = params[k];
      if (v === null || v === undefined || v === "") return;
      (Array.isArray(v) ? v : [v]).forEach(function (x) { q.push(encodeURIComponent(k) + "=" + encodeURIComponent(x)); });
    });
    return q.length ? "?" + q.join("&") : "";
  }

  DC.serverSource = function (cfg) {
    var token = readToken();
    function request(path, params, accept) {
      var headers = { Accept: accept };
      if (token) headers.Authorization = "Bearer " + token;
      return fetch(cfg.api + path + query(params), { headers: headers }).then(function (r) {
        if (!r.ok) {
          var hint = r.status === 401 ? " (open the page as /#token=YOUR_TOKEN)" : "";
          throw new Error("GET " + path + ": HTTP " + r.status + hint);
        }
        return r;
      });
    }
    function get(path, params) { return request(path, params, "application/json").then(function (r) { return r.json(); }); }
    return {
      live: true,
      summary: function () { return get("/summary"); },
      vessels: function () { return get("/vessels"); },
      ports: function () { return get("/ports"); },
      estimates: function () { return get("/estimates"); },
      claims: function () { return get("/claims"); },
      land: function () { return get("/land"); },
      events: function () { return get("/events/overview"); },
      tracks: function (view) { return get("/tracks", { zoom: view.zoom, bbox: view.bbox }); },
      vessel: function (id) { return get("/vessels/" + encodeURIComponent(id)); },
      profile: function (id) { return get("/vessels/" + encodeURIComponent(id) + "/profile"); },
      vesselTrack: function (mmsi) { return get("/tracks/" + encodeURIComponent(mmsi), { zoom: 10 }); },
      layer: function (name) { return get("/layers/" + encodeURIComponent(name), { limit: 10000 }).then(function (r) { return r.items; }); },
      search: function (q) { return get("/search", { q: q, limit: 20 }); },
      // vessel risk: the ranking (paged), every score without evidence, one vessel's evidence
      risk: function (p) { return get("/risk", p); },
      riskScores: function () { return get("/risk/scores", { min_score: 0.001, limit: 5000 }); },
      vesselRisk: function (id) { return get("/vessels/" + encodeURIComponent(id) + "/risk"); },
      // the events table: sorted, filtered and paged by the server
      eventsTable: function (p) { return get("/events/table", p); },
      // every row matching the table's filters, as CSV streamed by the server
      eventsCsv: function (p) {
        var all = Object.assign({}, p);
        delete all.limit; delete all.offset;
        return request("/events.csv", all, "text/csv").then(function (r) { return r.blob(); });
      }
    };
  };

  // Long lists in the report are packed as {columns, rows, constants} (report/html.py pack()).
  DC.unpack = function (v) {
    if (!v || Array.isArray(v)) return v || [];
    var cols = v.columns || [], consts = v.constants || {};
    return (v.rows || []).map(function (r) {
      var o = {};
      Object.keys(consts).forEach(function (k) { o[k] = consts[k]; });
      for (var i = 0; i < cols.length; i++) o[cols[i]] = r[i];
      return o;
    });
  };

  var PORT_KEYS = ["start_port", "end_port", "off_port", "on_port", "nearest_port"];
  var SORT_KEYS = { start: "start_ts", end: "end_ts", kind: "kind", vessel: "mmsi", port: "port_id", hours: "hours", confidence: "confidence" };

  // The events table over the report's embedded events: the server's filters, in the page.
  function filterEvents(events, p, resolve, watched) {
    var kinds = p.kind ? (Array.isArray(p.kind) ? p.kind : [p.kind]) : null;
    var mmsis = p.vessel ? resolve(Number(p.vessel)) : null;
    var a = p.since ? DC.toSec(p.since) : null, b = p.until ? DC.toSec(p.until) : null;
    var box = p.bbox ? String(p.bbox).split(",").map(Number) : null;
    function inBox(lat, lon) { return lat !== null && lat !== undefined && lat >= box[1] && lat <= box[3] && lon >= box[0] && lon <= box[2]; }
    return events.filter(function (e) {
      if (kinds && kinds.indexOf(e.kind) < 0) return false;
      if (mmsis && mmsis.indexOf(e.mmsi) < 0 && mmsis.indexOf(e.other_mmsi) < 0) return false;
      if (p.watched && !watched[e.mmsi] && !watched[e.other_mmsi]) return false;
      if (p.port) {
        var d = e.details || {};
        if (e.port_id !== p.port && !PORT_KEYS.some(function (k) { return d[k] === p.port; })) return false;
      }
      var t0 = DC.toSec(e.start_ts), t1 = DC.toSec(e.end_ts || e.start_ts);
      if (a !== null && t1 < a) return false;
      if (b !== null && t0 > b) return false;
      if (box) {
        var noPlace = (e.lat === null || e.lat === undefined) && (e.end_lat === null || e.end_lat === undefined);
        if (!noPlace && !inBox(e.lat, e.lon) && !inBox(e.end_lat, e.end_lon)) return false;
      }
      var h = DC.hours(e);
      if (p.min_hours !== undefined && p.min_hours !== null && p.min_hours !== "" && !(h >= Number(p.min_hours))) return false;
      if (p.max_hours !== undefined && p.max_hours !== null && p.max_hours !== "" && !(h <= Number(p.max_hours))) return false;
      return true;
    });
  }

  function sortEvents(rows, sort, desc) {
    var key = SORT_KEYS[sort] || "start_ts";
    var val = key === "hours" ? DC.hours : function (e) { return e[key]; };
    return rows.map(function (e, i) { return { e: e, v: val(e), i: i }; }).sort(function (x, y) {
      var nx = x.v === null || x.v === undefined, ny = y.v === null || y.v === undefined;
      if (nx !== ny) return nx ? 1 : -1;  // nulls last either way
      var c = nx ? 0 : (x.v < y.v ? -1 : x.v > y.v ? 1 : 0);
      if (desc) c = -c;
      return c || (x.e.start_ts < y.e.start_ts ? -1 : x.e.start_ts > y.e.start_ts ? 1 : 0) || x.i - y.i;
    }).map(function (x) { return x.e; });
  }

  DC.embeddedSource = function (D) {
    function ok(v) { return Promise.resolve(v); }
    var events = DC.unpack(D.events);
    var layers = {};
    Object.keys(D.layers || {}).forEach(function (k) { layers[k] = DC.unpack(D.layers[k]); });
    var byId = {};
    events.forEach(function (e) { byId[e.event_id] = e; });
    var vessels = {}, watchedSet = {};
    (D.vessels || []).forEach(function (v) { vessels[v.mmsi] = v; if (v.watched) watchedSet[v.mmsi] = true; });
    function resolve(id) {
      if (vessels[id]) return [id];
      return (D.vessels || []).filter(function (v) { return v.imo === id; }).map(function (v) { return v.mmsi; });
    }
    function ofVessel(rows, mmsis) {
      return (rows || []).filter(function (r) { return mmsis.indexOf(r.mmsi) >= 0; });
    }
    function pageOf(id) {
      var mmsis = resolve(Number(id));
      return (D.vessel_details || {})[String(mmsis.length ? mmsis[0] : id)] || null;
    }
    // A vessel page from the report's parts: its page (identity history, matches, event ids)
    // when the report has one, else what the vessel list and the embedded events say.
    function vessel(id) {
      var mmsis = resolve(Number(id)), n = mmsis.length ? mmsis[0] : Number(id);
      var page = pageOf(n), v = vessels[n];
      if (!page && !v) return Promise.reject(new Error("no vessel " + id + " in this report"));
      var evs = page ? page.event_ids.map(function (i) { return byId[i]; }).filter(Boolean)
        : events.filter(function (e) { return e.mmsi === n || e.other_mmsi === n; });
      var own = page ? page.mmsis : [n];
      return ok({
        id: n, mmsis: own, identity: v || { mmsi: n }, vessels: v ? [v] : [],
        identity_history: page ? page.identity_history : null,
        identity_history_total: page ? page.identity_history_total : null,
        events: evs, events_total: v ? v.n_events : evs.length,
        matches: page ? page.matches : [],
        port_calls: ofVessel(layers.port_calls, own), shipments: ofVessel(layers.shipments, own),
        detections: (layers.detections || []).filter(function (d) { return own.indexOf(d.matched_mmsi) >= 0; }),
        partial: !page
      });
    }
    function profile(id) {
      var page = pageOf(id);
      if (page && page.profile) return ok(page.profile);
      var v = vessels[resolve(Number(id))[0]];
      if (!v) return Promise.reject(new Error("no vessel " + id + " in this report"));
      return ok({ id: v.mmsi, mmsis: [v.mmsi], facts: v.facts || {}, watch: D.watch || null, partial: true });
    }
    // what search looks through: every vessel's names (former ones from its page), call sign,
    // MMSI, IMO and case name
    function candidates() {
      return (D.vessels || []).map(function (v) {
        var page = (D.vessel_details || {})[String(v.mmsi)];
        var names = [];
        ((page && page.identity_history) || []).forEach(function (h) { if (h.name && names.indexOf(h.name) < 0) names.push(h.name); });
        return { v: v, names: names };
      });
    }
    // Vessel risk as the report holds it (report/html.py, web/risk.py risk_for_report): the
    // rows of the top vessels and of every vessel with a page, and every score.
    var R = D.risk || { total: 0, items: [] };
    var riskItems = (R.items || []).slice().sort(function (a, b) { return a.rank - b.rank; });
    function riskOf(id) {
      var n = Number(id), mmsis = resolve(n);
      return riskItems.filter(function (it) {
        return it.imo === n || (it.mmsis || []).some(function (m) { return mmsis.indexOf(m) >= 0; });
      })[0] || null;
    }
    function vesselRisk(id) {
      var it = riskOf(id);
      if (!it) {
        return ok({ score: null, rank: null, of: R.total || null, not_in_file: R.total ? R.top : null, contributions: [], matches: [], events: [], detections: [] });
      }
      var ids = {}, keys = {};
      (it.contributions || []).forEach(function (c) {
        ((c.rows || {}).events || []).forEach(function (i) { ids[i] = true; });
        ((c.rows || {}).detections || []).forEach(function (k) { keys[k] = true; });
      });
      return ok(Object.assign({}, it, {
        of: R.total, matches: (R.matches || {})[it.vessel_id] || [],
        events: Object.keys(ids).map(function (i) { return byId[i]; }).filter(Boolean),
        detections: (R.detections || []).filter(function (d) { return keys[d.key]; })
      }));
    }
    function risk(p) {
      var min = Number(p.min_score || 0);
      var top = riskItems.filter(function (it) { return it.rank <= (R.top || 0) && it.score >= min; });
      var total = min > 0 ? DC.unpack(R.scores).filter(function (x) { return x.score >= min; }).length : R.total || 0;
      var off = Number(p.offset || 0), lim = Number(p.limit || 50);
      return ok({ total: total, cap: top.length, limit: lim, offset: off, preset: R.preset, params_hash: R.params_hash, items: top.slice(off, off + lim) });
    }
    return {
      live: false,
      risk: risk,
      riskScores: function () { return ok({ total: R.total || 0, preset: R.preset, params_hash: R.params_hash, items: DC.unpack(R.scores) }); },
      vesselRisk: vesselRisk,
      summary: function () { return ok(D.summary); },
      vessels: function () { return ok(D.vessels || []); },
      ports: function () { return ok(D.ports || []); },
      estimates: function () { return ok(D.estimates || []); },
      claims: function () { return ok(D.claims || []); },
      land: function () { return ok(D.land); },
      events: function () { return ok({ items: events, total: D.events_total, kinds: (D.selection || {}).kinds || null }); },
      tracks: function () { return ok(D.tracks || { tracks: [] }); },
      vessel: vessel,
      profile: profile,
      vesselTrack: function (mmsi) {
        var t = ((D.tracks || {}).tracks || []).filter(function (x) { return x.mmsi === Number(mmsi); })[0];
        return ok(t || { mmsi: mmsi, runs: [] });
      },
      layer: function (name) { return ok(layers[name] || []); },
      search: function (q) { return ok(DC.matchVessels(candidates(), q, 20)); },
      eventsTable: function (p) {
        var rows = sortEvents(filterEvents(events, p, resolve, watchedSet), p.sort, p.order === "desc");
        var kinds = {};
        rows.forEach(function (e) { kinds[e.kind] = (kinds[e.kind] || 0) + 1; });
        var off = Number(p.offset || 0), lim = Number(p.limit || 100);
        return ok({ total: rows.length, items: rows.slice(off, off + lim), kinds: kinds, all: rows, offset: off, limit: lim });
      }
    };
  };
})();
