"""Run a whole simulated season and write it out (the package's public entry point).

Output folder::

    ais.nmea                  NMEA 0183 + NMEA 4.0 tag blocks (types 1/2/3, 5, 18, 24A/B)
    ais_marinecadastre.csv    the same positions in MarineCadastre's CSV layout
    ports.csv                 places used that are not in the case file
    sightings.csv             containers on the quay at Rajin and Dunai (with counting error)
    documents/*.txt           news-style texts with quantitative claims
    sanctions/sdn.csv, alt.csv  an OFAC-format list naming the covert carriers (and two decoys)
    sar/*.tif                 simulated Sentinel-1 VH scenes of the watched ports (radar=True)
    truth/                    vessels, voyages, events (Parquet), sightings truth, truth.json,
                              sar_scenes/sar_targets (the radar scenes' ground truth)
    settings.json             the settings (and their hash) that made the season

Truth tables: ``vessels.parquet`` has one row per identity period of a vessel (vessel_id is the
stable key; a reflagged vessel has two MMSIs, two fishing boats share one). ``voyages.parquet``
has one row per laden covert trip Rajin -> Dunai/Vostochny: origin_arrive_ts/depart_ts bound the
Rajin call, arrive_ts is the berth arrival at the destination, dark_start_ts/dark_end_ts the
moments AIS went off on the way in and came back on the way out (null for trips made with AIS
on). ``events.parquet`` semantics are in :mod:`darkcargo.scenario.truth`.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from darkcargo.config import Port, load_case
from darkcargo.geo.distance import EARTH_RADIUS_M
from darkcargo.geo.land import load_land
from darkcargo.scenario import truth
from darkcargo.scenario.documents import write_documents
from darkcargo.scenario.geography import EXTRA_PORTS, GATES
from darkcargo.scenario.output import (
    CORRUPT_CHECKSUM,
    CORRUPT_TRUNCATED,
    MSG_24B,
    Identities,
    Positions,
    Records,
    concat_records,
    positions_table,
    write_csv,
    write_nmea,
)
from darkcargo.scenario.plan import DWELL, TRANSIT, Phase, Plan, plan_season
from darkcargo.scenario.routing import SeaGraph
from darkcargo.scenario.sar_scenes import SCENES_TRUTH, TARGETS_TRUTH, simulate_radar
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.sightings import make_sightings
from darkcargo.scenario.tracks import Samples, jitter, receive, sample_season, station_ids
from darkcargo.scenario.watchlist import write_watchlist

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
TS = pa.timestamp("us")
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3}
CLASS_A_TYPES = (1, 2, 3)
CLASS_A_TYPE_SHARE = (0.82, 0.03, 0.15)  # scheduled, assigned, polled reports
SPOOF_SAMPLES = (3, 7)
SPOOF_KM = (40.0, 120.0)
SPOOF_ROLES = ("tanker", "bulk", "feeder", "covert")


SCENARIO_VERSION = 4  # bump when the simulator's output changes for the same settings
# Stream of the radar scenes' random numbers: its own, so the AIS season is the same with or
# without them.
RADAR_SPAWN_KEY = 100
OUTPUT_FILES = (
    "ais.nmea",
    "ais_marinecadastre.csv",
    "ports.csv",
    "sightings.csv",
    "truth/vessels.parquet",
    "truth/voyages.parquet",
    "truth/events.parquet",
    "truth/sightings.parquet",
    "truth/truth.json",
    "sanctions/sdn.csv",
    "sanctions/alt.csv",
    SCENES_TRUTH,
    TARGETS_TRUTH,
)


def is_current(out_dir: Path, settings: ScenarioSettings = ScenarioSettings()) -> bool:  # noqa: B008
    """Whether out_dir already holds a complete season made with these settings (a cache hit).

    settings.json is written last, so its presence with a matching hash and simulator version
    means every other file was written completely.
    """
    out_dir = Path(out_dir)
    try:
        meta = json.loads((out_dir / "settings.json").read_text())
    except (OSError, ValueError):
        return False
    return (
        meta.get("settings_hash") == settings.settings_hash
        and meta.get("scenario_version") == SCENARIO_VERSION
        and all((out_dir / f).is_file() for f in OUTPUT_FILES)
    )


@dataclass
class ScenarioResult:
    """Where the season was written and how big it is."""

    out_dir: Path
    paths: dict[str, Path]
    counts: dict[str, int]
    settings: ScenarioSettings
    elapsed_s: float = 0.0
    events_by_kind: dict[str, int] = field(default_factory=dict)


def scenario_ports(case: str) -> list[Port]:
    """Ports vessels use: the case's ports plus EXTRA_PORTS (ids unique)."""
    ports = [p for p in load_case(case).ports if p.kind == "port"]
    ids = {p.id for p in ports}
    return ports + [p for p in EXTRA_PORTS if p.id not in ids]


