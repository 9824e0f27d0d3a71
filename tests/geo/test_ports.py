"""Ports files: every row a port with a unique, stable id; duplicates reported; default radius."""

from __future__ import annotations

import csv
import json
import random
import sys
from datetime import timedelta
from itertools import pairwise
from pathlib import Path

import pytest
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "events"))
from helpers import T0, concat, track

from darkcargo.cli.main import app
from darkcargo.config import load_case
from darkcargo.errors import ConfigError, InputError
from darkcargo.events.detect import detect_batch
from darkcargo.events.kernels.common import GeoContext
from darkcargo.events.params import load_preset
from darkcargo.geo.ports import PortIndex, load_ports, load_ports_csv

PORTSMOUTH_VA = "USA_PORTSMOUTH_36.82N_76.30W"
PORTSMOUTH_NH = "USA_PORTSMOUTH_43.08N_70.75W"


def wpi(shared_data: Path) -> Path:
    return shared_data / "ports" / "WPI_ports.csv"


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_every_wpi_row_is_a_port_with_a_unique_id(shared_data: Path) -> None:
    with wpi(shared_data).open() as fh:
        rows = sum(1 for _ in csv.DictReader(fh))
    ports = load_ports_csv(wpi(shared_data))
    assert rows == 3669
    assert len(ports) == rows
    assert len({p.id for p in ports}) == rows
    by_id = {p.id: p for p in ports}
    # the two Portsmouths and Portlands of the USA are both there, told apart by position
    assert by_id[PORTSMOUTH_VA].lat == pytest.approx(36.816667)
    assert by_id[PORTSMOUTH_NH].lat == pytest.approx(43.083333)
    assert {"USA_PORTLAND_43.67N_70.25W", "USA_PORTLAND_45.52N_122.67W"} <= set(by_id)
    assert "USA_PORTSMOUTH" not in by_id
    # names used once keep the plain country_name id
    assert by_id["USA_NORFOLK"].lat == pytest.approx(36.85)
    assert by_id["PRK_NAJIN"].country == "PRK"


def test_wpi_with_the_case_reports_what_it_resolved(shared_data: Path) -> None:
    load = load_ports(None, [wpi(shared_data)])
    case_ids = [p.id for p in load_case(None).ports]
    assert [p.id for p in load.ports[: len(case_ids)]] == case_ids  # watched ports untouched
    assert len(load.ports) == len(case_ids) + 3669
    assert len({p.id for p in load.ports}) == len(load.ports)
    # 22 names stand for 46 rows at different places; 15 places are listed under two names
    assert len(load.renamed) == 46 and len({b for _, b, _ in load.renamed}) == 22
    assert len(load.colocated) == 15 and load.duplicates == []
    assert ("USA_CAMDEN_39.95N_75.13W", "USA_PHILADELPHIA", 0.0) in load.colocated
    s = load.summary()
    assert "3669 rows of WPI_ports.csv" in s and "46 rows sharing 22 ids" in s
    assert "15 places listed under two ids" in s


def test_ids_do_not_depend_on_row_order(shared_data: Path, tmp_path: Path) -> None:
    with wpi(shared_data).open() as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    random.Random(7).shuffle(rows)
    shuffled = write(tmp_path / "shuffled.csv", header, rows)
    a = {p.id: (p.lat, p.lon) for p in load_ports_csv(wpi(shared_data))}
    b = {p.id: (p.lat, p.lon) for p in load_ports_csv(shuffled)}
    assert a == b
    # the port list itself (and so nearest-port ties) is the same in any row order
    assert [p.id for p in load_ports_csv(shuffled)] == [
        p.id for p in load_ports_csv(wpi(shared_data))
    ]


def test_same_place_twice_is_one_port_and_reported(tmp_path: Path) -> None:
    f = write(
        tmp_path / "p.csv",
        ["iso3", "label", "latitude", "longitude"],
        [
            ["NLD", "URK", 52.6603, 5.5986],
            ["NLD", "URK", 52.6605, 5.5990],  # the same harbour again (40 m away)
            ["NLD", "KAMPEN", 52.5580, 5.9110],
            ["NLD", "KAMPEN HAVEN", 52.5581, 5.9111],  # same place, another name
        ],
    )
    load = load_ports(None, [f])
    extra = load.ports[load.case_ports :]
    assert sorted(p.id for p in extra) == ["NLD_KAMPEN", "NLD_KAMPEN_HAVEN", "NLD_URK"]
    assert load.duplicates == [(f"{f}:3", "NLD_URK", f"{f}:2")]
    assert [(a, b) for a, b, _ in load.colocated] == [("NLD_KAMPEN", "NLD_KAMPEN_HAVEN")]
    s = load.summary()
    assert "4 rows of p.csv" in s and "1 duplicate rows" in s and "1 places listed" in s


