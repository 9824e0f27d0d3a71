"""`darkcargo detect` reads ships only unless asked: no port call for base stations, aids to
navigation or invalid MMSIs (issue 17, item 4), on the real MarineCadastre sample."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.test_ingest_cli import run_cli

from darkcargo.workspace import Workspace

NOT_SHIPS = (1, 133310, 626001, 995121027)


@pytest.fixture
def season(shared_data: Path, tmp_path: Path) -> tuple[Path, Path]:
    """The MarineCadastre sample, plus a day of the issue's odd MMSIs and a Danish base station
    and aid to navigation moored at Norfolk (Virginia), beside a ship; US ports from the WPI."""
    ports = tmp_path / "ports.csv"
    wpi = (shared_data / "ports" / "WPI_ports.csv").read_text().splitlines()
    ports.write_text("\n".join([wpi[0], *(r for r in wpi[1:] if r.startswith("USA,"))]) + "\n")
    moored = tmp_path / "moored.csv"
    rows = ["MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,TransceiverClass"]
    for mmsi in (*NOT_SHIPS, 367999001):
        rows += [f"{mmsi},2023-01-11T{h:02d}:00:00,36.85,-76.30,0,0,511,A" for h in range(0, 24, 2)]
    moored.write_text("\n".join(rows) + "\n")
    dma = tmp_path / "dma.csv"
    dma.write_text(
        "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,SOG\n"
        + "".join(
            f"11/01/2023 {h:02d}:00:00,Base Station,2190047,36.85,-76.30,0\n"
            for h in range(0, 24, 2)
        )
        + "".join(
            f"11/01/2023 {h:02d}:00:00,AtoN,992191234,36.85,-76.30,0\n" for h in range(0, 24, 2)
        )
    )
    ws = tmp_path / "ws.duckdb"
    from darkcargo.ais.ingest import ingest

    ingest([shared_data / "ais" / "noaa" / "marinecadastre_20230101_sample.csv", moored, dma], ws)
    return ws, ports


def event_classes(ws: Path) -> dict[str, set[int]]:
    with Workspace(ws, read_only=True) as w:
        rows = w.con.execute(
            "SELECT coalesce(c.mmsi_class, '?'), e.mmsi FROM events e LEFT JOIN mmsi_classes c USING (mmsi)"
        ).fetchall()
    out: dict[str, set[int]] = {}
    for cls, mmsi in rows:
        out.setdefault(cls, set()).add(mmsi)
    return out


def test_vessel_events_are_for_ships_unless_asked(
    season: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, ports = season
    with Workspace(ws, read_only=True) as w:
        classes = dict(w.con.execute("SELECT mmsi, mmsi_class FROM mmsi_classes").fetchall())
    assert [classes[m] for m in NOT_SHIPS] == ["invalid", "invalid", "invalid", "aid_to_navigation"]
    assert classes[2190047] == "base_station" and classes[992191234] == "aid_to_navigation"
    assert classes[3669882] == "base_station" and classes[36926403] == "invalid"  # in the sample

    code, out, err = run_cli(["detect", "-w", str(ws), "--ports", str(ports)], capsys, monkeypatch)
    assert code == 0, err
    found = event_classes(ws)
    assert set(found) == {"ship"} and 367999001 in found["ship"]
    assert not set(NOT_SHIPS) & found["ship"]
    # what was left unread, and why, is said (a file of such MMSIs alone would detect nothing)
    with Workspace(ws, read_only=True) as w:
        unread = dict(
            w.con.execute(
                "SELECT mmsi_class, count(DISTINCT mmsi) FROM positions JOIN mmsi_classes "
                "USING (mmsi) WHERE mmsi_class <> 'ship' GROUP BY 1"
            ).fetchall()
        )
    assert unread["invalid"] >= 3 and unread["base_station"] >= 2
    line = next(x for x in out.splitlines() if x.startswith("not read for their MMSI class:"))
    assert f"invalid {unread['invalid']:,} MMSIs" in line
    assert f"base_station {unread['base_station']:,} MMSIs" in line
    assert line.endswith("--classes or --all-classes reads them")

    code, out, err = run_cli(
        ["detect", "-w", str(ws), "--ports", str(ports), "--all-classes"], capsys, monkeypatch
    )
    assert code == 0, err
    assert "not read for their MMSI class" not in out
    found = event_classes(ws)
    assert {"base_station", "aid_to_navigation", "invalid"} <= set(found)
    assert set(NOT_SHIPS) <= set().union(*found.values())  # the filter is what kept them out

    code, _, err = run_cli(
        ["detect", "-w", str(ws), "--ports", str(ports), "--classes", "ship,base_station"],
        capsys,
        monkeypatch,
    )
    assert code == 0 and set(event_classes(ws)) == {"ship", "base_station"}
    code, _, err = run_cli(["detect", "-w", str(ws), "--classes", "boat"], capsys, monkeypatch)
    assert code == 2 and "unknown class 'boat'" in err


def test_events_of_two_presets_are_said_to_be_so(
    season: tuple[Path, Path], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the review of real AIS: after a second preset, `darkcargo events` listed each event twice
    # with nothing said
    ws, ports = season
    for preset in ("gfw", "sensitive"):
        code, _, err = run_cli(
            ["detect", "-w", str(ws), "--ports", str(ports), "--preset", preset],
            capsys,
            monkeypatch,
        )
        assert code == 0, err
    code, out, err = run_cli(["events", "-w", str(ws), "--format", "csv"], capsys, monkeypatch)
    assert code == 0
    assert "events of 2 presets (gfw, sensitive), each listed: --preset picks one" in err
    both = len(out.splitlines())
    code, out, err = run_cli(
        ["events", "-w", str(ws), "--format", "csv", "--preset", "gfw"], capsys, monkeypatch
    )
    assert code == 0 and "presets" not in err and 1 < len(out.splitlines()) < both
