/* The events table: every event in the time window (and, by default, the map view), filtered by
 * kind, vessel, port and duration, sorted by any column, paged. On the dashboard the server
 * does the work (/api/events/table, every event in the workspace); in the report the page does
 * it over the events the file holds. "Download CSV" saves every row the filters match, not only
 * the page shown: streamed by the server (/api/events.csv) on the dashboard, written by the
 * page from the same rows in the report.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h;
  var PAGE_ROWS = 100;
  var REFRESH_MS = 250;
  var COLUMNS = [
    { key: "start", title: "start" }, { key: "end", title: "end" }, { key: "kind", title: "kind" },
    { key: "vessel", title: "vessel" }, { key: "port", title: "port or place" }, { key: "hours", title: "hours", num: true },
    { key: null, title: "what happened" }, { key: "confidence", title: "confidence", num: true }
  ];
  var CSV_COLUMNS = ["event_id", "kind", "mmsi", "vessel", "other_mmsi", "other_vessel", "start_ts", "end_ts", "hours", "port_id",
    "place", "description", "lat", "lon", "end_lat", "end_lon", "confidence", "preset", "params_hash", "details"];

  DC.App.prototype.buildEventsTable = function () {
    var self = this, kinds = this.summary.event_kinds || {};
    this.table = { sort: "start", order: "asc", offset: 0, seq: 0 };
    var kindSel = h("select", { id: "dc-ev-kind", "aria-label": "event kind" }, [h("option", { value: "" }, "every kind")].concat(
      Object.keys(kinds).map(function (k) { return h("option", { value: k }, DC.human(k) + " (" + DC.fmtNum(kinds[k]) + ")"); })));
    var portSel = h("select", { id: "dc-ev-port", "aria-label": "port" }, [h("option", { value: "" }, "any port")].concat(
      Object.keys(this.portsById).map(function (id) { return h("option", { value: id }, DC.shortName(self.portsById[id]) + " (" + id + ")"); })));
    var vessel = h("input", { id: "dc-ev-vessel", type: "text", inputmode: "numeric", size: 12, placeholder: "MMSI or IMO", "aria-label": "vessel MMSI or IMO" });
    var minH = h("input", { id: "dc-ev-min", type: "number", min: 0, step: "any", placeholder: "min h", "aria-label": "at least hours" });
    var maxH = h("input", { id: "dc-ev-max", type: "number", min: 0, step: "any", placeholder: "max h", "aria-label": "at most hours" });
    var watched = h("input", { id: "dc-ev-watched", type: "checkbox" });
    var area = h("input", { id: "dc-ev-area", type: "checkbox" });
    area.checked = true;
    var csv = h("button", { "class": "dc-btn", type: "button", id: "dc-ev-csv", title: "every row matching these filters, not only this page" }, "Download CSV");
    var clear = h("button", { "class": "dc-btn", type: "button", id: "dc-ev-clear" }, "Clear filters");
    this.table.inputs = { kind: kindSel, port: portSel, vessel: vessel, min: minH, max: maxH, area: area, watched: watched };
    var refresh = function () { self.table.offset = 0; self.refreshEventsTable(); };
    [kindSel, portSel, area, watched].forEach(function (x) { x.addEventListener("change", refresh); });
    [vessel, minH, maxH].forEach(function (x) { x.addEventListener("input", DC.debounce(refresh, REFRESH_MS)); });
    clear.addEventListener("click", function () {
      kindSel.value = ""; portSel.value = ""; vessel.value = ""; minH.value = ""; maxH.value = ""; area.checked = true; watched.checked = false;
      refresh();
    });
    csv.addEventListener("click", function () { self.downloadEventsCsv(); });
    var head = h("tr", null, COLUMNS.map(function (c) {
      var th = h("th", { "class": (c.num ? "num " : "") + (c.key ? "dc-sortable" : ""), "data-sort": c.key }, c.title);
      if (c.key) th.addEventListener("click", function () {
        if (self.table.sort === c.key) self.table.order = self.table.order === "asc" ? "desc" : "asc";
        else { self.table.sort = c.key; self.table.order = c.key === "hours" || c.key === "confidence" ? "desc" : "asc"; }
        refresh();
      });
      return th;
    }));
    var prev = h("button", { "class": "dc-btn", type: "button", id: "dc-ev-prev" }, "← previous");
    var next = h("button", { "class": "dc-btn", type: "button", id: "dc-ev-next" }, "next →");
    prev.addEventListener("click", function () { self.table.offset = Math.max(0, self.table.offset - PAGE_ROWS); self.refreshEventsTable(); });
    next.addEventListener("click", function () { self.table.offset += PAGE_ROWS; self.refreshEventsTable(); });
    this.table.pager = { prev: prev, next: next, range: h("span", { id: "dc-ev-range", "class": "dc-note" }) };
    DC.fill(DC.byId("dc-events"), [
      h("h2", null, ["Events ", h("span", { "class": "dc-note", id: "dc-events-count" })]),
      h("div", { "class": "dc-filters" }, [kindSel, " ", vessel, " ", portSel, " ", minH, "–", maxH, " h ",
        h("label", { "for": "dc-ev-watched" }, [watched, " watched vessels only"]), " ",
        h("label", { "for": "dc-ev-area" }, [area, " only in the map view"]), " ", clear, " ", csv]),
      h("div", { "class": "dc-note", id: "dc-ev-note" }, this.source.live
        ? "Every event in the workspace overlapping the time window; click a column to sort, a row to show it on the map."
        : "The events this report holds (every one that matters to the case, a sample of the common kinds) overlapping the time window; the export bundles hold all."),
      h("div", { "class": "dc-scroll" }, h("table", { "class": "dc-table", id: "dc-events-table" }, [h("thead", null, head), h("tbody")])),
      h("div", { "class": "dc-pager" }, [prev, " ", this.table.pager.range, " ", next])
    ]);
    this.onWindowChange = DC.debounce(refresh, REFRESH_MS);
    this.onMapMoved = DC.debounce(function () { if (area.checked) refresh(); }, REFRESH_MS);
  };

  // The filters as the API's query parameters.
  DC.App.prototype.eventsQuery = function () {
    var t = this.table, i = t.inputs, q = { sort: t.sort, order: t.order, limit: PAGE_ROWS, offset: t.offset };
    if (i.kind.value) q.kind = i.kind.value;
    if (i.port.value) q.port = i.port.value;
    if (i.watched.checked) q.watched = "true";
    var v = i.vessel.value.replace(/\D/g, "");
    i.vessel.classList.toggle("dc-invalid", !!i.vessel.value && !(v && v.length <= 9));
    if (v && v.length <= 9 && Number(v) > 0) q.vessel = v;
    if (i.min.value !== "" && Number(i.min.value) >= 0) q.min_hours = Number(i.min.value);
    if (i.max.value !== "" && Number(i.max.value) >= 0) q.max_hours = Number(i.max.value);
    if (!this.wholePeriod()) { q.since = DC.secToIso(this.time.a); q.until = DC.secToIso(this.time.b); }
    if (i.area.checked && this.map) {
      var b = this.map.getBounds();
      q.bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())]
        .map(function (x) { return x.toFixed(4); }).join(",");
    }
    return q;
  };

  DC.App.prototype.refreshEventsTable = function () {
    var self = this, seq = ++this.table.seq, q = this.eventsQuery();
    return this.source.eventsTable(q).then(function (res) {
      if (seq !== self.table.seq) return;  // a newer request is on its way
      if (res.items.length === 0 && q.offset > 0 && res.total > 0) {  // the filters shrank the set
        self.table.offset = Math.max(0, Math.floor((res.total - 1) / PAGE_ROWS) * PAGE_ROWS);
        self.refreshEventsTable();
        return;
      }
      self.renderEventRows(res, q);
    }).catch(function (err) {
      DC.fill(DC.byId("dc-events-count"), h("span", { "class": "dc-error" }, err.message || String(err)));
    });
  };

  DC.App.prototype.renderEventRows = function (res, q) {
    var self = this, label = function (m) { return self.vesselLabel(m); };
    var count = DC.byId("dc-events-count");
    count.textContent = DC.fmtNum(res.total) + " match";
    count.setAttribute("data-count", String(res.total));
    this._tableRows = res.items;
    this._tableAll = res.all || null;
    var tbody = DC.byId("dc-events-table").querySelector("tbody");
    var rows = res.items.map(function (e, i) {
      var hours = DC.hours(e);
      var tr = h("tr", { "data-event": i, "data-event-id": e.event_id }, [
        h("td", null, DC.fmtTime(e.start_ts)), h("td", null, DC.fmtTime(e.end_ts)), h("td", null, DC.kindChip(e.kind)),
        h("td", null, [self.vesselLink(e.mmsi), self.isWatched(e.mmsi) ? h("span", { "class": "dc-badge dc-watched" }, "watched") : null,
          e.other_mmsi ? [" ↔ ", self.vesselLink(e.other_mmsi)] : null]),
        h("td", null, DC.eventPlace(e)),
        h("td", { "class": "num" }, hours === null ? "" : hours.toFixed(1)),
        h("td", { "class": "dc-sentence" }, DC.describeEvent(e, label)),
        h("td", { "class": "num" }, e.confidence === null || e.confidence === undefined ? "" : Number(e.confidence).toFixed(2))
      ]);
      tr.addEventListener("click", function (ev) {
        if (ev.target.closest && ev.target.closest("[data-vessel]")) return;
        if (e.lat === null || e.lat === undefined) { self.openVessel(e.mmsi); return; }
        self.map.setView([e.lat, e.lon], Math.max(self.map.getZoom(), DC.CLUSTER_BELOW_ZOOM));
      });
      return tr;
    });
    DC.fill(tbody, rows.length ? rows : h("tr", null, h("td", { colspan: COLUMNS.length, "class": "dc-note" }, "No events match these filters in this time window.")));
    Array.prototype.forEach.call(DC.byId("dc-events-table").querySelectorAll("th[data-sort]"), function (th) {
      var on = th.getAttribute("data-sort") === q.sort;
      th.classList.toggle("dc-sorted", on);
      th.setAttribute("aria-sort", on ? (q.order === "desc" ? "descending" : "ascending") : "none");
    });
    var p = this.table.pager, first = res.total ? q.offset + 1 : 0, last = Math.min(res.total, q.offset + res.items.length);
    p.range.textContent = "rows " + DC.fmtNum(first) + "–" + DC.fmtNum(last) + " of " + DC.fmtNum(res.total);
    p.prev.disabled = q.offset <= 0;
    p.next.disabled = last >= res.total;
  };

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    if (typeof v === "object") v = JSON.stringify(v);
    var s = String(v);
    if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = "'" + s;  // a spreadsheet would run it
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  // The report's CSV: the same columns as the server's, from the rows the filters match.
  DC.eventsCsvText = function (rows, label) {
    var name = function (m) { return m === null || m === undefined ? "" : label(m); };
    var lines = [CSV_COLUMNS.join(",")];
    rows.forEach(function (e) {
      var hours = DC.hours(e);
      var cells = [e.event_id, e.kind, e.mmsi, name(e.mmsi), e.other_mmsi, name(e.other_mmsi), e.start_ts, e.end_ts,
        hours === null ? "" : Math.round(hours * 1000) / 1000, e.port_id, DC.eventPlace(e), DC.describeEvent(e, label),
        e.lat, e.lon, e.end_lat, e.end_lon, e.confidence, e.preset, e.params_hash, e.details === null || e.details === undefined ? "" : JSON.stringify(e.details)];
      lines.push(cells.map(csvCell).join(","));
    });
    return lines.join("\n") + "\n";
  };

  DC.App.prototype.downloadEventsCsv = function () {
    var self = this, q = this.eventsQuery(), button = DC.byId("dc-ev-csv");
    button.disabled = true;
    var blob = this.source.live ? this.source.eventsCsv(q)
      : this.source.eventsTable(Object.assign({}, q, { offset: 0, limit: 1e9 })).then(function (res) {
        return new Blob([DC.eventsCsvText(res.all, function (m) { return self.vesselLabel(m); })], { type: "text/csv" });
      });
    return blob.then(function (b) {
      var url = URL.createObjectURL(b);
      var a = h("a", { href: url, download: "darkcargo-events.csv", "class": "dc-hidden" });
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
      window.setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
    }).catch(function (err) {
      DC.fill(DC.byId("dc-events-count"), h("span", { "class": "dc-error" }, "CSV: " + (err.message || String(err))));
    }).then(function () { button.disabled = false; });
  };
})();
