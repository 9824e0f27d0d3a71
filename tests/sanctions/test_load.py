"""Loading lists: replace on reload, all-or-nothing, one-line errors from the CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from darkcargo.errors import InputError
from darkcargo.sanctions.load import load_list
from darkcargo.workspace import Workspace
from tests.sanctions.helpers import build, statics

FIX = Path(__file__).parent / "fixtures"


def counts(path: Path) -> dict[str, int]:
    with Workspace(path, read_only=True) as ws:
        rows = ws.con.execute(
            'SELECT "list", count(*) FROM watchlist GROUP BY 1 ORDER BY 1'
        ).fetchall()
        n_matches = ws.count("matches")
    return {**{r[0]: int(r[1]) for r in rows}, "matches": n_matches}


def test_loading_the_same_list_twice_replaces_it(tmp_path: Path) -> None:
    ws = build(tmp_path / "w.duckdb", statics=statics(273210440, "ANGARA", imo=9179842))
    first = load_list([FIX / "sdn.csv", FIX / "alt.csv"], ws)
    assert first.lists[0]["replaced"] == 0
    again = load_list([FIX / "sdn.xml"], ws)  # the same list (OFAC_SDN) in its XML form
    assert again.lists[0]["replaced"] == 4
    load_list([FIX / "eu.xml"], ws)
    load_list([FIX / "eu.xml"], ws)
    assert counts(ws) == {"EU_FSF": 2, "OFAC_SDN": 2, "matches": 2}  # ANGARA on both lists


def test_a_malformed_list_loads_nothing_and_keeps_the_earlier_rows(tmp_path: Path) -> None:
    ws = build(tmp_path / "w.duckdb", statics=statics(273210440, "ANGARA", imo=9179842))
    load_list([FIX / "sdn.csv", FIX / "alt.csv"], ws)
    before = counts(ws)
    bad = tmp_path / "sdn.csv"
    lines = (FIX / "sdn.csv").read_bytes().split(b"\r\n")
    lines[3] = lines[3].replace(b",-0- ,", b",", 2)  # a record two fields short, at line 4
    bad.write_bytes(b"\r\n".join(lines))
    with pytest.raises(InputError) as err:
        load_list([bad, FIX / "alt.csv"], ws)
    assert err.value.line == 4 and "has 10 fields, expected 12" in err.value.reason
    assert counts(ws) == before == {"OFAC_SDN": 4, "matches": 1}


def test_cli_error_is_one_line_with_exit_code_2(tmp_path: Path) -> None:
    ws = build(tmp_path / "w.duckdb", statics=statics(273210440, "ANGARA", imo=9179842))
    bad = tmp_path / "list.csv"
    bad.write_text("name,imo\nANGARA,9179842\nMARIA,8517830\n")
    done = subprocess.run(
        [sys.executable, "-m", "darkcargo", "sanctions", "load", str(bad), "-w", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr == f"error: {bad}:3: IMO 8517830 fails its check digit\n"
    assert counts(ws) == {"matches": 0}


def test_cli_load_and_list(tmp_path: Path) -> None:
    ws = build(tmp_path / "w.duckdb", statics=statics(273210440, "ANGARA", imo=9179842))
    shutil.copy(FIX / "1718-vessels.csv", tmp_path / "1718.csv")
    run = [sys.executable, "-m", "darkcargo"]
    done = subprocess.run(
        [*run, "sanctions", "load", str(FIX / "sdn.csv"), str(FIX / "alt.csv"), "-w", str(ws)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OFAC_SDN: 4 vessels (2 with IMO, 2 with MMSI)")
    assert "matches: 1 strong (IMO/MMSI), 0 medium" in done.stdout
    assert "IMO 1234568 fails its check digit" in done.stderr
    out = subprocess.run(
        [*run, "sanctions", "list", "-w", str(ws), "--matched", "--format", "csv"],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout.splitlines()
    assert out[0].startswith("entry_id,list,program,name,imo,mmsi,flag,callsign,listed_on")
    assert len(out) == 2 and out[1].startswith(
        "OFAC_SDN:36216,OFAC_SDN,RUSSIA-EO14024; DPRK3,ANGARA,9179842"
    )
    assert out[1].endswith(",273210440,strong")


def test_a_folder_of_lists_loads_ofacs_csv_set_as_one_list(tmp_path: Path) -> None:
    from darkcargo.sanctions.run import lists_in

    for name in ("sdn.csv", "alt.csv", "sdn_comments.csv", "add.csv", "eu.xml"):
        (tmp_path / name).write_bytes((FIX / name).read_bytes())
    groups = [[p.name for p in g] for g in lists_in(tmp_path)]
    assert groups == [["eu.xml"], ["sdn.csv", "alt.csv", "sdn_comments.csv", "add.csv"]]
