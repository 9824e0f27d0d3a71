"""Acceptance on simulated seasons: simulate, ingest the NMEA, detect with the scenario's ports,
grade against the ground truth (darkcargo.scenario.score), on two seeds.

Targets (issue 4): precision and recall >= 0.95 for port calls, gaps, encounters and spoof jumps,
>= 0.9 for loitering and identity changes; no encounter or loitering inside a port. The season is
small (80 vessels, 2.5 months) so each seed runs in about 15 s here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from darkcargo.ais.ingest import ingest
from darkcargo.events.detect import detect
from darkcargo.scenario.score import score
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.simulate import simulate

TARGET = {
    "port_call": 0.95,
    "gap": 0.95,
    "encounter": 0.95,
    "spoof_jump": 0.95,
    "loitering": 0.9,
    "identity_change": 0.9,
}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [7, 11])
def test_detection_meets_targets_on_a_simulated_season(seed: int, tmp_path: Path) -> None:
    settings = ScenarioSettings(
        seed=seed, vessels=80, start=date(2023, 8, 1), end=date(2023, 10, 15)
    )
    out = tmp_path / "season"
    simulate(out, settings, progress=lambda _msg: None)
    ws = tmp_path / "ws.duckdb"
    ingest([out / "ais.nmea"], ws)
    detect(ws, "gfw", ports_csv=[out / "ports.csv"], case=settings.case)
    report = score(ws, out, preset="gfw")
    for kind, target in TARGET.items():
        s = report.kinds[kind]
        assert s.truth > 0, kind
        assert s.precision >= target, (kind, s)
        assert s.recall >= target, (kind, s)
    assert report.in_port == {"encounter": 0, "loitering": 0}
