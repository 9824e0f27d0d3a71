"""MMSI classes (ITU-R M.585) from digits and message types, and their upkeep by ingest."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from darkcargo.ais.ingest import ingest
from darkcargo.ais.mmsi import CLASSES, classify, mmsi_class
from darkcargo.workspace import Workspace


@pytest.mark.parametrize(
    ("mmsi", "types", "expected"),
    [
        (273210440, (), "ship"),  # MID 273, Russia
        (445123000, (1, 5), "ship"),  # MID 445, North Korea
        (1, (), "invalid"),  # 000000001: coast-station form, MID 000
        (133310, (), "invalid"),  # 000133310: MID 013
        (626001, (1,), "invalid"),  # 000626001: MID 062
        (995121027, (), "aid_to_navigation"),  # 99 + MID 512 (New Zealand)
        (3669702, (), "base_station"),  # 00 + MID 366 (United States)
        (2393200, (4,), "base_station"),
        (111273100, (9,), "sar_aircraft"),  # 111 + MID 273
        (982731234, (), "auxiliary_craft"),  # 98 + MID 273
        (970123456, (1, 14), "sart_mob_epirb"),
        (972000001, (), "sart_mob_epirb"),
        (827312345, (), "handheld"),  # 8 + MID 273
        (36926403, (1,), "invalid"),  # 036926403: a group call identity, never a station
        (123456789, (), "invalid"),
        (280123456, (), "invalid"),  # MID 280 is not allocated
        (776000001, (), "invalid"),  # beyond 775
        (1_073_741_823, (), "invalid"),  # ten digits: the 30-bit field's largest value
        (-5, (), "invalid"),
    ],
)
def test_class_from_digits(mmsi: int, types: tuple[int, ...], expected: str) -> None:
    assert mmsi_class(mmsi, types)[0] == expected


def test_message_types_that_name_the_transmitter_override_the_digits() -> None:
    # real AtoNs and base stations with MMSIs of other forms (GPSD's and libais' samples)
    assert mmsi_class(316011284, (21,)) == (
        "aid_to_navigation",
        "sends type 21 (aid-to-navigation report)",
    )
    assert mmsi_class(587895, (21,))[0] == "aid_to_navigation"
    assert mmsi_class(273210440, (1, 4))[0] == "base_station"
    assert mmsi_class(273210440, (9,))[0] == "sar_aircraft"
    assert mmsi_class(273210440, (11,))[0] == "ship"  # 11 is a mobile station's UTC reply
    assert mmsi_class(3669702, ())[1] == "coast (base) station: 00 + MID"


def test_bulk_and_one_by_one_classification_agree() -> None:
    rng = np.random.default_rng(3)
    mmsi = np.concatenate(
        [rng.integers(-10, 1_100_000_000, 20_000), [0, 1, 111_000_000, 999_999_999]]
    )
    mask = np.where(
        rng.random(len(mmsi)) < 0.1, 1 << rng.choice([1, 4, 9, 11, 18, 21], len(mmsi)), 0
    )
    cls, why = classify(mmsi, mask)
    assert set(cls) == set(CLASSES)
    one_by_one = [
        mmsi_class(int(m), [t for t in range(28) if k >> t & 1])
        for m, k in zip(mmsi[:200], mask[:200], strict=True)
    ]
    assert one_by_one == list(zip(cls[:200].tolist(), why[:200].tolist(), strict=True))


def test_ingest_keeps_one_class_per_mmsi_across_files(shared_data: Path, tmp_path: Path) -> None:
    """A coast-station MMSI seen first in a CSV, then sending type 4 in NMEA, stays one row."""
    ws = tmp_path / "ws.duckdb"
    csv = tmp_path / "day.csv"
    csv.write_text(
        "MMSI,BaseDateTime,LAT,LON,TransceiverClass\n"
        "3669705,2023-01-01T00:00:00,37.8,-122.4,A\n"
        "273210440,2023-01-01T00:00:00,42.8,132.9,A\n"
        "995121027,2023-01-01T00:00:00,-41.3,174.8,A\n"
    )
    ingest([csv], ws)
    ingest([shared_data / "ais" / "libais" / "test.aivdm"], ws)
    with Workspace(ws, read_only=True) as w:
        rows = dict(w.con.execute("SELECT mmsi, mmsi_class FROM mmsi_classes").fetchall())
        assert w.scalar("SELECT count(*) - count(DISTINCT mmsi) FROM mmsi_classes") == 0
        seen = w.scalar(
            "SELECT count(DISTINCT mmsi) FROM (SELECT mmsi FROM positions UNION ALL SELECT mmsi FROM statics)"
        )
        masks = dict(w.con.execute("SELECT mmsi, msg_types FROM mmsi_classes").fetchall())
    assert len(rows) == seen
    assert rows[273210440] == "ship" and rows[995121027] == "aid_to_navigation"
    assert rows[3669705] == "base_station" and masks[3669705] == (1 << 1) | (1 << 4)


def test_an_old_workspace_gets_every_mmsi_classified_on_its_next_ingest(tmp_path: Path) -> None:
    ws = tmp_path / "ws.duckdb"
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text("MMSI,BaseDateTime,LAT,LON\n273210440,2023-01-01T00:00:00,42.8,132.9\n")
    two.write_text("MMSI,BaseDateTime,LAT,LON\n995121027,2023-01-01T00:00:00,-41.3,174.8\n")
    ingest([one], ws)
    with Workspace(ws) as w:  # as a workspace made before classes existed
        w.con.execute("DELETE FROM mmsi_classes")
        w.con.execute("DELETE FROM meta WHERE key = 'mmsi_classes.version'")
    ingest([two], ws)
    with Workspace(ws, read_only=True) as w:
        assert sorted(w.con.execute("SELECT mmsi, mmsi_class FROM mmsi_classes").fetchall()) == [
            (273210440, "ship"),
            (995121027, "aid_to_navigation"),
        ]
