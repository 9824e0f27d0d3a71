"""Each event's details as a sentence an analyst reads, not a dump of the detector's keys.

The dashboard writes the same sentences in the browser (static/details.js); the two follow the
same rules word for word, and a browser test compares them on the same rows. Keys a kind's
sentence does not know (a detector that gained a field, a kind this version has never seen)
are appended as a readable list, never dropped.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

Label = Callable[[int], str]

FIELD_NAMES = {
    "name": "Name",
    "callsign": "Call sign",
    "imo": "IMO number",
    "ship_type": "Ship type",
    "length_m": "Length",
    "beam_m": "Beam",
    "destination": "Destination",
    "mmsi": "MMSI",
}
# Keys each kind's sentence speaks of; any other key is listed after the sentence.
KNOWN_KEYS: dict[str, frozenset[str]] = {
    "port_call": frozenset(
        {
            "entry",
            "exit",
            "stop",
            "port_gap",
            "hours",
            "stop_start",
            "stop_end",
            "stops",
            "ais_off_in_port",
            "left_after",
            "left_before",
            "departure",
            "observed_hours",
            "stay_port_km",
            "sparse_track",
            "longest_silence_hours",
            "long_silence",
        }
    ),
    "gap": frozenset(
        {
            "hours",
            "distance_km",
            "implied_speed_kn",
            "start_shore_km",
            "end_shore_km",
            "start_port",
            "start_port_km",
            "end_port",
            "end_port_km",
            "prior_positions",
            "coastal_leg",
            "intentional_disabling",
            "sparse_track",
            "off_port",
            "off_port_km",
            "on_port",
            "on_port_km",
            "starts_in_port",
            "ends_in_port",
            "reachable_ports",
        }
    ),
    "encounter": frozenset(
        {
            "hours",
            "median_distance_m",
            "median_speed_kn",
            "other_median_speed_kn",
            "n_slots",
            "other_segment",
            "close_share",
            "shore_km",
            "near_shore",
        }
    ),
    "loitering": frozenset(
        {"hours", "mean_speed_kn", "min_shore_km", "n_positions", "shore_layer"}
    ),
    "identity_change": frozenset({"field", "old", "new", "imo", "old_mmsi", "new_mmsi"}),
    "spoof_jump": frozenset(
        {
            "jump_km",
            "implied_speed_kn",
            "n_positions",
            "mode",
            "host_segment",
            "from_segment",
            "hours",
        }
    ),
    "shared_mmsi": frozenset({"segments", "overlap_hours"}),
    "stop": frozenset(
        {
            "hours",
            "nearest_port",
            "nearest_port_km",
            "mean_speed_kn",
            "median_speed_kn",
            "in_port",
            "shore_km",
            "n_positions",
            "longest_silence_hours",
        }
    ),
    "port_presence": frozenset(
        {"hours", "closest_km", "max_speed_kn", "n_positions", "why_not_a_call"}
    ),
}


def fixed(x: Any, digits: int) -> str:
    """x with `digits` decimals, halves rounded up (as JavaScript's toFixed does)."""
    q = Decimal(1).scaleb(-digits)
    return str(Decimal(float(x)).quantize(q, rounding=ROUND_HALF_UP))


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def km(x: Any) -> str:
    """Kilometres: one decimal under 10 km, whole above."""
    return fixed(x, 1 if float(x) < 10 else 0)


def when(iso: Any) -> str:
    """'2023-09-07T10:00:00Z' -> '2023-09-07 10:00 UTC'."""
    text = str(iso)
    return text[:16].replace("T", " ") + " UTC" if len(text) >= 16 else text


def value_text(v: Any) -> str:
    """A detail value as a reader writes it: yes/no, lists joined, numbers plain."""
    if v is None:
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, list):
        return ", ".join(value_text(x) for x in v)
    if isinstance(v, dict):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(v, float):
        return fixed(v, 2).rstrip("0").rstrip(".")
    return str(v)


def key_text(k: str) -> str:
    return k.replace("_", " ")