def test_given_id_of_a_case_port_elsewhere_gets_a_suffix(tmp_path: Path) -> None:
    f = write(
        tmp_path / "p.csv",
        ["id", "name", "lat", "lon", "radius_km"],
        [
            ["RAJIN", "Rajin again", 42.2501, 130.3001, 4],  # the case's port: merged
            ["RAJIN", "Another Rajin", 10.0, 20.0, 3],  # elsewhere: kept, renamed
            ["ZARUBINO", "Zarubino", 42.6389, 131.0750, 3],
        ],
    )
    load = load_ports(None, [f])
    ids = [p.id for p in load.ports]
    assert ids.count("RAJIN") == 1 and "RAJIN_10.00N_20.00E" in ids
    assert load_case(None).port("RAJIN") in load.ports
    assert [d[1:] for d in load.duplicates] == [
        ("RAJIN", "case port RAJIN"),
        ("ZARUBINO", "case port ZARUBINO"),
    ]


def test_default_radius_for_rows_without_one(tmp_path: Path) -> None:
    f = write(
        tmp_path / "p.csv",
        ["name", "lat", "lon", "radius_km"],
        [["A", 1.0, 2.0, ""], ["B", 3.0, 4.0, 1.5]],
    )
    assert [p.radius_km for p in load_ports_csv(f)] == [4.0, 1.5]
    assert [p.radius_km for p in load_ports_csv(f, radius_km=2.5)] == [2.5, 1.5]


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (["A", 91.0, 2.0, ""], "out of range"),
        (["A", 1.0, "x", ""], "not numbers"),
        (["A", 1.0, 2.0, "0"], "above 0"),
        (["", 1.0, 2.0, ""], "needs name"),
    ],
)
def test_bad_port_row_names_file_and_line(tmp_path: Path, row: list, reason: str) -> None:
    f = write(tmp_path / "p.csv", ["name", "lat", "lon", "radius_km"], [["OK", 0, 0, ""], row])
    with pytest.raises(InputError, match=reason) as err:
        load_ports_csv(f)
    assert err.value.line == 3 and err.value.path == str(f)


def test_case_with_a_repeated_port_id_is_refused(tmp_path: Path) -> None:
    port = 'id = "A"\nname = "A"\nlat = 1.0\nlon = 2.0\nradius_km = 3\n'
    f = tmp_path / "twice.toml"
    f.write_text(f'name = "twice"\n[[ports]]\n{port}[[ports]]\n{port}')
    with pytest.raises(ConfigError, match="repeated: A"):
        load_case(str(f))


def test_real_fix_at_portsmouth_new_hampshire_is_nearest_to_its_own_port(
    shared_data: Path,
) -> None:
    # SAN JOSE (MMSI 367752440), stopped at Portsmouth NH in the MarineCadastre sample
    index = PortIndex.build(load_ports_csv(wpi(shared_data)))
    idx, dist = index.nearest([43.07917], [-70.75733])
    assert index.ports[idx[0]].id == PORTSMOUTH_NH and dist[0] < 1.0


def test_ship_moored_at_portsmouth_virginia_is_called_there(shared_data: Path) -> None:
    # The Norfolk Naval Shipyard waterfront (west bank of the Southern Branch of the Elizabeth
    # River, in the City of Portsmouth, VA), about 36.812 N 76.295 W: 0.7 km from WPI's
    # PORTSMOUTH point, 4.2 km from NORFOLK's. Before ids were made unique, PORTSMOUTH (VA) was
    # lost to PORTSMOUTH (NH) and this ship got a call at NORFOLK. The ship is at the berth when
    # the data starts (as most ships of the MarineCadastre sample), stays 30 h, then leaves
    # north past Norfolk at 6 kn. (A stay that *enters* past Norfolk: the test below.)
    load = load_ports(None, [wpi(shared_data)])
    geo = GeoContext.build(load.ports, shore_km=None)
    lat, lon = 36.8120, -76.2950
    stay = track(366999001, T0, lat, lon, n=180, speed_kn=0)
    out = track(366999001, T0 + timedelta(hours=30), lat, lon, n=24, speed_kn=6, course=0.0)
    res = detect_batch(concat(stay, out), load_preset("gfw"), geo)
    calls = [
        (res.events.port_id[i], json.loads(res.events.details[i]))
        for i in range(len(res.events))
        if res.events.kind[i] == "port_call"
    ]
    stays = [pid for pid, d in calls if d.get("stop")]
    assert stays == [PORTSMOUTH_VA]
    portsmouth = next(d for pid, d in calls if pid == PORTSMOUTH_VA)
    assert portsmouth["hours"] >= 29.9


