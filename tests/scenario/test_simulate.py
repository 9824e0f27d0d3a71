"""A small simulated season: determinism, realism, planted events, and NMEA == CSV."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyais
import pyarrow.parquet as pq
import pytest
import shapely

from darkcargo.geo.distance import NM_M, haversine_m
from darkcargo.geo.land import load_land
from darkcargo.geo.ports import load_ports_csv
from darkcargo.scenario import ScenarioSettings, simulate
from darkcargo.scenario.routing import port_circle
from darkcargo.scenario.simulate import scenario_ports

SMALL = ScenarioSettings(
    seed=11,
    start=date(2023, 8, 1),
    end=date(2023, 9, 14),
    vessels=45,
    duplicate_rate=0.01,
    corrupt_rate=0.004,
)
TINY = ScenarioSettings(seed=3, start=date(2023, 9, 1), end=date(2023, 9, 8), vessels=14)


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("season")
    simulate(out, SMALL)
    return out


@pytest.fixture(scope="module")
def csv(season: Path) -> pd.DataFrame:
    df = pd.read_csv(season / "ais_marinecadastre.csv", dtype={"IMO": str, "CallSign": str})
    df["ts"] = pd.to_datetime(df["BaseDateTime"]).values.astype("datetime64[s]").astype(np.int64)
    return df


@pytest.fixture(scope="module")
def events(season: Path) -> pd.DataFrame:
    ev = pq.read_table(season / "truth" / "events.parquet").to_pandas()
    ev["d"] = ev["details"].map(json.loads)
    return ev


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_byte_identical_outputs_and_another_seed_does_not(tmp_path: Path) -> None:
    simulate(tmp_path / "a", TINY)
    simulate(tmp_path / "b", TINY)
    a, b = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    simulate(tmp_path / "c", dataclasses.replace(TINY, seed=4))
    c = _files(tmp_path / "c")
    assert (
        a["ais.nmea"] != c["ais.nmea"]
        and a["ais_marinecadastre.csv"] != c["ais_marinecadastre.csv"]
    )


def test_output_folder_has_the_agreed_layout(season: Path) -> None:
    for name in (
        "ais.nmea", "ais_marinecadastre.csv", "ports.csv", "sightings.csv", "settings.json",
        "truth/vessels.parquet", "truth/voyages.parquet", "truth/events.parquet", "truth/truth.json",
    ):  # fmt: skip
        assert (season / name).is_file(), name
    header = (season / "ais_marinecadastre.csv").read_text().splitlines()[0]
    assert header == (
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass"
    )
    ports = {p.id: p for p in load_ports_csv(season / "ports.csv")}
    assert {"BUSAN", "NIIGATA"} <= ports.keys() and "RAJIN" not in ports
    sightings = pd.read_csv(season / "sightings.csv")
    assert list(sightings.columns) == [
        "sighting_id", "ts", "place", "kind", "count", "count_low", "count_high", "mmsi", "imo", "source",
    ]  # fmt: skip
    quay = sightings[sightings.kind == "containers_on_quay"]
    assert set(quay.place) == {"RAJIN", "DUNAI"}
    assert (quay.count_low <= quay["count"]).all() and (quay["count"] <= quay.count_high).all()
    docs = sorted((season / "documents").glob("*.txt"))
    assert len(docs) >= 4 and any("152 mm" in d.read_text() for d in docs)
    settings = json.loads((season / "settings.json").read_text())
    assert settings["settings_hash"] == SMALL.settings_hash and settings["settings"]["seed"] == 11


def test_emitted_tracks_never_cross_land_outside_port_circles(csv: pd.DataFrame) -> None:
    # Natural Earth is generalised and ports sit on its coast: only port circles may touch land.
    df = csv.sort_values(["MMSI", "VesselName", "ts"])
    a, b = df.iloc[:-1], df.iloc[1:]
    same = (
        (a.MMSI.values == b.MMSI.values)
        & (a.VesselName.values == b.VesselName.values)
        & (b.ts.values - a.ts.values <= 6 * 3600)  # a longer silence is a gap, not a track
    )
    coords = np.stack(
        (a[same][["LON", "LAT"]].to_numpy(), b[same][["LON", "LAT"]].to_numpy()), axis=1
    )
    lines = shapely.linestrings(coords)
    land = load_land("10m").geometry
    touching = lines[shapely.intersects(land, lines)]
    zones = shapely.union_all([port_circle(p) for p in scenario_ports("dprk_russia")])
    outside = shapely.difference(touching, zones)
    assert len(lines) > 10_000
    assert int(shapely.intersects(land, outside).sum()) == 0


def test_positions_are_at_sea_except_inside_port_circles(csv: pd.DataFrame) -> None:
    on_land = load_land("10m").is_land(csv.LAT.to_numpy(), csv.LON.to_numpy())
    pts = csv[on_land]
    ports = scenario_ports("dprk_russia")
    plat = np.array([p.lat for p in ports])
    plon = np.array([p.lon for p in ports])
    prad = np.array([p.radius_km for p in ports]) * 1000
    inside = (
        haversine_m(pts.LAT.to_numpy()[:, None], pts.LON.to_numpy()[:, None], plat, plon) <= prad
    ).any(axis=1)
    assert inside.all()


def test_reporting_intervals_follow_the_product_interval(csv: pd.DataFrame) -> None:
    df = csv.sort_values(["MMSI", "VesselName", "ts"])
    dt = np.diff(df.ts.to_numpy())
    same = (df.MMSI.to_numpy()[1:] == df.MMSI.to_numpy()[:-1]) & (
        df.VesselName.to_numpy()[1:] == df.VesselName.to_numpy()[:-1]
    )
    dt = dt[same]
    assert (dt > 0).all()
    # provider thinning: one report per 10 min under way, per 30 min at berth
    assert np.quantile(dt, 0.05) >= 0.5 * SMALL.product_interval_s
    assert SMALL.product_interval_s <= np.median(dt) <= SMALL.product_interval_stationary_s
    assert np.mean(dt <= SMALL.product_interval_stationary_s + 600) > 0.9


def test_speeds_are_realistic(csv: pd.DataFrame, season: Path, events: pd.DataFrame) -> None:
    assert csv.SOG.max() < 25.0
    vessels = pq.read_table(season / "truth" / "vessels.parquet").to_pandas()
    covert = set(vessels[vessels.role == "covert"].mmsi)
    moving = csv[csv.MMSI.isin(covert) & (csv.SOG > 8)]
    assert len(moving) > 50
    # 10-14 kn at sea (slower only on the port approaches), REFERENCE-style shuttle speeds
    assert 10.0 <= moving.SOG.median() <= 14.0 and moving.SOG.max() <= 14.8
    # implied speed between consecutive reports, outside the planted position jumps
    spoofed = np.zeros(len(csv), dtype=bool)
    for _, e in events[events.kind == "spoof_jump"].iterrows():
        t0, t1 = e.start_ts.value // 10**9, e.end_ts.value // 10**9
        spoofed |= (
            (e.mmsi == csv.MMSI).to_numpy() & (csv.ts >= t0).to_numpy() & (csv.ts <= t1).to_numpy()
        )
    df = csv[~spoofed].sort_values(["MMSI", "VesselName", "ts"])
    same = (df.MMSI.to_numpy()[1:] == df.MMSI.to_numpy()[:-1]) & (
        df.VesselName.to_numpy()[1:] == df.VesselName.to_numpy()[:-1]
    )
    d = haversine_m(
        df.LAT.to_numpy()[:-1], df.LON.to_numpy()[:-1], df.LAT.to_numpy()[1:], df.LON.to_numpy()[1:]
    )
    dt = np.diff(df.ts.to_numpy()).astype(float)
    kn = d[same] / NM_M / (dt[same] / 3600.0)
    assert np.quantile(kn, 0.999) < 25.0


def test_every_planted_event_is_in_the_truth(events: pd.DataFrame, season: Path) -> None:
    kinds = set(events.kind)
    assert {
        "port_call", "dark_port_call", "gap", "encounter", "loitering", "identity_change",
        "spoof_jump", "shared_mmsi",
    } <= kinds  # fmt: skip
    enc = events[events.kind == "encounter"]
    assert enc.d.map(lambda d: d["planned"]).any()
    assert ((enc.end_ts - enc.start_ts).dt.total_seconds() >= 2 * 3600).all()
    ic = events[events.kind == "identity_change"]
    assert {"name", "flag"} <= set(ic.d.map(lambda d: d["field"]))
    flag = ic[ic.d.map(lambda d: d["field"]) == "flag"].iloc[0]
    assert flag.other_mmsi // 1_000_000 == 667 and flag.mmsi // 1_000_000 != 667  # new MID
    gaps = events[events.kind == "gap"]
    assert "ais_off" in set(gaps.d.map(lambda d: d["cause"]))
    assert ((gaps.end_ts - gaps.start_ts).dt.total_seconds() >= 6 * 3600).all()
    loit = events[events.kind == "loitering"]
    assert (loit.d.map(lambda d: d["mean_sog_kn"]) < 2.0).all()
    assert (loit.d.map(lambda d: d["min_shore_km"]) >= 20 * NM_M / 1000).all()
    dark = events[events.kind == "dark_port_call"]
    assert set(dark.port_id) == {"RAJIN"}
    truth = json.loads((season / "truth" / "truth.json").read_text())
    assert truth["events_by_kind"]["spoof_jump"] == (events.kind == "spoof_jump").sum()


def test_gap_truth_is_every_long_silence_of_the_position_stream(
    csv: pd.DataFrame, events: pd.DataFrame
) -> None:
    # Gaps are per transmitting vessel: on an MMSI shared by two vessels, each vessel's own
    # silences count, so the merged stream of that MMSI shows at most as many.
    shared = set(events.loc[events.kind == "shared_mmsi", "mmsi"])
    assert shared
    df = csv.sort_values(["MMSI", "ts"])
    dt = np.diff(df.ts.to_numpy())
    mmsi = df.MMSI.to_numpy()
    long_silence = (mmsi[1:] == mmsi[:-1]) & (dt >= 6 * 3600)
    in_shared = np.isin(mmsi[1:], list(shared))
    gaps = events[events.kind == "gap"]
    assert int((long_silence & ~in_shared).sum()) == int((~gaps.mmsi.isin(shared)).sum())
    assert int((long_silence & in_shared).sum()) <= int(gaps.mmsi.isin(shared).sum())


def test_covert_voyages_carry_containers_and_go_dark_near_rajin(
    season: Path, csv: pd.DataFrame
) -> None:
    v = pq.read_table(season / "truth" / "voyages.parquet").to_pandas()
    assert len(v) >= 2 and "ANGARA" in set(v.name)
    assert (v.origin_port == "RAJIN").all() and set(v.destination_port) <= {"DUNAI", "VOSTOCHNY"}
    assert (v.containers_loaded > 0).all()
    dark = v[v.ais_off]
    assert len(dark) >= 1
    assert (dark.dark_start_ts < dark.origin_arrive_ts).all()
    assert (dark.depart_ts < dark.dark_end_ts).all()
    for _, trip in dark.iterrows():
        t0, t1 = trip.dark_start_ts.value // 10**9, trip.dark_end_ts.value // 10**9
        seen = csv[(trip.mmsi == csv.MMSI) & (csv.ts > t0) & (csv.ts < t1)]
        assert seen.empty  # nothing transmitted while dark
    # the dwell at Rajin and the legs take realistic times
    dwell_days = (v.depart_ts - v.origin_arrive_ts).dt.total_seconds() / 86400
    assert dwell_days.between(0.9, 3.1).all()
    leg_h = (v.arrive_ts - v.depart_ts).dt.total_seconds() / 3600
    assert leg_h.between(6, 16).all()


def test_nmea_decodes_to_the_csv_positions(season: Path, csv: pd.DataFrame) -> None:
    lines = (season / "ais.nmea").read_bytes().splitlines()
    rng = np.random.default_rng(0)
    pick = rng.choice(len(lines), size=600, replace=False)
    index = csv.set_index(["MMSI", "ts"])
    checked = bad = 0
    for k in sorted(pick):
        line = lines[k]
        tag, _, sentence = line[1:].partition(b"\\")
        if not sentence.startswith(b"!AIVDM,1,1"):
            continue
        try:
            msg = pyais.decode(sentence).asdict()
        except Exception:
            bad += 1  # the planted corrupted sentences
            continue
        if msg["msg_type"] not in (1, 2, 3, 18):
            continue
        ts = int(tag.split(b",c:")[1].split(b"*")[0])
        row = index.loc[(msg["mmsi"], ts)]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        assert msg["lat"] == pytest.approx(row.LAT, abs=1e-5)
        assert msg["lon"] == pytest.approx(row.LON, abs=1e-5)
        assert msg["speed"] == pytest.approx(row.SOG)
        assert msg["course"] == pytest.approx(row.COG)
        checked += 1
    assert checked > 400
    assert bad < 10


def test_nmea_has_statics_duplicates_and_corrupted_sentences(season: Path) -> None:
    text = (season / "ais.nmea").read_text()
    lines = text.splitlines()
    assert sum(",2,1," in ln for ln in lines) > 100  # type 5 first parts
    truth = json.loads((season / "truth" / "truth.json").read_text())["counts"]
    assert truth["duplicates"] > 0 and truth["corrupted"] > 0
    sentences = [ln.rpartition("\\")[2] for ln in lines]
    assert len(sentences) - len(set(sentences)) >= truth["duplicates"]
    short = [s for s in sentences if "*" not in s]
    assert short  # truncated sentences


def test_a_finished_season_is_recognised_as_current_for_its_settings(season: Path) -> None:
    from darkcargo.scenario import is_current

    assert is_current(season, SMALL)
    assert not is_current(season, dataclasses.replace(SMALL, seed=12))
    assert not is_current(season.parent / "nowhere", SMALL)