def rest_list(details: Mapping[str, Any], known: frozenset[str]) -> str:
    """The keys no sentence used, as 'key: value; key: value'."""
    parts = [
        f"{key_text(k)}: {value_text(v)}"
        for k, v in sorted(details.items())
        if k not in known and v is not None
    ]
    return "; ".join(parts)


def _hours(e: Mapping[str, Any], d: Mapping[str, Any]) -> float | None:
    h = d.get("hours")
    if isinstance(h, int | float) and not isinstance(h, bool):
        return float(h)
    a, b = e.get("start_ts"), e.get("end_ts")
    if not a or not b:
        return None
    try:
        span = datetime.fromisoformat(str(b)) - datetime.fromisoformat(str(a))
    except ValueError:
        return None
    return span.total_seconds() / 3600


def _join_and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _port_call(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    h = _hours(e, d)
    s = f"In port at {e.get('port_id') or 'a watched port'}"
    if h is not None:
        s += f" for {fixed(h, 1)} h"
    stops = d.get("stops")
    a_stop = f"{stops} separate stops" if isinstance(stops, int) and stops > 1 else "a stop"
    seen = [w for k, w in (("entry", "entry"), ("stop", a_stop), ("exit", "exit")) if d.get(k)]
    if any(k in d for k in ("entry", "stop", "exit")):
        s += "; seen: " + _join_and(seen) if seen else "; no entry, stop or exit seen"
    if d.get("port_gap"):
        s += "; AIS silent for hours inside the port"
    if d.get("ais_off_in_port"):
        s += (
            "; no more reports from the port (a sparse track, so not proof that AIS went off)"
            if d.get("sparse_track")
            else "; AIS went off in port"
        )
        seen_h = d.get("observed_hours")
        if isinstance(seen_h, int | float) and _is_num(seen_h) and (h is None or seen_h < h):
            s += f" after {fixed(seen_h, 1)} h seen there"
    a, b = d.get("left_after"), d.get("left_before")
    if a and b:
        s += f"; left between {when(a)} and {when(b)}"
    elif a:
        s += f"; left after {when(a)}"
    elif b:
        s += f"; left before {when(b)}"
    if d.get("long_silence") and _is_num(d.get("longest_silence_hours")):
        s += (
            f"; a silence of {fixed(d['longest_silence_hours'], 1)} h in it, so the vessel may "
            "have left and come back"
        )
    if _is_num(d.get("stay_port_km")):
        s += f"; the stay centred {km(d['stay_port_km'])} km from the port's listed position"
    return s + "."


def _gap_end(d: Mapping[str, Any], new: str, old: str) -> tuple[Any, Any]:
    port = d.get(f"{new}_port") if d.get(f"{new}_port") is not None else d.get(f"{old}_port")
    dist = d.get(f"{new}_port_km")
    if dist is None:
        dist = d.get(f"{old}_port_km")
    return port, dist


def _gap(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    h = _hours(e, d)
    s = "AIS silent" + (f" for {fixed(h, 1)} h" if h is not None else "")
    if _is_num(d.get("distance_km")):
        s += f" over {km(d['distance_km'])} km"
        if _is_num(d.get("implied_speed_kn")):
            s += f" ({fixed(d['implied_speed_kn'], 1)} kn implied)"
    off, off_km = _gap_end(d, "off", "start")
    on, on_km = _gap_end(d, "on", "end")
    if off and d.get("starts_in_port"):
        s += f"; went off in port at {off}"
    elif off:
        s += (
            f"; went off {km(off_km)} km from {off}"
            if _is_num(off_km)
            else f"; went off near {off}"
        )
    elif _is_num(d.get("start_shore_km")):
        s += f"; went off {km(d['start_shore_km'])} km from shore"
    if on and d.get("ends_in_port"):
        s += f"; came back in port at {on}"
    elif on:
        s += f"; came back {km(on_km)} km from {on}" if _is_num(on_km) else f"; came back near {on}"
    elif _is_num(d.get("end_shore_km")):
        s += f"; came back {km(d['end_shore_km'])} km from shore"
    reach = d.get("reachable_ports")
    if isinstance(reach, list) and reach:
        s += "; could have reached " + ", ".join(str(p) for p in reach)
    if d.get("intentional_disabling"):
        s += "; flagged as likely intentional disabling"
    elif d.get("coastal_leg"):
        s += "; on a near-shore leg"
    if d.get("sparse_track"):
        s += "; the track reports this rarely anyway (no other position in the 12 h before)"
    return s + "."


def _encounter(e: Mapping[str, Any], d: Mapping[str, Any], label: Label | None) -> str:
    other = e.get("other_mmsi")
    who = (label(other) if label else str(other)) if other is not None else "another vessel"
    s = "Alongside " + who
    if _is_num(d.get("median_distance_m")):
        s = f"Within {fixed(d['median_distance_m'], 0)} m (median) of {who}"
    h = _hours(e, d)
    if h is not None:
        s += f" for {fixed(h, 1)} h"
    a, b = d.get("median_speed_kn"), d.get("other_median_speed_kn")
    if _is_num(a) and _is_num(b):
        s += f", moving at {fixed(a, 1)} and {fixed(b, 1)} kn"
    if _is_num(d.get("close_share")) and d["close_share"] < 1:
        s += f"; close in {fixed(100 * d['close_share'], 0)}% of that time"
    if d.get("near_shore"):
        where = f"{km(d['shore_km'])} km from shore" if _is_num(d.get("shore_km")) else "near shore"
        s += f"; {where}: perhaps moored in a harbour the ports file lacks"
    return s + "."


def _loitering(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    h = _hours(e, d)
    s = "Slow"
    if _is_num(d.get("mean_speed_kn")):
        s += f" ({fixed(d['mean_speed_kn'], 1)} kn mean)"
    if h is not None:
        s += f" for {fixed(h, 1)} h"
    if _is_num(d.get("min_shore_km")):
        s += f", at least {km(d['min_shore_km'])} km from shore"
    if _is_num(d.get("n_positions")):
        s += f" ({d['n_positions']} positions)"
    return s + "."


def _identity_change(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    field = d.get("field")
    if field == "mmsi":
        s = f"Moved from MMSI {value_text(d.get('old_mmsi'))} to {value_text(d.get('new_mmsi'))}"
        return s + (f" (IMO {d['imo']})." if d.get("imo") is not None else ".")
    text = key_text(str(field or "identity"))
    name = FIELD_NAMES.get(str(field), text[:1].upper() + text[1:])
    old = "(none)" if d.get("old") is None else value_text(d.get("old"))
    new = "(none)" if d.get("new") is None else value_text(d.get("new"))
    return f"{name} changed from {old} to {new}."


def _spoof_jump(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    dist = f" {km(d['jump_km'])} km" if _is_num(d.get("jump_km")) else ""
    speed = (
        f" ({fixed(d['implied_speed_kn'], 0)} kn implied)"
        if _is_num(d.get("implied_speed_kn"))
        else ""
    )
    if d.get("mode") == "teleport":
        return f"Track teleported{dist}{speed} between two segments of one MMSI."
    if d.get("mode") == "impossible_move":
        hours = f" {fixed(d['hours'], 0)} h later" if _is_num(d.get("hours")) else " later"
        return (
            f"Seen again{dist} away{hours}{speed}: faster than any ship (two vessels on one "
            "MMSI, or a false position)."
        )
    count = d.get("n_positions")
    n = f" for {count} position{'' if count == 1 else 's'}" if _is_num(count) else ""
    return f"Position jumped{dist}{speed}{n}, then returned to the track."


def _shared_mmsi(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    s = "Two transmitters on one MMSI"
    if _is_num(d.get("overlap_hours")):
        s += f": tracks overlap for {fixed(d['overlap_hours'], 1)} h"
    return s + "."


def _stop(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    h = _hours(e, d)
    s = "Stopped" + (f" for {fixed(h, 1)} h" if h is not None else "")
    speed = d.get("median_speed_kn") if _is_num(d.get("median_speed_kn")) else None
    if speed is not None:
        s += f" ({fixed(speed, 1)} kn median)"
    elif _is_num(d.get("mean_speed_kn")):
        s += f" ({fixed(d['mean_speed_kn'], 1)} kn mean)"
    port = d.get("nearest_port")
    if port and d.get("in_port"):
        s += f", in port at {port}"
    elif port and _is_num(d.get("nearest_port_km")):
        s += f", {km(d['nearest_port_km'])} km from {port} (nearest port)"
    elif port:
        s += f", nearest port {port}"
    if not d.get("in_port") and _is_num(d.get("shore_km")):
        s += f", {km(d['shore_km'])} km from shore"
    if _is_num(d.get("n_positions")):
        s += f" ({d['n_positions']} positions"
        if _is_num(d.get("longest_silence_hours")):
            s += f", longest silence {fixed(d['longest_silence_hours'], 1)} h"
        s += ")"
    return s + "."


def _port_presence(e: Mapping[str, Any], d: Mapping[str, Any]) -> str:
    s = f"Seen at {e.get('port_id') or 'a port'}"
    if _is_num(d.get("closest_km")):
        s += f" ({km(d['closest_km'])} km from its listed position at closest)"
    h = _hours(e, d)
    if _is_num(d.get("n_positions")):
        s += f", {d['n_positions']} positions"
        if h is not None:
            s += f" over {fixed(h, 1)} h"
    if _is_num(d.get("max_speed_kn")):
        s += f", up to {fixed(d['max_speed_kn'], 1)} kn"
    why = d.get("why_not_a_call")
    return s + (f"; not a port call: {why}." if why else "; not a port call.")


def describe_event(e: Mapping[str, Any], label: Label | None = None) -> str:
    """One event's details as a sentence (plus a list of any keys the sentence does not use).
    `label` names a vessel by MMSI (for the other side of an encounter)."""
    raw = e.get("details")
    d: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    kind = str(e.get("kind") or "")
    writers: dict[str, Callable[[], str]] = {
        "port_call": lambda: _port_call(e, d),
        "gap": lambda: _gap(e, d),
        "encounter": lambda: _encounter(e, d, label),
        "loitering": lambda: _loitering(e, d),
        "identity_change": lambda: _identity_change(e, d),
        "spoof_jump": lambda: _spoof_jump(e, d),
        "shared_mmsi": lambda: _shared_mmsi(e, d),
        "stop": lambda: _stop(e, d),
        "port_presence": lambda: _port_presence(e, d),
    }
    if kind not in writers:
        return rest_list(d, frozenset())
    sentence = writers[kind]()
    rest = rest_list(d, KNOWN_KEYS[kind])
    return f"{sentence} Also: {rest}." if rest else sentence


def event_place(e: Mapping[str, Any]) -> str:
    """Where an event happened, in a table's 'port or place' column: its port; for a gap the
    nearest port where AIS went off and where it came back; for a stop its nearest port."""
    if e.get("port_id"):
        return str(e["port_id"])
    raw = e.get("details")
    d: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if e.get("kind") == "gap":
        off, off_km = _gap_end(d, "off", "start")
        on, on_km = _gap_end(d, "on", "end")

        def side(p: Any, dist: Any, in_port: bool = False) -> str:
            if in_port:
                return f"{p} (in port)"
            return f"{p} ({km(dist)} km)" if _is_num(dist) else str(p)

        a = side(off, off_km, bool(d.get("starts_in_port"))) if off else ""
        b = side(on, on_km) if on else ""
        if a and b:
            return f"{a} → {b}"
        if a:
            return f"off near {a}"
        return f"on near {b}" if b else ""
    if e.get("kind") == "stop" and d.get("nearest_port"):
        dist = d.get("nearest_port_km")
        return f"near {d['nearest_port']}" + (f" ({km(dist)} km)" if _is_num(dist) else "")
    return ""
