/* Estimates against claims: one chart per quantity (each method's interval and median, the
 * estimate each claim meets at its own date with the claim's diamond on it), then the tables of
 * every estimate and claim. Claim labels are laid out with their measured widths so that none
 * sits on a marker, another label, a row title or the figures column.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h, svg = DC.svg, fmtNum = DC.fmtNum, human = DC.human;
  var W = 1000, LEFT = 240, RIGHT = 280, ROW_H = 26, LINE_H = 12, MARK = 7, LABEL_GAP = 12;
  // a marker's box as browsers measure it: its stroke's miter (limit 4) counted in
  var MARK_BOX = MARK + 2;

  // ---- estimates: which rows to plot, and how they read ---------------------------------------
  function periodOf(e) {
    var req = e.period_requested || "*..*";
    var a = (e.period_start || "").slice(0, 10), b = (e.period_end || "").slice(0, 10);
    if (req === "*..*") return { whole: true, label: "whole record" + (a || b ? " (" + a + " → " + b + ")" : ""), short: "whole record", key: "" };
    var parts = req.split("..");
    if (parts[0] === "*" || !parts[0]) return { whole: false, label: "up to " + parts[1], short: "up to " + parts[1], key: parts[1] };
    if (parts[1] === "*" || !parts[1]) return { whole: false, label: "from " + parts[0], short: "from " + parts[0], key: parts[0] };
    return { whole: false, label: parts[0] + " → " + parts[1], short: parts[0] + " → " + parts[1], key: parts[1] };
  }

  // Unverified parameters behind an estimate: its list, plus inputs its sensitivity analysis
  // flags unverified that the list does not already name (report/html.py unverified_of).
  function unverifiedOf(e) {
    var found = Array.isArray(e.unverified) ? e.unverified.map(String) : [];
    (Array.isArray(e.sensitivity) ? e.sensitivity : []).forEach(function (x) {
      if (!x || !x.unverified) return;
      var label = String(x.label || x.param);
      if (!found.some(function (u) { return u.toLowerCase().indexOf(label.toLowerCase()) >= 0; })) found.push(label);
    });
    return found;
  }
  function unvBadge(e) {
    var u = unverifiedOf(e);
    return u.length ? [" ", h("span", { "class": "dc-badge dc-unverified", title: u.join("; ") }, u.length + " unverified")] : null;
  }

  // The date a claim speaks of: its own date, else its document's publication date.
  function claimRef(c) { return String(c.claim_date || c.doc_published || "").slice(0, 10); }

  // Of a claim's gradings, the one per method whose estimate best matches the claim's own
  // period: the estimate cut at the claim's date (else the latest cut before it, else the
  // whole record). The other gradings stay in the tables.
  function ownGradings(c, byId) {
    var ref = claimRef(c), best = {};
    (c.gradings || []).forEach(function (g) {
      var e = g.estimate_id ? byId[g.estimate_id] : null;
      if (!e) return;
      var p = periodOf(e), score;
      if (p.whole) score = 1;
      else if (ref && p.key === ref) score = 3;
      else if (ref && p.key < ref) score = 2 + p.key.localeCompare(ref) * 1e-3;
      else score = 0;
      var k = e.quantity + "|" + e.method, cur = best[k];
      if (!cur || score > cur.score || (score === cur.score && p.key > periodOf(cur.est).key)) best[k] = { score: score, est: e, grade: g };
    });
    return Object.keys(best).map(function (k) { return best[k]; });
  }

  // Groups of chart rows, one per quantity: each method's whole-record estimate, then the
  // estimate each claim meets at its own date, with the claim on it; claims with no comparable
  // estimate on a row of their own. Per-container ratios only when a claim was graded on them.
  function chartGroups(estimates, claims) {
    var byId = {}, groups = {}, order = [];
    estimates.forEach(function (e) { byId[e.estimate_id] = e; });
    function group(q) {
      if (!groups[q]) { groups[q] = { quantity: q, rows: [], rowById: {}, loose: [] }; order.push(q); }
      return groups[q];
    }
    function estRow(g, e) {
      if (!g.rowById[e.estimate_id]) { g.rowById[e.estimate_id] = { est: e, claims: [] }; g.rows.push(g.rowById[e.estimate_id]); }
      return g.rowById[e.estimate_id];
    }
    var own = claims.map(function (c) { return ownGradings(c, byId); }), graded = {};
    own.forEach(function (list) { list.forEach(function (x) { graded[x.est.quantity] = true; }); });
    estimates.forEach(function (e) {
      if (!periodOf(e).whole || (/_per_container$/.test(e.quantity) && !graded[e.quantity])) return;
      estRow(group(e.quantity), e);
    });
    claims.forEach(function (c, i) {
      own[i].forEach(function (x) { estRow(group(x.est.quantity), x.est).claims.push({ claim: c, grade: x.grade }); });
      if (!own[i].length) group(c.quantity || c.item || c.unit || "other").loose.push({ claim: c, grade: (c.gradings || [])[0] || null });
    });
    order.forEach(function (q) {
      groups[q].rows.sort(function (a, b) {
        var pa = periodOf(a.est), pb = periodOf(b.est);
        return (a.est.method < b.est.method ? -1 : a.est.method > b.est.method ? 1 : 0) ||
          ((pa.whole ? 0 : 1) - (pb.whole ? 0 : 1)) || (pa.key < pb.key ? -1 : pa.key > pb.key ? 1 : 0);
      });
    });
    order.sort(function (a, b) { return (groups[b].rows.length ? 1 : 0) - (groups[a].rows.length ? 1 : 0); });
    return order.map(function (q) { return groups[q]; });
  }

  function niceTicks(d0, d1, n) {
    var raw = (d1 - d0) / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).filter(function (st) { return st >= raw; })[0] || 10 * mag;
    var out = [];
    for (var v = Math.ceil(d0 / step) * step; v <= d1 + 1e-9; v += step) out.push(v);
    return out;
  }
  function claimValue(c) {
    if (c.value !== null && c.value !== undefined) return c.value;
    if (c.low !== null && c.low !== undefined) return c.low;
    return c.high;
  }
  function present(v) { return v !== null && v !== undefined; }

  // ---- measuring and placing labels -------------------------------------------------------------
  function measurer(box) {
    var probe = svg("text", { x: 0, y: 20 });
    var s = svg("svg", { "class": "dc-measure", width: 10, height: 10, "aria-hidden": "true" }, probe);
    box.appendChild(s);
    return {
      width: function (text, cls) {
        probe.setAttribute("class", cls || "");
        probe.textContent = text;
        var w = probe.getComputedTextLength ? probe.getComputedTextLength() : 0;
        return w > 0 ? w : 6.2 * String(text).length;
      },
      done: function () { box.removeChild(s); }
    };
  }
  function overlaps(a, b) { return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]; }

  // Labels of one row's claims (y relative to the row, marker centre at CY): the first free
  // spot of right and left of the marker beside it, then lines below the markers. Returns the
  // placements and the row's extra height.
  var CY = 12;
  function layoutRow(list, x, log, obstacles, meas, text) {
    var marks = [], placed = [], maxLvl = 0;
    list.forEach(function (c) {
      var v = claimValue(c.claim);
      if (!present(v) || (log && v <= 0)) return;
      marks.push([x(v) - MARK_BOX - 1, CY - MARK_BOX - 1, x(v) + MARK_BOX + 1, CY + MARK_BOX + 1]);
    });
    var taken = obstacles.concat(marks);
    list.slice().sort(function (a, b) { return (claimValue(a.claim) || 0) - (claimValue(b.claim) || 0); }).forEach(function (c) {
      var v = claimValue(c.claim);
      if (!present(v) || (log && v <= 0)) return;
      var t = text(c.claim), w = meas.width(t, "dc-claim-label"), cx = x(v), spot = null;
      var tries = [
        { lvl: 0, anchor: "start", x: cx + LABEL_GAP, base: CY - 3 },
        { lvl: 0, anchor: "end", x: cx - LABEL_GAP, base: CY - 3 }
      ];
      for (var k = 1; k <= 12; k++) {
        tries.push({ lvl: k, anchor: "start", x: cx - 4, base: CY + MARK_BOX + 2 + LINE_H * k });
        tries.push({ lvl: k, anchor: "end", x: cx + 4, base: CY + MARK_BOX + 2 + LINE_H * k });
      }
      for (var i = 0; i < tries.length && !spot; i++) {
        var tr = tries[i], x0 = tr.anchor === "start" ? tr.x : tr.x - w;
        var r = [x0 - 1, tr.base - 10, x0 + w + 1, tr.base + 3];
        if (x0 < 2 || x0 + w > W - 2) continue;
        if (!taken.some(function (o) { return overlaps(o, r); })) { spot = tr; taken.push(r); }
      }
      if (!spot) spot = tries[tries.length - 1];
      maxLvl = Math.max(maxLvl, spot.lvl);
      placed.push({ c: c, text: t, spot: spot });
    });
    return { placed: placed, extra: maxLvl ? maxLvl * LINE_H + 8 : 0 };
  }

  DC.App.prototype.renderEstimates = function () {
    var self = this;
    return Promise.all([this.source.estimates(), this.source.claims()]).then(function (r) {
      self.drawEstimateChart(r[0], r[1]);
      if (self.cfg.mode !== "report") self.drawEstimateTables(r[0], r[1]);
    });
  };

  function legend() {
    var diamond = function (fill, stroke) { return svg("svg", { width: 12, height: 12, "aria-hidden": "true" }, svg("path", { d: "M6 0 L12 6 L6 12 L0 6 Z", fill: fill, stroke: stroke || "none" })); };
    var items = [h("span", null, [svg("svg", { width: 40, height: 10, "aria-hidden": "true" }, [svg("rect", { x: 0, y: 2, width: 40, height: 6, fill: "#9ec5e8" }),
      svg("line", { x1: 20, x2: 20, y1: 0, y2: 10, stroke: "#0b5cad", "stroke-width": 2 })]), " estimate: 5–95% interval and median"])];
    Object.keys(DC.colors.grades).forEach(function (g) { items.push(h("span", null, [diamond(DC.colors.grade(g)), " claim graded " + human(g)])); });
    items.push(h("span", null, [diamond("#fff", "#333"), " not graded"]));
    items.push(h("span", null, [h("span", { "class": "dc-badge dc-unverified" }, "N unverified"), " parameters behind the figure"]));
    return items;
  }

  DC.App.prototype.drawEstimateChart = function (estimates, claims) {
    var box = DC.byId("dc-chart");
    DC.fill(DC.byId("dc-legend"), legend());
    DC.clear(box);
    if (!estimates.length && !claims.length) { box.appendChild(h("div", { "class": "dc-note" }, "No estimates or claims in this workspace yet.")); return; }
    var meas = measurer(box);
    chartGroups(estimates, claims).forEach(function (g) {
      var chart = drawGroup(g, meas);
      if (chart) box.appendChild(chart);
    });
    meas.done();
    box.appendChild(h("div", { "class": "dc-note" }, "Each quantity on its own axis (logarithmic when all values are positive). “Whole record” rows span every trip; “up to” rows are the estimate cut at the date a claim refers to, with that claim plotted on it. Figures at the right: median (5–95%); ⚑ counts unverified parameters (hover for the list). Ratios per container appear here only when a claim was graded against them; the estimates table lists every row."));
  };

  function drawGroup(g, meas) {
    var vals = [];
    var push = function (v) { if (present(v) && isFinite(v)) vals.push(v); };
    g.rows.forEach(function (r) {
      [r.est.p05, r.est.p50, r.est.p95].forEach(push);
      r.claims.forEach(function (x) { [x.claim.value, x.claim.low, x.claim.high].forEach(push); });
    });
    g.loose.forEach(function (x) { [x.claim.value, x.claim.low, x.claim.high].forEach(push); });
    if (!vals.length) return null;
    var lo = Math.min.apply(null, vals), hi = Math.max.apply(null, vals), log = lo > 0, d0, d1, x;
    if (log) {
      d0 = Math.log10(lo) - 0.15; d1 = Math.log10(hi) + 0.15;
      if (d1 - d0 < 0.5) { d0 -= 0.25; d1 += 0.25; }
      x = function (v) { return LEFT + (Math.log10(v) - d0) / (d1 - d0) * (W - LEFT - RIGHT); };
    } else {
      var pad = (hi - lo || 1) * 0.08; d0 = lo >= 0 ? Math.max(0, lo - pad) : lo - pad; d1 = hi + pad;
      x = function (v) { return LEFT + (v - d0) / (d1 - d0) * (W - LEFT - RIGHT); };
    }
    function labelText(c) {
      var who = String(c.speaker || "");
      if (who.length > 22) who = who.split(/\s+/).slice(-1)[0];
      return (c.hedge ? c.hedge + " " : "") + fmtNum(claimValue(c)) + (who || claimRef(c) ? " · " + [who, claimRef(c)].filter(Boolean).join(", ") : "");
    }
    // rows: estimate rows, then the claims no estimate meets
    var rows = g.rows.map(function (r) {
      var e = r.est, p = periodOf(e), unv = unverifiedOf(e);
      var title = human(e.method) + " · " + p.short;
      var fig = fmtNum(e.p50) + " (" + fmtNum(e.p05) + "–" + fmtNum(e.p95) + ")" + (unv.length ? " ⚑ " + unv.length + " unverified" : "");
      return { kind: "est", r: r, e: e, p: p, unv: unv, title: title, fig: fig, claims: r.claims };
    });
    if (g.loose.length) rows.push({ kind: "loose", title: (g.rows.length ? "claims not comparable" : "claims") + " (" + g.loose.length + ")", claims: g.loose });
    rows.forEach(function (row) {
      var obstacles = [[0, 0, 4 + meas.width(row.title, "") + 6, ROW_H - 2]];
      if (row.fig) obstacles.push([W - RIGHT + 4, 0, W, ROW_H - 2]);
      row.layout = layoutRow(row.claims, x, log, obstacles, meas, labelText);
    });
    var H = 26 + 30 + rows.reduce(function (s, row) { return s + ROW_H + row.layout.extra; }, 0);
    var unit = g.rows.length ? (g.rows[0].est.unit || "") : "";
    var s = svg("svg", { "class": "dc-est-group", "data-quantity": g.quantity, viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "estimates and claims for " + human(g.quantity) });
    s.appendChild(svg("text", { x: 4, y: 15, "font-weight": 600 }, [human(g.quantity), unit ? svg("tspan", { "class": "dc-muted" }, " (" + unit + ")") : null,
      g.rows.length ? null : svg("tspan", { "class": "dc-muted" }, " — no estimate of this quantity")]));
    var y = 24;
    rows.forEach(function (row) {
      s.appendChild(svg("text", { x: 4, y: y + 16 }, row.kind === "est" ? [human(row.e.method), svg("tspan", { "class": "dc-muted" }, " · " + row.p.short)] : row.title));
      if (row.kind === "est") drawEstimate(s, row, x, log, y);
      row.layout.placed.forEach(function (pl) { drawClaim(s, pl, x, log, y); });
      y += ROW_H + row.layout.extra;
    });
    s.appendChild(drawAxis(x, log, d0, d1, y));
    return s;
  }

  function drawEstimate(s, row, x, log, y) {
    var e = row.e, p = row.p, unv = row.unv;
    if (present(e.p05) && present(e.p95) && (!log || e.p05 > 0)) {
      s.appendChild(svg("rect", { "class": "dc-est", x: x(e.p05).toFixed(1), y: y + 7, width: Math.max(2, x(e.p95) - x(e.p05)).toFixed(1), height: 10, fill: p.whole ? "#9ec5e8" : "#c9def0" },
        svg("title", null, human(e.quantity) + " by " + human(e.method) + ", " + p.label + ": " + fmtNum(e.p05) + " – " + fmtNum(e.p95) + " (median " + fmtNum(e.p50) + ")" + (unv.length ? "; unverified: " + unv.join("; ") : ""))));
    }
    if (present(e.p50) && (!log || e.p50 > 0)) {
      s.appendChild(svg("line", { x1: x(e.p50).toFixed(1), x2: x(e.p50).toFixed(1), y1: y + 4, y2: y + 20, stroke: "#0b5cad", "stroke-width": 2 }));
    }
    // the figures, with their unverified count right beside them
    s.appendChild(svg("text", { "class": "dc-est-figure", x: W - RIGHT + 8, y: y + 16 }, [fmtNum(e.p50), svg("tspan", { "class": "dc-muted" }, " (" + fmtNum(e.p05) + "–" + fmtNum(e.p95) + ")"),
      unv.length ? svg("tspan", { "class": "dc-unv-label" }, [" ⚑ " + unv.length + " unverified", svg("title", null, unv.join("; "))]) : null]));
  }

  function drawClaim(s, pl, x, log, y) {
    var c = pl.c.claim, grade = pl.c.grade, v = claimValue(c);
    var col = grade && grade.grade ? DC.colors.grade(grade.grade) : "#fff", cy = y + CY;
    if (present(c.low) && present(c.high) && c.low !== c.high && (!log || c.low > 0)) {
      s.appendChild(svg("line", { x1: x(c.low).toFixed(1), x2: x(c.high).toFixed(1), y1: cy, y2: cy, stroke: grade ? col : "#333", "stroke-width": 2 }));
    }
    var cx = x(v);
    var tip = "“" + String(c.quote || "").replace(/\s+/g, " ") + "” — " + (c.speaker || "?") + ", " + (c.claim_date || "undated") +
      (grade && grade.grade ? "; graded " + human(grade.grade) + (grade.reason ? " (" + grade.reason + ")" : "") : "; not graded");
    s.appendChild(svg("path", {
      "class": "dc-claim", d: "M" + cx.toFixed(1) + " " + (cy - MARK) + " L" + (cx + MARK).toFixed(1) + " " + cy + " L" + cx.toFixed(1) + " " + (cy + MARK) + " L" + (cx - MARK).toFixed(1) + " " + cy + " Z",
      fill: col, stroke: "#333", "stroke-width": 1, "fill-opacity": 0.9
    }, svg("title", null, tip)));
    var sp = pl.spot;
    s.appendChild(svg("text", { "class": "dc-claim-label", "text-anchor": sp.anchor, x: sp.x.toFixed(1), y: (y + sp.base).toFixed(1) }, pl.text));
  }

  function drawAxis(x, log, d0, d1, y) {
    var g = svg("g", { "class": "dc-axis" }, svg("line", { x1: LEFT, x2: W - RIGHT, y1: y + 4, y2: y + 4 }));
    var ticks = [];
    if (log) {
      var mults = d1 - d0 < 1.2 ? [1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9] : d1 - d0 < 3 ? [1, 2, 5] : [1];
      for (var pw = Math.floor(d0); pw <= Math.ceil(d1); pw++) {
        mults.forEach(function (m) { var v = m * Math.pow(10, pw), lv = Math.log10(v); if (lv >= d0 && lv <= d1) ticks.push(v); });
      }
    } else {
      ticks = niceTicks(d0, d1, 5);
    }
    var lastX = -Infinity;
    ticks.filter(function (v) { var px = x(v); if (px - lastX < 48) return false; lastX = px; return true; }).forEach(function (v) {
      g.appendChild(svg("line", { x1: x(v).toFixed(1), x2: x(v).toFixed(1), y1: y + 4, y2: y + 8 }));
      g.appendChild(svg("text", { x: x(v).toFixed(1), y: y + 20, "text-anchor": "middle" }, fmtNum(v)));
    });
    return g;
  }

  DC.App.prototype.drawEstimateTables = function (estimates, claims) {
    var byId = {};
    estimates.forEach(function (e) { byId[e.estimate_id] = e; });
    var parts = [];
    if (estimates.length) {
      var sorted = estimates.slice().sort(function (a, b) {
        var pa = periodOf(a), pb = periodOf(b);
        return (a.quantity < b.quantity ? -1 : a.quantity > b.quantity ? 1 : 0) || (a.method < b.method ? -1 : a.method > b.method ? 1 : 0) ||
          ((pa.whole ? 0 : 1) - (pb.whole ? 0 : 1)) || (pa.key < pb.key ? -1 : pa.key > pb.key ? 1 : 0);
      });
      parts.push(h("h3", null, "Estimates (" + estimates.length + ")"));
      parts.push(h("div", { "class": "dc-scroll" }, DC.table(
        [{ title: "quantity" }, { title: "method" }, { title: "period" }, { title: "5–95% (median)", num: true }, { title: "unit" }, { title: "drives the spread" }, { title: "assumptions" }, { title: "params" }],
        sorted.map(function (e) {
          var sens = (Array.isArray(e.sensitivity) ? e.sensitivity.slice(0, 3) : []).map(function (x, i) {
            return [i ? "; " : "", (x.label || x.param) + (x.range ? " (" + x.range + ")" : ""), x.unverified ? [" ", h("span", { "class": "dc-badge dc-unverified" }, "unverified")] : null];
          });
          var bind = e.binding && typeof e.binding === "object" ? Object.keys(e.binding).filter(function (k) { return e.binding[k] > 0; })
            .sort(function (a, b) { return e.binding[b] - e.binding[a]; }).map(function (k) { return human(k) + " " + Math.round(e.binding[k] * 100) + "%"; }) : [];
          var assum = Array.isArray(e.assumptions) ? e.assumptions : [];
          return { cells: [human(e.quantity), human(e.method), periodOf(e).label, [fmtNum(e.p05) + " – " + fmtNum(e.p95) + " (" + fmtNum(e.p50) + ")", unvBadge(e)], e.unit || "",
            [sens, bind.length ? [h("br"), h("span", { "class": "dc-note" }, "limited by " + bind.join(", "))] : null],
            assum.length ? h("details", null, [h("summary", null, String(assum.length)), assum.join("; ")]) : "",
            h("code", null, String(e.params_hash || "").slice(0, 12))] };
        }), { id: "dc-estimates-table" })));
    }
    if (claims.length) {
      parts.push(h("h3", null, "Claims (" + claims.length + ")"));
      parts.push(h("div", { "class": "dc-scroll" }, DC.table(
        [{ title: "date" }, { title: "speaker" }, { title: "quote" }, { title: "value", num: true }, { title: "as written" }, { title: "basis" }, { title: "quantity" }, { title: "grades" }],
        claims.map(function (c) {
          var grades = (c.gradings || []).map(function (g, i) {
            var e = g.estimate_id ? byId[g.estimate_id] : null;
            return [i ? h("br") : null, DC.chip(human(g.grade), DC.colors.grade(g.grade)), " ",
              e ? ["vs " + human(e.method) + ", " + periodOf(e).short + ": " + fmtNum(e.p05) + "–" + fmtNum(e.p95), unvBadge(e)] : g.reason || ""];
          });
          return { cells: [c.claim_date || "", [c.speaker || "", c.speaker_title ? [h("br"), h("span", { "class": "dc-note" }, c.speaker_title)] : null], c.quote || "", fmtNum(c.value),
            [c.hedge || "", c.bound ? [" ", h("span", { "class": "dc-note" }, "(" + c.bound + ")")] : null, c.negated ? [" ", h("b", null, "negated")] : null], c.basis || "",
            [human(c.quantity || c.unit), c.caliber ? " (" + c.caliber + ")" : ""], grades.length ? grades : "not graded"] };
        }), { id: "dc-claims-table" })));
    }
    DC.fill(DC.byId("dc-est-tables"), parts);
  };
})();
