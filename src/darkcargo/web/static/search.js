/* Vessel search in the header: name (any the vessel broadcast), MMSI, IMO or call sign,
 * forgiving typos. The dashboard asks the server (/api/search, rapidfuzz); the report matches
 * the vessels it holds here (matchVessels: exact, prefix, part, then one or two typos).
 * Enter or a click opens the vessel page; arrow keys move through the results.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;
  var h = DC.h;
  var TYPE_MS = 180;

  // Edit distance (Levenshtein), stopping early past `max`.
  function distance(a, b, max) {
    if (Math.abs(a.length - b.length) > max) return max + 1;
    var prev = [], cur = [], i, j;
    for (j = 0; j <= b.length; j++) prev[j] = j;
    for (i = 1; i <= a.length; i++) {
      cur = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        best = Math.min(best, cur[j]);
      }
      if (best > max) return max + 1;
      prev = cur;
    }
    return prev[b.length];
  }

  function textScore(q, t) {
    if (t === q) return 100;
    if (t.indexOf(q) === 0) return 95;
    if (t.indexOf(q) > 0) return 88;
    if (q.length < 4) return 0;
    var max = q.length >= 7 ? 2 : 1;
    var d = distance(q, t, max);
    return d <= max ? 80 - 5 * d : 0;
  }

  function digitScore(q, n) {
    var s = String(n);
    if (s === q) return 100;
    if (s.indexOf(q) === 0) return 90;
    return s.indexOf(q) >= 0 ? 75 : 0;
  }

  // candidates: [{v: vessel row, names: [every name it broadcast]}]; results like /api/search.
  DC.matchVessels = function (candidates, query, limit) {
    var q = String(query || "").toUpperCase().replace(/\s+/g, " ").trim();
    if (!q) return [];
    var digits = q.replace(/^IMO\s*/, "").replace(/^MMSI\s*/, "");
    var out = [];
    candidates.forEach(function (c) {
      var v = c.v, best = { score: 0 };
      function offer(score, field, text) { if (score > best.score) best = { score: score, field: field, text: text }; }
      if (/^\d{3,}$/.test(digits)) {
        offer(digitScore(digits, v.mmsi), "MMSI", String(v.mmsi));
        if (v.imo) offer(digitScore(digits, v.imo), "IMO", String(v.imo));
      }
      var texts = [["name", v.name], ["call sign", v.callsign], ["case name", v.watched]];
      (c.names || []).forEach(function (n) { if (n !== v.name) texts.push(["former name", n]); });
      texts.forEach(function (t) { if (t[1]) offer(textScore(q, String(t[1]).toUpperCase()), t[0], t[1]); });
      if (best.score >= 70) {
        out.push({ mmsi: v.mmsi, imo: v.imo, name: v.name, callsign: v.callsign, watched: v.watched, n_events: v.n_events,
          score: best.score, matched: best.field, matched_text: best.text });
      }
    });
    out.sort(function (a, b) { return b.score - a.score || (b.watched ? 1 : 0) - (a.watched ? 1 : 0) || a.mmsi - b.mmsi; });
    return out.slice(0, limit || 20);
  };

  DC.App.prototype.buildSearch = function () {
    var self = this;
    var input = h("input", { id: "dc-search", type: "search", placeholder: "Find a vessel: name, MMSI, IMO, call sign", autocomplete: "off",
      "aria-label": "find a vessel", "aria-controls": "dc-search-results", spellcheck: "false" });
    var list = h("ul", { id: "dc-search-results", "class": "dc-search-results", role: "listbox" });
    var seq = 0, active = -1;
    function close() { DC.clear(list); list.classList.remove("dc-open"); active = -1; }
    function mark(i) {
      var items = list.querySelectorAll("li[data-vessel]");
      active = Math.max(0, Math.min(i, items.length - 1));
      Array.prototype.forEach.call(items, function (li, j) { li.classList.toggle("dc-active", j === active); li.setAttribute("aria-selected", String(j === active)); });
    }
    function show(results, q) {
      DC.clear(list);
      list.classList.add("dc-open");
      if (!results.length) { list.appendChild(h("li", { "class": "dc-note" }, "No vessel matches “" + q + "”.")); return; }
      results.forEach(function (r) {
        list.appendChild(h("li", { "data-vessel": r.mmsi, role: "option" }, [
          DC.swatch(DC.colors.vessel(r.mmsi)), " ", h("b", null, r.name || "(no name)"),
          r.watched ? h("span", { "class": "dc-badge dc-watched" }, "watched") : null,
          h("span", { "class": "dc-note" }, " MMSI " + r.mmsi + (r.imo ? " · IMO " + r.imo : "") + (r.callsign ? " · " + r.callsign : "") +
            (r.matched !== "name" ? " · " + r.matched + ": " + r.matched_text : ""))
        ]));
      });
      mark(0);
    }
    var run = DC.debounce(function () {
      var q = input.value.trim(), mine = ++seq;
      if (!q) { close(); return; }
      self.source.search(q).then(function (res) { if (mine === seq) show(res, q); })
        .catch(function (err) { if (mine === seq) { DC.fill(list, h("li", { "class": "dc-error" }, err.message || String(err))); list.classList.add("dc-open"); } });
    }, TYPE_MS);
    input.addEventListener("input", run);
    input.addEventListener("keydown", function (ev) {
      var items = list.querySelectorAll("li[data-vessel]");
      if (ev.key === "ArrowDown") { mark(active + 1); ev.preventDefault(); }
      else if (ev.key === "ArrowUp") { mark(active - 1); ev.preventDefault(); }
      else if (ev.key === "Escape") close();
      else if (ev.key === "Enter" && items.length) {
        ev.preventDefault();
        self.openVessel(items[Math.max(active, 0)].getAttribute("data-vessel"));
        close();
      }
    });
    list.addEventListener("click", function () { window.setTimeout(close, 0); });
    document.addEventListener("click", function (ev) { if (!ev.target.closest || !ev.target.closest(".dc-search")) close(); });
    return h("div", { "class": "dc-search" }, [input, list]);
  };
})();