def simulate(
    out_dir: Path,
    settings: ScenarioSettings = ScenarioSettings(),  # noqa: B008 - frozen, immutable
    progress: Progress | None = None,
    radar: bool = True,
) -> ScenarioResult:
    """Simulate a season and write every output file into out_dir (created if needed);
    radar=False leaves out the radar scenes (a season without them is not a cache hit)."""
    started = time.perf_counter()
    s = settings
    say = progress or (lambda msg: log.info(msg))
    out_dir = Path(out_dir)
    (out_dir / "truth").mkdir(parents=True, exist_ok=True)
    (out_dir / "settings.json").unlink(missing_ok=True)  # not current until written again
    (out_dir / "documents").mkdir(parents=True, exist_ok=True)
    seeds = np.random.SeedSequence(s.seed).spawn(8)
    rng_plan, rng_smp, rng_rx, rng_emit, rng_out, rng_sight, rng_docs, rng_spoof = (
        np.random.default_rng(x) for x in seeds
    )

    say("geography: coast, ports and sea routes")
    case = load_case(s.case)
    land = load_land("10m")
    ports = scenario_ports(s.case)
    graph = SeaGraph.build(land, ports, [(g.id, g.lat, g.lon) for g in GATES], case.bbox)
    port_map = {p.id: p for p in graph.ports}

    say(f"planning {s.vessels} vessels, {s.start} to {s.end}")
    plan = plan_season(s, graph, port_map, rng_plan)

    say("sampling reports")
    smp, flat = sample_season(plan, s, rng_smp)
    rx = receive(smp, s, rng_rx, case.bbox)
    in_season = (smp.ts >= s.t0) & (smp.ts < s.t1)
    emitted = smp.ais_on & rx.received & in_season & ~smp.absent
    ids, ident_of = identities(plan, smp)
    pos = positions(plan, smp, emitted, ident_of, ids, rx, s, rng_emit)
    spoofs = plant_spoofs(plan, pos, smp, graph, s, rng_spoof)

    say("static messages, duplicates, corrupted sentences")
    statics = static_records(plan, pos, ids, ident_of[pos.sample], smp, flat, s)
    base = concat_records([position_records(pos), statics])
    rec, n_dup, n_bad = add_noise(base, s, rng_out, n_stations=len(station_ids()))
    order = np.lexsort((rec.corrupt, rec.dup, rec.mtype, rec.mmsi, rec.ts))
    rec = rec.take(order)

    say(f"writing {len(pos):,} positions as NMEA and CSV")
    paths = {
        "nmea": out_dir / "ais.nmea",
        "csv": out_dir / "ais_marinecadastre.csv",
        "ports": out_dir / "ports.csv",
        "sightings": out_dir / "sightings.csv",
        "settings": out_dir / "settings.json",
        "vessels": out_dir / "truth" / "vessels.parquet",
        "voyages": out_dir / "truth" / "voyages.parquet",
        "events": out_dir / "truth" / "events.parquet",
        "sightings_truth": out_dir / "truth" / "sightings.parquet",
        "truth": out_dir / "truth" / "truth.json",
        "documents": out_dir / "documents",
    }
    n_lines = write_nmea(
        paths["nmea"], rec, pos, ids, station_ids(), destination_names(plan, flat), rng_out
    )
    csv_order = np.lexsort((pos.mmsi, pos.ts))
    write_csv(paths["csv"], positions_table(take_positions(pos, csv_order), ids))
    write_ports(paths["ports"], ports, case)

    say("ground truth")
    events = truth_events(
        plan, smp, flat, emitted, rx.received, pos, statics, ids, spoofs, graph, s
    )
    evt = truth.events_table(events)
    pq.write_table(evt, paths["events"], **PARQUET_OPTIONS)
    pq.write_table(vessels_table(plan, ids), paths["vessels"], **PARQUET_OPTIONS)
    write_watchlist(out_dir)  # sanctions/sdn.csv + alt.csv naming the covert carriers
    voyages = voyages_table(plan, s)
    pq.write_table(voyages, paths["voyages"], **PARQUET_OPTIONS)
    sightings, sight_truth = make_sightings(plan, flat, s, rng_sight)
    write_sightings(paths["sightings"], sightings)
    pq.write_table(sight_truth, paths["sightings_truth"], **PARQUET_OPTIONS)
    docs = write_documents(paths["documents"], plan, voyages, sight_truth, s, rng_docs)
    radar_counts: dict[str, int] = {}
    for f in (SCENES_TRUTH, TARGETS_TRUTH):  # a season without radar is never a cache hit
        (out_dir / f).unlink(missing_ok=True)
    if radar:
        say("radar scenes of the watched ports")
        rng_sar = np.random.default_rng(
            np.random.SeedSequence(s.seed, spawn_key=(RADAR_SPAWN_KEY,))
        )
        radar_counts = simulate_radar(out_dir, plan, smp, s, rng_sar, progress=say)
    kinds = Counter(evt.column("kind").to_pylist())
    counts = {
        "vessels": len(plan.vessels),
        "positions": len(pos),
        "nmea_lines": n_lines,
        "nmea_records": len(rec),
        "static_messages": len(statics),
        "duplicates": n_dup,
        "corrupted": n_bad,
        "voyages": voyages.num_rows,
        "events": evt.num_rows,
        "sightings": len(sightings),
        "documents": len(docs),
        "samples": len(smp),
        **radar_counts,
    }
    summary = {
        "settings_hash": s.settings_hash,
        "season": {"start": s.start.isoformat(), "end": s.end.isoformat()},
        "counts": counts,
        "events_by_kind": dict(sorted(kinds.items())),
        "gap_causes": dict(
            sorted(
                Counter(
                    json.loads(d)["cause"]
                    for k, d in zip(
                        evt.column("kind").to_pylist(),
                        evt.column("details").to_pylist(),
                        strict=True,
                    )
                    if k == "gap"
                ).items()
            )
        ),
        "covert": covert_summary(voyages),
        "documents": docs,
        "notes": (
            "Simulated season for the darkcargo demo. Names other than the case's four carriers, "
            "all positions, counts and documents are made up."
        ),
    }
    paths["truth"].write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    # written last: its presence with a matching hash marks a complete season (is_current)
    meta = {
        "settings": s.to_dict(),
        "settings_hash": s.settings_hash,
        "scenario_version": SCENARIO_VERSION,
    }
    paths["settings"].write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    elapsed = time.perf_counter() - started
    say(f"done: {len(pos):,} positions, {n_lines:,} NMEA lines in {elapsed:.1f} s")
    return ScenarioResult(out_dir, paths, counts, s, elapsed, dict(sorted(kinds.items())))


