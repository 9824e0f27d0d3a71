/* Trips (the shipments table): a grid of trips per vessel and month, then every trip. A click on
 * a cell lists that vessel's trips of that month; a click on a trip shows its time window on
 * the map. The same on the dashboard and in the report.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h;
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function monthKey(iso) { return String(iso || "").slice(0, 7); }
  function monthLabel(key) { var p = key.split("-"); return MONTHS[Number(p[1]) - 1] + " " + p[0]; }
  function monthsBetween(a, b) {
    var out = [], y = Number(a.slice(0, 4)), m = Number(a.slice(5, 7));
    while (out.length < 240) {
      var k = y + "-" + (m < 10 ? "0" : "") + m;
      out.push(k);
      if (k >= b) break;
      m++; if (m > 12) { m = 1; y++; }
    }
    return out;
  }

  DC.App.prototype.renderShipments = function () {
    var self = this, box = DC.byId("dc-trips");
    var count = (this.summary.counts || {}).shipments;
    if (!count) {
      DC.fill(box, [h("h2", null, "Trips"), h("div", { "class": "dc-note" }, count === 0
        ? "No trips between the case's ports found (the shipments stage ran and found none)."
        : "The shipments stage has not run on this workspace: no trips yet.")]);
      return Promise.resolve();
    }
    return this.source.layer("shipments").then(function (rows) {
      rows = rows.slice().sort(function (a, b) { return a.depart_ts < b.depart_ts ? -1 : a.depart_ts > b.depart_ts ? 1 : 0; });
      self.trips = rows;
      self.drawShipments(rows);
    });
  };

  DC.App.prototype.tripVessel = function (s) {
    var v = this.vessels[s.mmsi];
    return (v && v.watched) || this.vesselLabel(s.mmsi);
  };

  DC.App.prototype.drawShipments = function (rows) {
    var self = this, box = DC.byId("dc-trips");
    if (!rows.length) { DC.fill(box, [h("h2", null, "Trips"), h("div", { "class": "dc-note" }, "No trips between the case's ports found.")]); return; }
    var months = monthsBetween(monthKey(rows[0].depart_ts), monthKey(rows[rows.length - 1].depart_ts));
    var byVessel = {}, order = [];
    rows.forEach(function (s) {
      var k = self.tripVessel(s);
      if (!byVessel[k]) { byVessel[k] = { name: k, mmsi: s.mmsi, cells: {}, total: 0, inferred: 0 }; order.push(k); }
      var r = byVessel[k], m = monthKey(s.depart_ts);
      var c = r.cells[m] || (r.cells[m] = { n: 0, inferred: 0 });
      c.n++; r.total++;
      if (s.inferred) { c.inferred++; r.inferred++; }
    });
    order.sort();
    var inferred = rows.filter(function (s) { return s.inferred; }).length;
    var list = h("div", { id: "dc-trips-list" });
    var show = function (vessel, month) { self.drawTripList(rows, list, vessel, month); };
    var head = h("tr", null, [h("th", null, "vessel")].concat(months.map(function (m) { return h("th", { "class": "num" }, monthLabel(m)); }),
      [h("th", { "class": "num" }, "all")]));
    var body = order.map(function (k) {
      var r = byVessel[k];
      return h("tr", { "data-trip-vessel": k }, [h("td", null, [DC.swatch(DC.colors.vessel(r.mmsi)), " ", h("span", { "class": "dc-link", "data-vessel": r.mmsi }, k)])]
        .concat(months.map(function (m) {
          var c = r.cells[m];
          if (!c) return h("td", { "class": "num dc-muted" }, "·");
          var td = h("td", { "class": "num dc-cell-link", "data-month": m, title: "list " + k + "'s trips of " + monthLabel(m) },
            [String(c.n), c.inferred ? h("span", { "class": "dc-note" }, " (" + c.inferred + " inf.)") : null]);
          td.addEventListener("click", function () { show(k, m); });
          return td;
        }), [h("td", { "class": "num" }, h("b", null, String(r.total)))]));
    });
    DC.fill(box, [
      h("h2", null, ["Trips ", h("span", { "class": "dc-note", id: "dc-trips-count", "data-count": rows.length },
        rows.length + " between the case's ports, " + inferred + " inferred")]),
      h("div", { "class": "dc-note" }, "Voyages of the watched vessels from an origin port to a destination port of the case, by month of departure. " +
        "An inferred trip rests on a dark gap (AIS off on the way) rather than an observed port call; its evidence says which. Click a month to list its trips."),
      h("div", { "class": "dc-scroll-x" }, h("table", { "class": "dc-table dc-grid", id: "dc-trips-months" }, [h("thead", null, head), h("tbody", null, body)])),
      list
    ]);
    show(null, null);
  };

  DC.App.prototype.drawTripList = function (rows, box, vessel, month) {
    var self = this;
    var shown = rows.filter(function (s) { return (!vessel || self.tripVessel(s) === vessel) && (!month || monthKey(s.depart_ts) === month); });
    var all = h("span", { "class": "dc-link", id: "dc-trips-all" }, "show every trip");
    all.addEventListener("click", function () { self.drawTripList(rows, box, null, null); });
    var table = DC.table(
      [{ title: "vessel" }, { title: "from" }, { title: "to" }, { title: "depart" }, { title: "arrive" }, { title: "days", num: true },
        { title: "observed or inferred" }, { title: "containers", num: true }, { title: "evidence" }],
      shown.map(function (s) {
        var days = s.arrive_ts ? (DC.toSec(s.arrive_ts) - DC.toSec(s.depart_ts)) / 86400 : null;
        var ev = s.evidence && typeof s.evidence === "object" ? s.evidence : {};
        return {
          attrs: { "data-trip": s.shipment_id || "" },
          cells: [self.vesselLink(s.mmsi), s.origin_port, s.destination_port, DC.fmtTime(s.depart_ts), DC.fmtTime(s.arrive_ts),
            days === null ? "" : days.toFixed(1), s.inferred ? "inferred" : "observed",
            s.containers === null || s.containers === undefined ? "" : DC.fmtNum(s.containers),
            [ev.reason || "", ev.confidence !== undefined && ev.confidence !== null ? " (confidence " + ev.confidence + ")" : ""]]
        };
      }), { id: "dc-trips-table" });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr"), function (tr, i) {
      tr.addEventListener("click", function (evt) {
        if (evt.target.closest && evt.target.closest("[data-vessel]")) return;
        var s = shown[i], a = DC.toSec(s.depart_ts), b = DC.toSec(s.arrive_ts || s.depart_ts);
        self.setWindow(a - 86400, b + 86400);
        DC.byId("dc-map").scrollIntoView({ behavior: "smooth", block: "center" });
      });
    });
    DC.fill(box, [
      h("h3", null, (vessel || month ? [vessel || "every vessel", month ? ", " + monthLabel(month) : "", " (" + shown.length + ") · ", all] : "Every trip (" + shown.length + ")")),
      h("div", { "class": "dc-scroll" }, table)
    ]);
  };
})();
