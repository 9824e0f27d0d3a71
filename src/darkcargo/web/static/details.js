/* Each event's details as a sentence, and where it happened ("port or place"), for popups,
 * tables and vessel pages. The same rules, word for word, as darkcargo/report/describe.py
 * (the report's static tables and the CSV); a browser test compares the two on the same rows.
 */
(function () {
  "use strict";

  var DC = window.Darkcargo;

  var FIELD_NAMES = {
    name: "Name", callsign: "Call sign", imo: "IMO number", ship_type: "Ship type",
    length_m: "Length", beam_m: "Beam", destination: "Destination", mmsi: "MMSI"
  };
  function set(list) { var o = {}; list.forEach(function (k) { o[k] = true; }); return o; }
  var KNOWN = {
    port_call: set(["entry", "exit", "stop", "port_gap", "hours", "stop_start", "stop_end", "stops", "ais_off_in_port", "left_after", "left_before",
      "departure", "observed_hours", "stay_port_km", "sparse_track", "longest_silence_hours",
      "long_silence"]),
    gap: set(["hours", "distance_km", "implied_speed_kn", "start_shore_km", "end_shore_km", "start_port", "start_port_km", "end_port",
      "end_port_km", "prior_positions", "coastal_leg", "intentional_disabling", "sparse_track", "off_port", "off_port_km", "on_port", "on_port_km",
      "starts_in_port", "ends_in_port", "reachable_ports"]),
    encounter: set(["hours", "median_distance_m", "median_speed_kn", "other_median_speed_kn", "n_slots", "other_segment", "close_share",
      "shore_km", "near_shore"]),
    loitering: set(["hours", "mean_speed_kn", "min_shore_km", "n_positions", "shore_layer"]),
    identity_change: set(["field", "old", "new", "imo", "old_mmsi", "new_mmsi"]),
    spoof_jump: set(["jump_km", "implied_speed_kn", "n_positions", "mode", "host_segment", "from_segment", "hours"]),
    shared_mmsi: set(["segments", "overlap_hours"]),
    stop: set(["hours", "nearest_port", "nearest_port_km", "mean_speed_kn", "median_speed_kn", "in_port", "shore_km", "n_positions",
      "longest_silence_hours"]),
    port_presence: set(["hours", "closest_km", "max_speed_kn", "n_positions", "why_not_a_call"])
  };

  function isNum(v) { return typeof v === "number" && isFinite(v); }
  function fixed(x, d) { return Number(x).toFixed(d); }
  function km(x) { return fixed(x, Number(x) < 10 ? 1 : 0); }
  function when(iso) { var t = String(iso); return t.length >= 16 ? t.slice(0, 16).replace("T", " ") + " UTC" : t; }

  function valueText(v) {
    if (v === null || v === undefined) return "none";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (Array.isArray(v)) return v.map(valueText).join(", ");
    if (typeof v === "object") return JSON.stringify(v);
    if (typeof v === "number" && Math.floor(v) !== v) return fixed(v, 2).replace(/0+$/, "").replace(/\.$/, "");
    return String(v);
  }

  function restList(d, known) {
    return Object.keys(d).sort().filter(function (k) { return !known[k] && d[k] !== null && d[k] !== undefined; })
      .map(function (k) { return k.replace(/_/g, " ") + ": " + valueText(d[k]); }).join("; ");
  }

  function hoursOf(e, d) {
    if (isNum(d.hours)) return d.hours;
    var a = DC.toSec(e.start_ts), b = DC.toSec(e.end_ts);
    return a === null || b === null || !e.end_ts ? null : (b - a) / 3600;
  }

  function joinAnd(items) {
    if (items.length <= 1) return items.join("");
    return items.slice(0, -1).join(", ") + " and " + items[items.length - 1];
  }

  function portCall(e, d) {
    var h = hoursOf(e, d);
    var s = "In port at " + (e.port_id || "a watched port");
    if (h !== null) s += " for " + fixed(h, 1) + " h";
    var aStop = isNum(d.stops) && d.stops > 1 ? d.stops + " separate stops" : "a stop";
    var seen = [["entry", "entry"], ["stop", aStop], ["exit", "exit"]].filter(function (p) { return d[p[0]]; }).map(function (p) { return p[1]; });
    if ("entry" in d || "stop" in d || "exit" in d) s += seen.length ? "; seen: " + joinAnd(seen) : "; no entry, stop or exit seen";
    if (d.port_gap) s += "; AIS silent for hours inside the port";
    if (d.ais_off_in_port) {
      s += d.sparse_track ? "; no more reports from the port (a sparse track, so not proof that AIS went off)" : "; AIS went off in port";
      if (isNum(d.observed_hours) && (h === null || d.observed_hours < h)) s += " after " + fixed(d.observed_hours, 1) + " h seen there";
    }
    if (d.left_after && d.left_before) s += "; left between " + when(d.left_after) + " and " + when(d.left_before);
    else if (d.left_after) s += "; left after " + when(d.left_after);
    else if (d.left_before) s += "; left before " + when(d.left_before);
    if (d.long_silence && isNum(d.longest_silence_hours)) s += "; a silence of " + fixed(d.longest_silence_hours, 1) + " h in it, so the vessel may have left and come back";
    if (isNum(d.stay_port_km)) s += "; the stay centred " + km(d.stay_port_km) + " km from the port's listed position";
    return s + ".";
  }

  function gapEnd(d, side, old) {
    var port = d[side + "_port"] !== null && d[side + "_port"] !== undefined ? d[side + "_port"] : d[old + "_port"];
    var dist = d[side + "_port_km"];
    if (dist === null || dist === undefined) dist = d[old + "_port_km"];
    return [port, dist];
  }

  function gap(e, d) {
    var h = hoursOf(e, d);
    var s = "AIS silent" + (h !== null ? " for " + fixed(h, 1) + " h" : "");
    if (isNum(d.distance_km)) {
      s += " over " + km(d.distance_km) + " km";
      if (isNum(d.implied_speed_kn)) s += " (" + fixed(d.implied_speed_kn, 1) + " kn implied)";
    }
    var off = gapEnd(d, "off", "start"), on = gapEnd(d, "on", "end");
    if (off[0] && d.starts_in_port) s += "; went off in port at " + off[0];
    else if (off[0]) s += isNum(off[1]) ? "; went off " + km(off[1]) + " km from " + off[0] : "; went off near " + off[0];
    else if (isNum(d.start_shore_km)) s += "; went off " + km(d.start_shore_km) + " km from shore";
    if (on[0] && d.ends_in_port) s += "; came back in port at " + on[0];
    else if (on[0]) s += isNum(on[1]) ? "; came back " + km(on[1]) + " km from " + on[0] : "; came back near " + on[0];
    else if (isNum(d.end_shore_km)) s += "; came back " + km(d.end_shore_km) + " km from shore";
    if (Array.isArray(d.reachable_ports) && d.reachable_ports.length) s += "; could have reached " + d.reachable_ports.map(String).join(", ");
    if (d.intentional_disabling) s += "; flagged as likely intentional disabling";
    else if (d.coastal_leg) s += "; on a near-shore leg";
    if (d.sparse_track) s += "; the track reports this rarely anyway (no other position in the 12 h before)";
    return s + ".";
  }

  function encounter(e, d, label) {
    var o = e.other_mmsi;
    var who = o !== null && o !== undefined ? (label ? label(o) : String(o)) : "another vessel";
    var s = "Alongside " + who;
    if (isNum(d.median_distance_m)) s = "Within " + fixed(d.median_distance_m, 0) + " m (median) of " + who;
    var h = hoursOf(e, d);
    if (h !== null) s += " for " + fixed(h, 1) + " h";
    if (isNum(d.median_speed_kn) && isNum(d.other_median_speed_kn)) s += ", moving at " + fixed(d.median_speed_kn, 1) + " and " + fixed(d.other_median_speed_kn, 1) + " kn";
    if (isNum(d.close_share) && d.close_share < 1) s += "; close in " + fixed(100 * d.close_share, 0) + "% of that time";
    if (d.near_shore) s += "; " + (isNum(d.shore_km) ? km(d.shore_km) + " km from shore" : "near shore") + ": perhaps moored in a harbour the ports file lacks";
    return s + ".";
  }

  function loitering(e, d) {
    var h = hoursOf(e, d), s = "Slow";
    if (isNum(d.mean_speed_kn)) s += " (" + fixed(d.mean_speed_kn, 1) + " kn mean)";
    if (h !== null) s += " for " + fixed(h, 1) + " h";
    if (isNum(d.min_shore_km)) s += ", at least " + km(d.min_shore_km) + " km from shore";
    if (isNum(d.n_positions)) s += " (" + d.n_positions + " positions)";
    return s + ".";
  }

  function identityChange(e, d) {
    if (d.field === "mmsi") {
      return "Moved from MMSI " + valueText(d.old_mmsi) + " to " + valueText(d.new_mmsi) +
        (d.imo !== null && d.imo !== undefined ? " (IMO " + d.imo + ")." : ".");
    }
    var f = String(d.field || "identity");
    var name = FIELD_NAMES[f] || (f.replace(/_/g, " ").charAt(0).toUpperCase() + f.replace(/_/g, " ").slice(1));
    var old = d.old === null || d.old === undefined ? "(none)" : valueText(d.old);
    var nw = d["new"] === null || d["new"] === undefined ? "(none)" : valueText(d["new"]);
    return name + " changed from " + old + " to " + nw + ".";
  }

  function spoofJump(e, d) {
    var dist = isNum(d.jump_km) ? " " + km(d.jump_km) + " km" : "";
    var speed = isNum(d.implied_speed_kn) ? " (" + fixed(d.implied_speed_kn, 0) + " kn implied)" : "";
    if (d.mode === "teleport") return "Track teleported" + dist + speed + " between two segments of one MMSI.";
    if (d.mode === "impossible_move") {
      var hours = isNum(d.hours) ? " " + fixed(d.hours, 0) + " h later" : " later";
      return "Seen again" + dist + " away" + hours + speed + ": faster than any ship (two vessels on one MMSI, or a false position).";
    }
    var n = isNum(d.n_positions) ? " for " + d.n_positions + " position" + (d.n_positions === 1 ? "" : "s") : "";
    return "Position jumped" + dist + speed + n + ", then returned to the track.";
  }

  function sharedMmsi(e, d) {
    return "Two transmitters on one MMSI" + (isNum(d.overlap_hours) ? ": tracks overlap for " + fixed(d.overlap_hours, 1) + " h" : "") + ".";
  }

  function stop(e, d) {
    var h = hoursOf(e, d), s = "Stopped" + (h !== null ? " for " + fixed(h, 1) + " h" : "");
    if (isNum(d.median_speed_kn)) s += " (" + fixed(d.median_speed_kn, 1) + " kn median)";
    else if (isNum(d.mean_speed_kn)) s += " (" + fixed(d.mean_speed_kn, 1) + " kn mean)";
    if (d.nearest_port && d.in_port) s += ", in port at " + d.nearest_port;
    else if (d.nearest_port && isNum(d.nearest_port_km)) s += ", " + km(d.nearest_port_km) + " km from " + d.nearest_port + " (nearest port)";
    else if (d.nearest_port) s += ", nearest port " + d.nearest_port;
    if (!d.in_port && isNum(d.shore_km)) s += ", " + km(d.shore_km) + " km from shore";
    if (isNum(d.n_positions)) {
      s += " (" + d.n_positions + " positions";
      if (isNum(d.longest_silence_hours)) s += ", longest silence " + fixed(d.longest_silence_hours, 1) + " h";
      s += ")";
    }
    return s + ".";
  }

  function portPresence(e, d) {
    var s = "Seen at " + (e.port_id || "a port");
    if (isNum(d.closest_km)) s += " (" + km(d.closest_km) + " km from its listed position at closest)";
    var h = hoursOf(e, d);
    if (isNum(d.n_positions)) {
      s += ", " + d.n_positions + " positions";
      if (h !== null) s += " over " + fixed(h, 1) + " h";
    }
    if (isNum(d.max_speed_kn)) s += ", up to " + fixed(d.max_speed_kn, 1) + " kn";
    return s + (d.why_not_a_call ? "; not a port call: " + d.why_not_a_call + "." : "; not a port call.");
  }

  var WRITERS = {
    port_call: portCall, gap: gap, encounter: encounter, loitering: loitering,
    identity_change: identityChange, spoof_jump: spoofJump, shared_mmsi: sharedMmsi, stop: stop,
    port_presence: portPresence
  };

  // One event's details as a sentence (plus any keys the sentence does not use, listed).
  DC.describeEvent = function (e, label) {
    var d = e.details && typeof e.details === "object" && !Array.isArray(e.details) ? e.details : {};
    var w = WRITERS[e.kind];
    if (!w) return restList(d, {});
    var sentence = w(e, d, label);
    var rest = restList(d, KNOWN[e.kind]);
    return rest ? sentence + " Also: " + rest + "." : sentence;
  };

  // Where: the event's port; for a gap the nearest port at each end; for a stop its nearest port.
  DC.eventPlace = function (e) {
    if (e.port_id) return String(e.port_id);
    var d = e.details && typeof e.details === "object" ? e.details : {};
    if (e.kind === "gap") {
      var off = gapEnd(d, "off", "start"), on = gapEnd(d, "on", "end");
      var side = function (p, inPort) {
        if (inPort) return p[0] + " (in port)";
        return isNum(p[1]) ? p[0] + " (" + km(p[1]) + " km)" : String(p[0]);
      };
      var a = off[0] ? side(off, !!d.starts_in_port) : "", b = on[0] ? side(on, false) : "";
      if (a && b) return a + " → " + b;
      if (a) return "off near " + a;
      return b ? "on near " + b : "";
    }
    if (e.kind === "stop" && d.nearest_port) return "near " + d.nearest_port + (isNum(d.nearest_port_km) ? " (" + km(d.nearest_port_km) + " km)" : "");
    return "";
  };
})();