# -- identities and positions ----------------------------------------------------------------


def identities(plan: Plan, smp: Samples) -> tuple[Identities, npt.NDArray[np.int64]]:
    """Identity table (one row per vessel identity period) and each sample's identity row."""
    rows: list[tuple] = []
    for v in plan.vessels:
        for ident in v.identities:
            rows.append(
                (
                    v.vid,
                    ident.mmsi,
                    ident.imo or 0,
                    ident.name,
                    ident.callsign,
                    ident.flag,
                    ident.ship_type,
                    v.ais_class,
                    round(v.length_m),
                    round(v.beam_m),
                    round(v.draught_m * 10),
                    ident.valid_from,
                )
            )
    cols = list(zip(*rows, strict=True))
    ids = Identities(
        vid=np.asarray(cols[0], dtype=np.int64),
        mmsi=np.asarray(cols[1], dtype=np.int64),
        imo=np.asarray(cols[2], dtype=np.int64),
        name=np.asarray(cols[3], dtype="U20"),
        callsign=np.asarray(cols[4], dtype="U7"),
        flag=np.asarray(cols[5], dtype="U2"),
        ship_type=np.asarray(cols[6], dtype=np.int64),
        ais_class=np.asarray(cols[7], dtype="U1"),
        length=np.asarray(cols[8], dtype=np.int64),
        beam=np.asarray(cols[9], dtype=np.int64),
        draught10=np.asarray(cols[10], dtype=np.int64),
        valid_from=np.asarray(cols[11], dtype=np.int64),
    )
    base = ids.valid_from.min() - 1
    key_i = ids.vid << 34 | (ids.valid_from - base)
    key_s = smp.vid.astype(np.int64) << 34 | (smp.ts - base)
    ident_of = np.searchsorted(key_i, key_s, side="right") - 1
    return ids, ident_of


