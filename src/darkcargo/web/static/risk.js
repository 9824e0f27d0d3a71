/* Vessel risk: the ranked list beside the map, and the vessel page's "Sanctions and risk" panel
 * (score, rank, the preset and its hash, each contribution with its points, items, cap and
 * reason, and the rows behind it as links: events to the vessel's events table and map, port
 * calls and trips to their rows on the page, radar targets to the vessel's map, matches to the
 * listing they matched). The same on the dashboard (/api/risk, /api/vessels/ID/risk) and in
 * the report (the embedded rows); every value from the data is text.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h, fmtTime = DC.fmtTime;
  var RANKED_FIRST = 10, RANKED_STEP = 25, RANKED_MAX = 200;
  var MAX_CHIPS = 12;
  var MIN_SCORE = 0.001;  // the ranked list: vessels with a score
  var RUN_HINT = "darkcargo vessels --workspace WORKSPACE";

  // Each rule of the risk preset in a few words (its `why` says more); a user preset's own
  // rules by their names.
  var RULE_WORDS = {
    sanctioned_strong: "on a sanctions list (IMO or MMSI)",
    sanctioned_medium: "on a sanctions list (name with flag or call sign)",
    origin_port_call: "calls at origin ports",
    origin_port_call_inferred: "dark calls at origin ports (inferred)",
    destination_port_call: "calls at destination ports",
    gap_near_origin: "AIS off within reach of an origin port",
    gap_disabling: "AIS switched off (intentional-disabling test)",
    stop_near_origin: "stops near origin ports",
    encounter_listed: "meetings with sanctioned vessels",
    encounter_dark: "meetings with vessels dark near origin ports",
    encounter: "other meetings at sea",
    flag_change: "flag changes",
    identity_change: "identity changes",
    spoof_jump: "position jumps (spoofing)",
    shared_mmsi: "MMSI shared by two transmitters",
    loitering: "loitering at sea",
    dark_detection: "dark radar targets of its length",
    weak_name_match: "name resembles a listed vessel"
  };
  DC.ruleWords = function (rule) { return RULE_WORDS[rule] || DC.human(rule); };

  function isNum(x) { return typeof x === "number" && isFinite(x); }
  // Points as the CLI prints them, shorter: 72.1, 7.82, 0.5 (rounded as Python's format
  // rounds, report/html.py points_text, so the report's static table says the same).
  DC.fmtPoints = function (x) {
    if (!isNum(x)) return "";
    var t = x.toFixed(Math.abs(x) >= 10 ? 1 : 2);
    return t.indexOf(".") < 0 ? t : t.replace(/0+$/, "").replace(/\.$/, "");
  };
  function day(iso) { return String(iso || "").slice(0, 10); }
  function scored(list) { return (list || []).filter(function (c) { return c.points > 0; }); }
  // "listed (OFAC_SDN ...), calls at origin ports, ..." : the top reasons of a ranked row.
  function reasons(item, n) {
    return scored(item.contributions).slice(0, n || 3).map(function (c) { return DC.ruleWords(c.rule); }).join(" · ");
  }
  function opensAs(item) { return item.imo ? item.imo : item.mmsi; }
  function hashText(hash) { return hash ? String(hash) : ""; }

  // ---- the ranked list beside the map ---------------------------------------------------------
  DC.App.prototype.renderRiskList = function () {
    var box = DC.byId("dc-risk");
    if (!box) return Promise.resolve();
    this.riskList = { items: [], total: 0, want: RANKED_FIRST };
    DC.fill(box, h("div", { "class": "dc-note" }, "Loading the ranking…"));
    return this.loadRiskList().catch(function (err) {
      DC.fill(box, h("div", { "class": "dc-error" }, err.message || String(err)));
    });
  };

  DC.App.prototype.loadRiskList = function () {
    var self = this, st = this.riskList, have = st.items.length;
    if (have >= st.want && have) { this.drawRiskList(); return Promise.resolve(); }
    return this.source.risk({ limit: st.want - have, offset: have, min_score: MIN_SCORE }).then(function (res) {
      st.items = st.items.concat(res.items || []);
      st.total = res.total || 0;
      st.cap = res.cap === undefined ? null : res.cap;
      st.preset = res.preset;
      st.hash = res.params_hash;
      self.drawRiskList();
    });
  };

  DC.App.prototype.drawRiskList = function () {
    var self = this, st = this.riskList, box = DC.byId("dc-risk");
    if (!st.total) {
      DC.fill(box, h("p", { "class": "dc-note dc-empty-state", id: "dc-risk-empty" }, this.riskComputed
        ? "Risk was computed, and no vessel scored above 0."
        : ["Risk has not been computed for this workspace, so no vessel is ranked. Run ", h("code", null, RUN_HINT), " (the demo does), then reload."]));
      return;
    }
    var top = st.items.length ? Math.max(st.items[0].score, 1e-9) : 1;
    var rows = st.items.map(function (it) {
      var bar = h("span", { "class": "dc-riskbar-fill" });
      bar.style.width = Math.max(2, Math.round(100 * it.score / top)) + "%";
      return h("tr", { "data-vessel": opensAs(it), "data-risk-vessel": it.vessel_id, title: it.contributions ? "why: " + reasons(it, 6) : null }, [
        h("td", { "class": "num dc-risk-rank" }, String(it.rank)),
        h("td", null, [
          h("div", null, [DC.swatch(DC.colors.vessel(it.mmsi)), " ", h("b", null, it.name || it.vessel_id),
            it.sanctioned ? h("span", { "class": "dc-badge dc-sanctioned" }, "sanctioned") : null,
            self.isWatched(it.mmsi) ? h("span", { "class": "dc-badge dc-watched" }, "watched") : null]),
          it.contributions ? h("div", { "class": "dc-risk-why" }, reasons(it, 3)) : null]),
        h("td", { "class": "num dc-risk-score" }, [DC.fmtPoints(it.score), h("span", { "class": "dc-riskbar" }, bar)])
      ]);
    });
    var limit = Math.min(st.total, st.cap === null ? RANKED_MAX : st.cap);
    var more = null;
    if (st.items.length < limit) {
      more = h("button", { "class": "dc-btn", type: "button", id: "dc-risk-more" }, "show " + Math.min(RANKED_STEP, limit - st.items.length) + " more");
      more.addEventListener("click", function () { st.want = Math.min(limit, st.items.length + RANKED_STEP); self.loadRiskList(); });
    }
    var shown = st.items.length + " of " + DC.fmtNum(st.total) + " vessels with a score";
    var note = st.cap !== null && st.items.length >= limit && limit < st.total
      ? "; this file holds the top " + st.cap + " (`darkcargo vessels` lists all)" : "";
    DC.fill(box, [
      h("table", { "class": "dc-table dc-risk-table", id: "dc-risk-table" }, h("tbody", null, rows)),
      h("div", { "class": "dc-note" }, [shown + note + ". Points by the preset ", h("code", null, st.preset || ""), " ",
        h("code", { title: "hash of the preset's weights" }, hashText(st.hash)), "; click a vessel for the evidence."]),
      more
    ]);
  };

  // ---- the vessel page's panel ------------------------------------------------------------------
  DC.App.prototype.riskSection = function () {
    return h("section", { "class": "dc-vsection", id: "dc-vessel-sanctions" }, [h("h3", null, "Sanctions and risk"),
      h("div", { id: "dc-vessel-risk" }, h("div", { "class": "dc-note" }, "Loading risk…"))]);
  };

  // A listing as one shape: the risk API's flat match, or a match with its watchlist `entry`.
  function listing(m) {
    var e = m.entry || {};
    return {
      id: m.match_id, list: m.list || e.list, program: m.program || e.program, listed_on: m.listed_on || e.listed_on,
      listed_name: m.listed_name || e.name, entry_id: m.entry_id, kind: m.kind, strength: m.strength,
      fields: Array.isArray(m.fields) ? m.fields : m.fields ? [m.fields] : [], name: m.name, callsign: m.callsign,
      matched_name: m.matched_name, name_score: m.name_score, valid_from: m.valid_from, valid_to: m.valid_to,
      mmsi: m.mmsi, source: m.source || e.source, source_ref: m.source_ref || e.source_ref
    };
  }

  function matchesTable(list) {
    return h("div", { "class": "dc-scroll" }, DC.table(
      [{ title: "list" }, { title: "programme" }, { title: "listed name" }, { title: "listed on" }, { title: "strength" },
        { title: "fields that agreed" }, { title: "AIS identity and period" }, { title: "read from" }],
      list.map(function (m) {
        var strength = [m.kind ? h("b", null, m.kind) : null, isNum(m.strength) ? " " + Number(m.strength).toFixed(2) : ""];
        var ais = [m.name || "", m.callsign ? " · " + m.callsign : "", m.mmsi ? " · MMSI " + m.mmsi : "",
          h("div", { "class": "dc-note" }, fmtTime(m.valid_from) + " → " + fmtTime(m.valid_to))];
        return { attrs: { "data-match-id": m.id || null, "class": "dc-match-row" }, cells: [
          [m.list || "", m.entry_id ? h("div", { "class": "dc-note" }, m.entry_id) : null],
          m.program || "", [m.listed_name || "", m.matched_name && m.matched_name !== m.listed_name ? h("div", { "class": "dc-note" }, "as " + m.matched_name) : null],
          m.listed_on || "", strength,
          [m.fields.join(", "), isNum(m.name_score) ? h("div", { "class": "dc-note" }, "name " + Math.round(m.name_score) + "/100") : null],
          ais, [m.source || "", m.source_ref ? h("div", { "class": "dc-note" }, m.source_ref) : null]] };
      }), { id: "dc-vessel-matches" }));
  }

  // Evidence links of one contribution: each row it counted, as a button that shows it.
  DC.App.prototype.evidenceRefs = function (c, ctx) {
    var self = this, rows = c.rows || {}, refs = [];
    (rows.events || []).forEach(function (id) {
      var e = ctx.events[id];
      var label = e ? [DC.kindChip(e.kind), " " + day(e.start_ts) + (e.port_id ? " " + e.port_id : "")] : ["event " + id];
      refs.push(ref("event", id, label, e ? DC.human(e.kind) + " " + fmtTime(e.start_ts) + " → " + fmtTime(e.end_ts) + " (event " + id + ")"
        : "event " + id + ": not in this page's data", !e, function () { self.showRiskEvent(id, e); }));
    });
    (rows.port_calls || []).forEach(function (id) {
      var pc = ctx.calls[id];
      refs.push(ref("call", id, pc ? pc.port_id + " " + day(pc.arrival_ts) + (pc.kind === "inferred" ? " (dark)" : "") : "call " + id,
        pc ? (pc.kind || "") + " call at " + pc.port_id + ", " + fmtTime(pc.arrival_ts) + " → " + fmtTime(pc.departure_ts) + (isNum(pc.confidence) ? ", confidence " + Number(pc.confidence).toFixed(2) : "") : "port call " + id + ": not in this page's data",
        !pc, function () { self.showOnPage("[data-call-id=\"" + cssId(id) + "\"]"); }));
    });
    (rows.shipments || []).forEach(function (id) {
      var s = ctx.trips[id];
      refs.push(ref("trip", id, s ? "trip " + s.origin_port + " → " + s.destination_port + " " + day(s.depart_ts) : "trip " + id,
        s ? (s.inferred ? "inferred" : "observed") + " trip, " + fmtTime(s.depart_ts) + " → " + fmtTime(s.arrive_ts) : "trip " + id + ": not in this page's data",
        !s, function () { self.showOnPage("[data-shipment-id=\"" + cssId(id) + "\"]"); }));
    });
    (rows.detections || []).forEach(function (id) {
      var d = ctx.detections[id];
      refs.push(ref("target", id, d ? (isNum(d.length_m) ? Math.round(d.length_m) + " m target " : "target ") + (d.port_id ? d.port_id + " " : "") + day(d.ts) : "radar target",
        d ? (d.dark ? "dark" : "matched") + " radar target, " + fmtTime(d.ts) + ", scene " + d.scene_id : "radar target " + id + ": not in this page's data",
        !d, function () { self.showRiskDetection(id, d); }));
    });
    (rows.matches || []).forEach(function (id) {
      var m = ctx.matches[id];
      refs.push(ref("match", id, m ? (m.list || "list") + ": " + (m.listed_name || "") + (m.kind ? " (" + m.kind + ")" : "") : "match " + id,
        m ? "the listing below" : "match " + id, !m, function () { self.showOnPage("[data-match-id=\"" + cssId(id) + "\"]"); }));
    });
    if (!(rows.matches || []).length) {
      (rows.watchlist || []).forEach(function (id) { refs.push(h("span", { "class": "dc-ref dc-ref-missing" }, "entry " + id)); });
    }
    (rows.other_mmsi || []).forEach(function (m) { refs.push(h("span", { "class": "dc-ref dc-ref-vessel" }, self.vesselLink(Number(m)))); });
    if (refs.length <= MAX_CHIPS) return h("div", { "class": "dc-refs" }, refs);
    var rest = h("span", { "class": "dc-hidden" }, refs.slice(MAX_CHIPS));
    var more = h("button", { "class": "dc-btn dc-ref-more", type: "button" }, "+" + (refs.length - MAX_CHIPS) + " more");
    more.addEventListener("click", function () { rest.classList.remove("dc-hidden"); more.classList.add("dc-hidden"); });
    return h("div", { "class": "dc-refs" }, [refs.slice(0, MAX_CHIPS), rest, more]);
  };

  function cssId(id) { return String(id).replace(/["\\]/g, "\\$&"); }

  function ref(kind, id, label, title, missing, onClick) {
    var b = h("button", { type: "button", "class": "dc-ref dc-ref-" + kind + (missing ? " dc-ref-missing" : ""), "data-ref": kind, "data-ref-id": id, title: title }, label);
    b.addEventListener("click", onClick);
    return b;
  }

  function contributionsTable(app, r, ctx) {
    var top = Math.max.apply(null, r.contributions.map(function (c) { return c.points || 0; }).concat([1e-9]));
    return DC.table([{ title: "reason" }, { title: "points", num: true }, { title: "items × points" }, { title: "rows behind it" }],
      r.contributions.map(function (c) {
        var bar = h("span", { "class": "dc-riskbar-fill" });
        bar.style.width = Math.max(1, Math.round(100 * (c.points || 0) / top)) + "%";
        var weak = !(c.per_item > 0) && !(c.points > 0);
        return { attrs: { "data-rule": c.rule, "class": "dc-contrib" + (weak ? " dc-contrib-unscored" : "") }, cells: [
          [h("b", null, DC.ruleWords(c.rule)), c.why && c.why !== DC.ruleWords(c.rule) ? h("div", { "class": "dc-note dc-why" }, c.why) : null],
          [DC.fmtPoints(c.points), h("span", { "class": "dc-riskbar" }, bar)],
          weak ? h("span", { "class": "dc-note" }, c.count + " × shown, not scored")
            : [c.count + " × " + DC.fmtPoints(c.per_item), h("div", { "class": "dc-note" }, "cap " + DC.fmtPoints(c.cap)),
              c.capped ? h("span", { "class": "dc-badge dc-capped" }, "cap reached") : null],
          app.evidenceRefs(c, ctx)
        ] };
      }), { id: "dc-vessel-contributions" });
  }

  // Lookups for the evidence links: what the page (and the risk answer) holds, by id.
  function context(v, r, matches) {
    var ctx = { events: {}, calls: {}, trips: {}, detections: {}, matches: {} };
    (r.events || []).forEach(function (e) { ctx.events[e.event_id] = e; });
    (v.events || []).forEach(function (e) { ctx.events[e.event_id] = e; });
    (v.port_calls || []).forEach(function (c) { if (c.call_id) ctx.calls[c.call_id] = c; });
    (v.shipments || []).forEach(function (s) { if (s.shipment_id) ctx.trips[s.shipment_id] = s; });
    (r.detections || []).forEach(function (d) { ctx.detections[d.key] = d; });
    matches.forEach(function (m) { if (m.id) ctx.matches[m.id] = m; });
    return ctx;
  }

  // Fill the panel once the vessel page is drawn: r is the risk answer (or {error}).
  DC.App.prototype.fillRiskPanel = function (v, p, r) {
    var box = DC.byId("dc-vessel-risk");
    if (!box) return;
    if (!r || r.error) {
      DC.fill(box, h("div", { "class": "dc-error" }, "Risk: " + ((r && r.error && r.error.message) || "not available")));
      return;
    }
    var w = p && p.watch, lists = w ? !!w.ran : null;
    var raw = (r.matches && r.matches.length ? r.matches : (w && w.matches) || v.matches || []);
    var matches = raw.map(listing);
    var parts = [];
    if (r.score === null || r.score === undefined) {
      parts.push(h("p", { "class": "dc-note dc-empty-state", id: "dc-risk-none" }, r.not_in_file
        ? "This vessel's risk is not in this file: the report holds the risk of the top " + r.not_in_file + " vessels and of every vessel with a full page. `darkcargo vessel " + (v.mmsis || [v.id])[0] + "` shows it."
        : r.of ? "This vessel has no risk row: risk was computed before its data arrived. Run " + RUN_HINT + " again."
          : ["Risk has not been computed for this workspace: run ", h("code", null, RUN_HINT), " (the demo does), then reload."]));
    } else {
      parts.push(h("div", { "class": "dc-risk-head", id: "dc-risk-head" }, [
        h("span", { "class": "dc-risk-total" }, DC.fmtPoints(r.score)), " points · ",
        h("b", null, "rank " + r.rank + " of " + DC.fmtNum(r.of)),
        r.sanctioned ? h("span", { "class": "dc-badge dc-sanctioned" }, "sanctioned") : null,
        h("div", { "class": "dc-note" }, ["preset ", h("code", null, r.preset || ""), " · weights hash ", h("code", null, hashText(r.params_hash)),
          " · vessel ", h("code", null, r.vessel_id || ""), (r.mmsis || []).length > 1 ? " (MMSIs " + r.mmsis.join(", ") + ")" : ""])
      ]));
      var scoredRows = scored(r.contributions);
      if (!r.contributions.length) {
        parts.push(h("p", { "class": "dc-note" }, "Score 0: none of the preset's rules found anything for this vessel."));
      } else {
        parts.push(contributionsTable(this, r, context(v, r, matches)));
        parts.push(h("p", { "class": "dc-note" }, "The score is the sum of the points: each rule gives its points per item, scaled by the item's confidence where it has one (a port call's, a dark call's), and stops at its cap; " +
          (scoredRows.length < r.contributions.length ? "a name that only resembles a listed vessel is shown but not scored; " : "") +
          "the buttons show the rows counted."));
      }
    }
    if (lists === false) {
      parts.push(h("p", { "class": "dc-note dc-empty-state", id: "dc-lists-none" }, ["No sanctions list is loaded (", h("code", null, "darkcargo sanctions load FILE"),
        "), so a listing cannot show here and the score counts behaviour only. Absence here is not a clean record."]));
    } else if (!matches.length) {
      parts.push(h("p", { "class": "dc-note" }, "No match on the sanctions lists loaded" + (w && w.watchlist_entries ? " (" + DC.fmtNum(w.watchlist_entries) + " entries)" : "") + "."));
    }
    if (matches.length) parts.push(h("h4", null, "Sanctions listings matched (" + matches.length + ")"), matchesTable(matches));
    DC.fill(box, parts);
    this._riskDetections = r.detections || [];
    this.drawRiskDetections();
  };

  // Scroll the page's row of an item into view and mark it.
  DC.App.prototype.showOnPage = function (selector) {
    var body = DC.byId("dc-vessel-body"), el = body ? body.querySelector(selector) : null;
    if (!el) return false;
    Array.prototype.forEach.call(body.querySelectorAll(".dc-hit"), function (x) { x.classList.remove("dc-hit"); });
    el.classList.add("dc-hit");
    if (el.scrollIntoView) el.scrollIntoView({ block: "center" });
    return true;
  };

  // One open tooltip at a time on the vessel's map.
  function closeTips(map) { map.eachLayer(function (l) { if (l.closeTooltip) l.closeTooltip(); }); }

  // An event: its row in the vessel's events table, and where it happened on the vessel's map.
  DC.App.prototype.showRiskEvent = function (id, e) {
    var inTable = this.showOnPage("tr[data-event-id=\"" + cssId(id) + "\"]");
    var marker = this._vmapEvents && this._vmapEvents[id];
    if (this.vmap) closeTips(this.vmap);
    if (this.vmap && e && isNum(e.lat)) {
      this.vmap.setView([e.lat, e.lon], Math.max(this.vmap.getZoom(), 8));
      if (marker && marker.openTooltip) marker.openTooltip();
    }
    if (!inTable) this.showOnPage("#dc-vessel-map");
  };

  // A radar target: on the vessel's map (dark targets are no row of the vessel's own).
  DC.App.prototype.showRiskDetection = function (id, d) {
    var m = this._vmapDetections && this._vmapDetections[id];
    if (this.vmap) closeTips(this.vmap);
    if (this.vmap && d && isNum(d.lat)) {
      this.vmap.setView([d.lat, d.lon], Math.max(this.vmap.getZoom(), 9));
      if (m) m.openTooltip();
    }
    this.showOnPage("#dc-vessel-map");
  };

  // The radar targets risk counted, on the vessel's map (when both are ready).
  DC.App.prototype.drawRiskDetections = function () {
    var map = this.vmap, self = this;
    this._vmapDetections = {};
    if (!map || !this._riskDetections) return;
    this._riskDetections.forEach(function (d) {
      if (!isNum(d.lat)) return;
      var tip = function () {
        return DC.text((d.dark ? "dark" : "matched") + " radar target " + (isNum(d.length_m) ? Math.round(d.length_m) + " m " : "") + "at " + fmtTime(d.ts) +
          (d.port_id ? " (" + d.port_id + ")" : "") + ": counted in this vessel's risk");
      };
      self._vmapDetections[d.key] = L.circleMarker([d.lat, d.lon], { radius: 7, color: "#c0392b", weight: 2, fillOpacity: 0.5, className: "dc-risk-detection" })
        .bindTooltip(tip).addTo(map);
    });
  };
})();