def test_ship_arriving_past_norfolk_to_moor_at_portsmouth_virginia_is_called_there(
    shared_data: Path,
) -> None:
    # In from Thimble Shoal up the Elizabeth River, within 1.5 km of WPI's NORFOLK point, to the
    # same Portsmouth berth, moored 12 h: one call, at the port that explains the stay
    load = load_ports(None, [wpi(shared_data)])
    geo = GeoContext.build(load.ports, shore_km=None)
    legs = [(36.95, -76.05), (36.93, -76.20), (36.87, -76.32), (36.85, -76.305), (36.812, -76.295)]
    lat = [a + (c - a) * f / 8 for (a, _), (c, _) in pairwise(legs) for f in range(8)]
    lon = [b + (d - b) * f / 8 for (_, b), (_, d) in pairwise(legs) for f in range(8)]
    inbound = track(366999002, T0, lat[0], lon[0], n=len(lat), speed_kn=10)
    inbound["lat"][:], inbound["lon"][:] = lat, lon
    moored = track(366999002, T0 + timedelta(minutes=10 * len(lat)), 36.812, -76.295, n=72,
                   speed_kn=0, first_row=100)  # fmt: skip
    res = detect_batch(concat(inbound, moored), load_preset("gfw"), geo)
    calls = [
        res.events.port_id[i] for i in range(len(res.events)) if res.events.kind[i] == "port_call"
    ]
    assert calls == [PORTSMOUTH_VA]


def test_cli_detect_reports_ports_and_takes_a_default_radius(tmp_path: Path) -> None:
    import pyarrow as pa

    from darkcargo.ais.schema import POSITIONS
    from darkcargo.workspace import Workspace

    ports = write(
        tmp_path / "ports.csv",
        ["iso3", "label", "latitude", "longitude"],
        [
            ["USA", "PORTSMOUTH", 43.083333, -70.75],
            ["USA", "PORTSMOUTH", 36.816667, -76.3],
            ["USA", "PORTSMOUTH", 36.816667, -76.3],
        ],
    )
    # a ship stopped 3 km east of the first point for 10 h: a call with the default radius; not
    # with a 1.5 km one (a stay counts within the radius plus the preset's 1 km stay tolerance)
    cols = track(367000001, T0, 43.083333, -70.713, n=60, speed_kn=0)
    n = len(cols["mmsi"])
    given = {
        **{k: cols[k] for k in ("mmsi", "lat", "lon", "sog", "cog", "source_id", "row_id")},
        "ts": pa.array(cols["ts"], pa.int64()).cast(pa.timestamp("us")),
        "msg_type": [1] * n,
        "mmsi_valid": [True] * n,
    }
    table = pa.table(  # columns not given here are null
        {f.name: given.get(f.name, pa.nulls(n, f.type)) for f in POSITIONS}
    ).cast(POSITIONS)
    ws = tmp_path / "ws.duckdb"
    with Workspace(ws) as w:
        w.append("positions", table)
    runner = CliRunner()

    def calls(*extra: str) -> list[tuple]:
        r = runner.invoke(app, ["detect", "--workspace", str(ws), "--ports", str(ports), *extra])
        assert r.exit_code == 0, r.output
        line = next(x for x in r.output.splitlines() if x.startswith("ports: "))
        assert "3 rows of ports.csv" in line
        assert "2 rows sharing 1 ids with another place got a suffix" in line
        assert "1 duplicate rows (same id, same place) merged" in line
        with Workspace(ws, read_only=True) as w:
            return w.con.sql("SELECT port_id FROM events WHERE kind = 'port_call'").fetchall()

    assert calls() == [(PORTSMOUTH_NH,)]
    assert calls("--port-radius", "1.5") == []
    r = runner.invoke(app, ["detect", "--workspace", str(ws), "--port-radius", "0"])
    assert r.exit_code != 0