def positions(
    plan: Plan,
    smp: Samples,
    emitted: npt.NDArray[np.bool_],
    ident_of: npt.NDArray[np.int64],
    ids: Identities,
    rx: Any,
    s: ScenarioSettings,
    rng: np.random.Generator,
) -> Positions:
    """Emitted reports with GPS noise, quantised to AIS resolution (ordered by vessel, time)."""
    idx = np.nonzero(emitted)[0]
    n = len(idx)
    lat, lon = jitter(smp.lat[idx], smp.lon[idx], s.gps_jitter_m, rng)
    vid = smp.vid[idx]
    class_a = np.array([v.ais_class == "A" for v in plan.vessels])[vid]
    mtype = np.where(class_a, rng.choice(CLASS_A_TYPES, size=n, p=CLASS_A_TYPE_SHARE), 18).astype(
        np.int8
    )
    heading = np.where(class_a, np.round(smp.heading[idx]).astype(np.int64) % 360, 511)
    return Positions(
        ts=smp.ts[idx],
        mmsi=ids.mmsi[ident_of[idx]],
        msg_type=mtype,
        ident=ident_of[idx],
        lat_q=np.round(lat * 600000).astype(np.int64),
        lon_q=np.round(lon * 600000).astype(np.int64),
        sog10=np.minimum(np.round(smp.sog[idx] * 10), 1022).astype(np.int64),
        cog10=(np.round(smp.cog[idx] * 10).astype(np.int64)) % 3600,
        heading=heading,
        nav=smp.nav[idx].astype(np.int64),
        station=rx.station[idx],
        channel=np.where(rng.random(n) < 0.5, ord("A"), ord("B")).astype(np.uint8),
        vid=vid,
        sample=idx,
    )


def take_positions(pos: Positions, idx: npt.NDArray[np.int64]) -> Positions:
    return Positions(**{k: getattr(pos, k)[idx] for k in pos.__dataclass_fields__})


def position_records(pos: Positions) -> Records:
    n = len(pos)
    return Records(
        ts=pos.ts,
        mmsi=pos.mmsi,
        mtype=pos.msg_type.astype(np.int64),
        ref=np.arange(n, dtype=np.int64),
        station=pos.station,
        channel=pos.channel,
        destination=np.zeros(n, dtype=np.int16),
        dup=np.zeros(n, dtype=bool),
        corrupt=np.zeros(n, dtype=np.int8),
    )


def next_ports(plan: Plan, flat: list[Phase]) -> list[str]:
    """For every phase, the port the vessel heads for (what a type 5 'destination' says)."""
    out = [""] * len(flat)
    k = len(flat) - 1
    for phases in reversed(plan.phases):
        nxt = ""
        for ph in reversed(phases):
            if ph.kind == DWELL:
                nxt = ph.port_id
            out[k] = "FOR ORDERS" if nxt == "RAJIN" else nxt
            k -= 1
    return out


def destination_names(plan: Plan, flat: list[Phase]) -> npt.NDArray[np.str_]:
    """Every 'destination' text used, sorted, with the empty one first (code 0)."""
    return np.array(sorted(set(next_ports(plan, flat)) | {""}), dtype="U20")


def static_records(
    plan: Plan,
    pos: Positions,
    ids: Identities,
    ident_pos: npt.NDArray[np.int64],
    smp: Samples,
    flat: list[Phase],
    s: ScenarioSettings,
) -> Records:
    """A static message with the first position of each (vessel, identity, static interval)."""
    bucket = (pos.ts - s.t0) // s.static_interval_s
    first = np.concatenate(
        (
            [True],
            (pos.vid[1:] != pos.vid[:-1])
            | (ident_pos[1:] != ident_pos[:-1])
            | (bucket[1:] != bucket[:-1]),
        )
    )
    k = np.nonzero(first)[0]
    names = next_ports(plan, flat)
    dest_names = destination_names(plan, flat)
    code = {n: i for i, n in enumerate(dest_names)}
    dest_of_phase = np.array([code[n] for n in names], dtype=np.int16)
    dest = dest_of_phase[smp.phase[pos.sample[k]]]
    class_a = ids.ais_class[ident_pos[k]] == "A"
    parts = []
    for mtype, sel, dt in ((5, class_a, 2), (24, ~class_a, 2), (MSG_24B, ~class_a, 3)):
        kk = k[sel]
        parts.append(
            Records(
                ts=pos.ts[kk] + dt,
                mmsi=ids.mmsi[ident_pos[kk]],
                mtype=np.full(len(kk), mtype, dtype=np.int64),
                ref=ident_pos[kk],
                station=pos.station[kk],
                channel=pos.channel[kk],
                destination=dest[sel] if mtype == 5 else np.zeros(len(kk), dtype=np.int16),
                dup=np.zeros(len(kk), dtype=bool),
                corrupt=np.zeros(len(kk), dtype=np.int8),
            )
        )
    return concat_records(parts)


def add_noise(
    rec: Records, s: ScenarioSettings, rng: np.random.Generator, n_stations: int
) -> tuple[Records, int, int]:
    """Duplicates (same message via another receiver) and corrupted copies, added to the feed."""
    n = len(rec)
    dup = np.nonzero(rng.random(n) < s.duplicate_rate)[0]
    bad = np.nonzero(rng.random(n) < s.corrupt_rate)[0]
    d = rec.take(dup)
    d.dup = np.ones(len(dup), dtype=bool)
    d.station = (
        (d.station.astype(np.int64) + rng.integers(1, n_stations, len(dup))) % n_stations
    ).astype(np.int16)
    c = rec.take(bad)
    c.corrupt = np.where(rng.random(len(bad)) < 0.5, CORRUPT_CHECKSUM, CORRUPT_TRUNCATED).astype(
        np.int8
    )
    return concat_records([rec, d, c]), len(dup), len(bad)


# -- spoofed positions -------------------------------------------------------------------------


def plant_spoofs(
    plan: Plan,
    pos: Positions,
    smp: Samples,
    graph: SeaGraph,
    s: ScenarioSettings,
    rng: np.random.Generator,
) -> list[dict]:
    """Move a few short runs of reports far from the true track (GNSS manipulation)."""
    out: list[dict] = []
    used: set[int] = set()
    tagged = {v.vid for v in plan.vessels if v.tag}
    for k in range(s.planted_spoof_jumps):
        role = SPOOF_ROLES[k % len(SPOOF_ROLES)]
        cands = [v.vid for v in plan.vessels if v.role == role and v.vid not in used | tagged]
        cands += [
            v.vid for v in plan.vessels if v.role in SPOOF_ROLES and v.vid not in used | tagged
        ]
        frac = (k + 1) / (s.planted_spoof_jumps + 1)
        t_want = s.t0 + (s.t1 - s.t0) * frac
        for vid in cands[:12]:
            n = int(rng.integers(SPOOF_SAMPLES[0], SPOOF_SAMPLES[1] + 1))
            win = _spoof_window(pos, smp, vid, n, t_want, s)
            if win is None:
                continue
            done = _try_offset(pos, win, graph, rng)
            if done is None:
                continue
            used.add(vid)
            dn, de, lat0, lon0 = done
            out.append(
                truth.ev(
                    "spoof_jump",
                    int(pos.mmsi[win[0]]),
                    int(pos.ts[win[0]]),
                    int(pos.ts[win[-1]]),
                    float(pos.lat_q[win[0]] / 600000.0),
                    float(pos.lon_q[win[0]] / 600000.0),
                    vessel_id=vid,
                    jump_km=round(float(np.hypot(dn, de)) / 1000.0, 2),
                    true_lat=round(lat0, 5),
                    true_lon=round(lon0, 5),
                    n_positions=len(win),
                )
            )
            break
    return out


def _spoof_window(
    pos: Positions, smp: Samples, vid: int, n: int, t_want: float, s: ScenarioSettings
) -> npt.NDArray[np.int64] | None:
    """n consecutive reports of one vessel in one transit, densely tracked, nearest t_want."""
    rows = np.nonzero(pos.vid == vid)[0]
    rows = rows[smp.kind[pos.sample[rows]] == TRANSIT]
    if len(rows) < n + 2:
        return None
    for start in rows[np.argsort(np.abs(pos.ts[rows] - t_want), kind="stable")[:300]]:
        win = np.arange(start, start + n)
        if start < 1 or win[-1] + 1 >= len(pos) or (pos.vid[start - 1 : win[-1] + 2] != vid).any():
            continue
        if (smp.phase[pos.sample[start - 1 : win[-1] + 2]] != smp.phase[pos.sample[start]]).any():
            continue
        if (np.diff(pos.ts[start - 1 : win[-1] + 2]) > 2 * s.product_interval_s).any():
            continue  # only where the track is dense: a jump, not a gap
        return win
    return None


def _try_offset(
    pos: Positions, win: npt.NDArray[np.int64], graph: SeaGraph, rng: np.random.Generator
) -> tuple[float, float, float, float] | None:
    lat = pos.lat_q[win] / 600000.0
    lon = pos.lon_q[win] / 600000.0
    lat0, lon0 = float(lat[0]), float(lon[0])
    before, after = win[0] - 1, win[-1] + 1
    for _ in range(40):
        dist = rng.uniform(*SPOOF_KM) * 1000.0
        ang = rng.uniform(0, 2 * np.pi)
        dn, de = dist * np.cos(ang), dist * np.sin(ang)
        flat_ = lat + np.degrees(dn / EARTH_RADIUS_M)
        flon = lon + np.degrees(de / (EARTH_RADIUS_M * np.cos(np.radians(lat))))
        track_lat = np.concatenate(([pos.lat_q[before] / 6e5], flat_, [pos.lat_q[after] / 6e5]))
        track_lon = np.concatenate(([pos.lon_q[before] / 6e5], flon, [pos.lon_q[after] / 6e5]))
        line = shapely.LineString(np.column_stack((track_lon, track_lat)))
        if shapely.intersects(graph.shore_buffer, line):
            continue
        if not ((flat_ > 33.0) & (flat_ < 46.0) & (flon > 124.0) & (flon < 142.0)).all():
            continue
        pos.lat_q[win] = np.round(flat_ * 600000).astype(np.int64)
        pos.lon_q[win] = np.round(flon * 600000).astype(np.int64)
        return dn, de, lat0, lon0
    return None


# -- truth -------------------------------------------------------------------------------------


def truth_events(
    plan: Plan,
    smp: Samples,
    flat: list[Phase],
    emitted: npt.NDArray[np.bool_],
    received: npt.NDArray[np.bool_],
    pos: Positions,
    statics: Records,
    ids: Identities,
    spoofs: list[dict],
    graph: SeaGraph,
    s: ScenarioSettings,
) -> list[dict]:
    events: list[dict] = []
    events += truth.port_calls(plan, s, plan.phases)
    events += truth.gaps(pos.ts, pos.mmsi, pos.vid, smp, emitted, received, s)
    events += truth.loitering(plan, smp, flat, graph, s, emitted)
    events += truth.encounters(plan, flat, list(plan.ports.values()), s)
    events += spoofs
    for ie in plan.identity_events:
        vid = ie["vid"]
        new_rows = np.nonzero((ids.vid == vid) & (ids.valid_from == ie["ts"]))[0]
        seen = statics.ts[np.isin(statics.ref, new_rows)] if new_rows.size else np.array([])
        seen = seen[seen >= ie["ts"]]
        end = int(seen.min()) if seen.size else int(ie["ts"])
        if ie["ts"] < s.t0 or ie["ts"] >= s.t1:
            continue
        events.append(
            truth.ev(
                "identity_change",
                ie["mmsi_before"],
                ie["ts"],
                end,
                other_mmsi=ie["mmsi_after"] if ie["mmsi_after"] != ie["mmsi_before"] else None,
                vessel_id=vid,
                field=ie["field"],
                before=ie["before"],
                after=ie["after"],
                imo=ie["imo"],
                first_broadcast_ts=end if seen.size else None,
            )
        )
    for sh in plan.shared:
        a, b = sh["vids"]
        ta, tb = pos.ts[pos.vid == a], pos.ts[pos.vid == b]
        if not ta.size or not tb.size:
            continue
        start, end = max(ta.min(), tb.min()), min(ta.max(), tb.max())
        if end <= start:
            continue
        va, vb = plan.vessels[a], plan.vessels[b]
        events.append(
            truth.ev(
                "shared_mmsi",
                sh["mmsi"],
                int(start),
                int(end),
                vessel_id=a,
                other_vessel_id=b,
                names=[va.identities[0].name, vb.identities[0].name],
                homes=[va.home, vb.home],
            )
        )
    return events


def vessels_table(plan: Plan, ids: Identities) -> pa.Table:
    roles = np.array([v.role for v in plan.vessels])
    tags = np.array([v.tag for v in plan.vessels])
    lengths = np.array([v.length_m for v in plan.vessels])
    vf = ids.valid_from
    return pa.table(
        {
            "vessel_id": pa.array(ids.vid),
            "mmsi": pa.array(ids.mmsi),
            "imo": pa.array(ids.imo, mask=ids.imo == 0),
            "name": pa.array(ids.name),
            "callsign": pa.array(ids.callsign),
            "flag": pa.array(ids.flag),
            "ship_type": pa.array(ids.ship_type),
            "ais_class": pa.array(ids.ais_class),
            "role": pa.array(roles[ids.vid]),
            "tag": pa.array(tags[ids.vid]),
            "length_m": pa.array(lengths[ids.vid]),
            "beam_m": pa.array(ids.beam.astype(np.float64)),
            "valid_from": pa.array(vf * 1_000_000, type=pa.int64()).cast(TS),
        }
    )


def voyages_table(plan: Plan, s: ScenarioSettings) -> pa.Table:
    rows = [v for v in plan.voyages if v["origin_arrive_ts"] >= s.t0 and v["depart_ts"] < s.t1]
    rows.sort(key=lambda v: (v["depart_ts"], v["vid"]))

    def ts(vals: list[int | None]) -> pa.Array:
        return pa.array([None if x is None else x * 1_000_000 for x in vals], type=pa.int64()).cast(
            TS
        )

    vessel = [plan.vessels[v["vid"]] for v in rows]
    ident = [ves.identity_at(v["depart_ts"]) for ves, v in zip(vessel, rows, strict=True)]
    return pa.table(
        {
            "voyage_id": pa.array([f"V{i + 1:03d}" for i in range(len(rows))], type=pa.string()),
            "vessel_id": pa.array([v["vid"] for v in rows], type=pa.int64()),
            "mmsi": pa.array([i.mmsi for i in ident], type=pa.int64()),
            "imo": pa.array([i.imo for i in ident], type=pa.int64()),
            "name": pa.array([i.name for i in ident], type=pa.string()),
            "origin_port": pa.array([v["origin_port"] for v in rows], type=pa.string()),
            "destination_port": pa.array([v["destination_port"] for v in rows], type=pa.string()),
            "origin_arrive_ts": ts([v["origin_arrive_ts"] for v in rows]),
            "depart_ts": ts([v["depart_ts"] for v in rows]),
            "arrive_ts": ts([v["arrive_ts"] for v in rows]),
            "containers_loaded": pa.array([v["containers_loaded"] for v in rows], type=pa.int64()),
            "ais_off": pa.array([v["ais_off"] for v in rows], type=pa.bool_()),
            "dark_start_ts": ts([v["dark_start_ts"] for v in rows]),
            "dark_end_ts": ts([v["dark_end_ts"] for v in rows]),
            "trip": pa.array([v["trip"] for v in rows], type=pa.int64()),
            "arrived_in_season": pa.array([v["arrive_ts"] < s.t1 for v in rows], type=pa.bool_()),
        }
    )


def covert_summary(voyages: pa.Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    names = voyages.column("name").to_pylist()
    boxes = voyages.column("containers_loaded").to_pylist()
    dark = voyages.column("ais_off").to_pylist()
    for n, b, d in zip(names, boxes, dark, strict=True):
        e = out.setdefault(n, {"trips": 0, "containers": 0, "dark_trips": 0})
        e["trips"] += 1
        e["containers"] += b
        e["dark_trips"] += int(d)
    out["total_containers"] = int(sum(boxes))
    out["total_trips"] = len(boxes)
    return out


def write_ports(path: Path, ports: list[Port], case: Any) -> None:
    """ports.csv: every place the scenario uses that the case file does not list."""
    case_ids = {p.id for p in case.ports}
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["id", "name", "lat", "lon", "radius_km", "country"])
        for p in sorted((p for p in ports if p.id not in case_ids), key=lambda p: p.id):
            w.writerow(
                [p.id, p.name, f"{p.lat:.4f}", f"{p.lon:.4f}", f"{p.radius_km:g}", p.country]
            )


def write_sightings(path: Path, rows: list[dict]) -> None:
    cols = [
        "sighting_id",
        "ts",
        "place",
        "kind",
        "count",
        "count_low",
        "count_high",
        "mmsi",
        "imo",
        "source",
    ]
    with path.open("w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r[c] for c in cols])
