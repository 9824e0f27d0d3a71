"""The Spark engine in local mode against the local engine: the same decoded rows, the same
events (kind, vessel, times, port, details, evidence, ids; positions to 1e-9 degree), on two
simulated seasons and on meetings across a day, a space cell and the antimeridian.

One SparkSession (local[2], few shuffle partitions) serves the whole module; without pyspark
or Java 17+ every test here is skipped with the reason."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.dataset as pads
import pytest

from darkcargo.ais.ingest import STATUS_DUPLICATE, STATUS_INGESTED, ingest
from darkcargo.engines.spark.session import java_problem
from darkcargo.errors import InputError
from darkcargo.events.detect import detect
from darkcargo.scenario.settings import ScenarioSettings
from darkcargo.scenario.simulate import simulate
from darkcargo.workspace import Workspace
from tests.engines import crossings

PROBLEM = java_problem()
pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(PROBLEM is not None, reason=f"Spark cannot run here: {PROBLEM}"),
]

MASTER = "local[2]"
CONF = (("spark.sql.shuffle.partitions", "4"), ("spark.default.parallelism", "2"))
# everything of an event but its mean position (the kernels take it from prefix sums over a
# batch, and a batch is one vessel on Spark: equal to the last bits only)
EXACT = (
    "event_id", "kind", "mmsi", "other_mmsi", "start_ts", "end_ts", "port_id", "segment_id",
    "preset", "params_hash", "evidence", "details", "confidence",
)  # fmt: skip
NEAR = ("lat", "lon", "end_lat", "end_lon")


@pytest.fixture(scope="module")
def options() -> Any:
    from darkcargo.engines.spark import SparkOptions

    opts = SparkOptions(master=MASTER, conf=CONF)
    spark = opts.session()
    yield opts
    spark.stop()


def _events(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return sorted(tuple(r[k] for k in EXACT) for r in rows)


def assert_same_events(local: list[dict[str, Any]], spark: list[dict[str, Any]]) -> None:
    assert len(spark) == len(local)
    assert _events(spark) == _events(local)
    by_id = {r["event_id"]: r for r in local}
    for r in spark:
        for k in NEAR:
            a, b = by_id[r["event_id"]][k], r[k]
            assert (a is None) == (b is None), (r["event_id"], k)
            if a is not None:
                assert abs(a - b) < 1e-9, (r["event_id"], k, a, b)


def _workspace_events(path: Path) -> list[dict[str, Any]]:
    with Workspace(path, read_only=True) as ws:
        return ws.arrow("SELECT * FROM events").to_pylist()


def _workspace_segments(path: Path) -> list[tuple[Any, ...]]:
    with Workspace(path, read_only=True) as ws:
        return sorted(tuple(r.values()) for r in ws.arrow("SELECT * FROM segments").to_pylist())


def _dataset(root: Path) -> pa.Table:
    return pads.dataset(root, format="parquet", partitioning="hive").to_table()


def _assert_same_rows(workspace: Path, root: Path) -> None:
    """The dataset at `root` holds the workspace's positions, statics and rejects, row for row."""
    with Workspace(workspace, read_only=True) as ws:
        for table in ("positions", "statics", "rejects"):
            want = ws.arrow(f"SELECT * FROM {table}")
            got = _dataset(root / table).select(want.schema.names)
            key = lambda r: tuple(str(v) for v in r.values())  # noqa: E731
            assert sorted(got.to_pylist(), key=key) == sorted(want.to_pylist(), key=key), table


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo season, small (30 vessels, 20 days), ingested and detected locally."""
    out = tmp_path_factory.mktemp("season")
    simulate(out / "scenario", ScenarioSettings(vessels=30, end=date(2023, 8, 20)))
    ingest([out / "scenario" / "ais.nmea"], out / "ws.duckdb")
    detect(out / "ws.duckdb", "gfw", ports_csv=[out / "scenario" / "ports.csv"])
    return out


def test_spark_ingest_decodes_what_the_local_ingest_does(season: Path, options: Any) -> None:
    from darkcargo.engines.spark import ingest_dataset

    nmea = season / "scenario" / "ais.nmea"
    report = ingest_dataset([nmea], str(season / "ds"), options=options)
    (result,) = report.files
    assert result.status == STATUS_INGESTED
    with Workspace(season / "ws.duckdb", read_only=True) as ws:
        for table in ("positions", "statics", "rejects"):
            local = ws.arrow(f"SELECT * FROM {table}")
            got = _dataset(season / "ds" / table)
            assert got.drop_columns([c for c in got.column_names if c == "day"]).schema.names == (
                local.schema.names
            )
            key = lambda r: tuple(str(v) for v in r.values())  # noqa: E731
            want = sorted(local.to_pylist(), key=key)
            have = sorted(got.select(local.schema.names).to_pylist(), key=key)
            assert have == want, table
        source = ws.arrow("SELECT * FROM sources").to_pylist()[0]
    assert result.sha256 == source["sha256"]
    assert (result.lines_read, result.accepted, result.rejected) == (
        source["lines_read"], source["accepted"], source["rejected"],
    )  # fmt: skip
    # partitioned by day: every position sits in the folder of its own UTC day
    pos = _dataset(season / "ds" / "positions")
    days = pos.column("ts").cast(pa.date32()).to_pylist()
    assert [str(d) for d in days] == [str(d) for d in pos.column("day").to_pylist()]
    assert len(set(days)) == 20
    again = ingest_dataset([nmea], str(season / "ds"), options=options)
    assert again.files[0].status == STATUS_DUPLICATE
    assert _dataset(season / "ds" / "positions").num_rows == pos.num_rows


def test_spark_detect_on_the_dataset_gives_the_local_events(season: Path, options: Any) -> None:
    from darkcargo.engines.spark import detect_dataset

    if not (season / "ds").exists():
        pytest.skip("needs the dataset of the ingest test")
    report = detect_dataset(
        str(season / "ds"),
        str(season / "events"),
        "gfw",
        ports_csv=[season / "scenario" / "ports.csv"],
        options=options,
    )
    local = _workspace_events(season / "ws.duckdb")
    kinds = {r["kind"] for r in local}
    assert {"encounter", "gap", "identity_change", "port_call", "loitering"} <= kinds
    got = _dataset(season / "events" / "events").to_pylist()
    assert_same_events(local, got)
    assert report.total_events == len(local)
    seg = _dataset(season / "events" / "segments")
    assert sorted(tuple(r.values()) for r in seg.drop_columns(["day"]).to_pylist()) == (
        _workspace_segments(season / "ws.duckdb")
    )
    meta = json.loads((season / "events" / "_detect.json").read_text())
    assert meta["params_hash"] == local[0]["params_hash"]
    assert meta["parameters"]["encounter"]["max_distance_m"] == 500.0
    assert meta["events"] == report.events


def test_spark_detect_into_a_workspace_matches_local_on_a_second_seed(
    tmp_path: Path, options: Any
) -> None:
    from darkcargo.engines.spark import detect_workspace

    simulate(tmp_path / "s11", ScenarioSettings(seed=11, vessels=25, end=date(2023, 8, 12)))
    ports = [tmp_path / "s11" / "ports.csv"]
    ingest([tmp_path / "s11" / "ais.nmea"], tmp_path / "ws.duckdb")
    detect(tmp_path / "ws.duckdb", "gfw", ports_csv=ports)
    local = _workspace_events(tmp_path / "ws.duckdb")
    local_segments = _workspace_segments(tmp_path / "ws.duckdb")
    report = detect_workspace(tmp_path / "ws.duckdb", "gfw", ports_csv=ports, options=options)
    assert report.total_events == len(local) > 50
    assert_same_events(local, _workspace_events(tmp_path / "ws.duckdb"))
    assert _workspace_segments(tmp_path / "ws.duckdb") == local_segments


@pytest.mark.parametrize("via_pandas", [False, True])
def test_meetings_across_midnight_a_cell_border_and_the_antimeridian(
    tmp_path: Path, options: Any, via_pandas: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from darkcargo.engines.spark import detect_dataset, session

    monkeypatch.setattr(session, "FORCE_PANDAS", via_pandas)
    geo = crossings.crossing_geo()
    ws = crossings.write_workspace(tmp_path / "ws.duckdb")
    detect(ws, "gfw", geo=geo)
    local = _workspace_events(ws)
    data = crossings.write_dataset(tmp_path / "ds")
    assert len(list((data / "positions").iterdir())) == 2  # two days
    detect_dataset(str(data), str(tmp_path / "out"), "gfw", geo=geo, options=options)
    got = _dataset(tmp_path / "out" / "events").to_pylist()
    assert_same_events(local, got)
    enc = [e for e in got if e["kind"] == "encounter"]
    assert sorted((e["mmsi"], e["other_mmsi"]) for e in enc) == [
        (a, b) for a, _, _, b, _, _ in crossings.PAIRS
    ]
    assert all(e["start_ts"].date() < e["end_ts"].date() for e in enc)


def test_an_interrupted_ingest_is_undone_by_the_next(tmp_path: Path, options: Any) -> None:
    from darkcargo.engines.spark import dataset, ingest_dataset

    nmea = tmp_path / "a.nmea"
    nmea.write_bytes(
        b"\\s:RUVVO1,c:1690848000*4F\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n"
    )
    root = tmp_path / "ds"
    # what a run killed while moving its files leaves: an intent, a moved file, staging
    run = "20240101T000000-deadbeef"
    moved = root / "positions" / "day=2023-08-01" / f"{run}-part-0.parquet"
    moved.parent.mkdir(parents=True)
    shutil.copy(crossings_parquet(tmp_path), moved)
    (root / dataset.RUNS).mkdir()
    (root / dataset.RUNS / f"{run}.json").write_text('{"run": "x", "source_ids": [1]}')
    (root / dataset.STAGING / run).mkdir(parents=True)
    report = ingest_dataset([nmea], str(root), options=options)
    assert report.files[0].status == STATUS_INGESTED
    assert not moved.exists()
    assert not (root / dataset.RUNS / f"{run}.json").exists()
    assert not (root / dataset.STAGING / run).exists()
    pos = _dataset(root / "positions")
    assert pos.column("mmsi").to_pylist() == [366053209]
    assert pos.column("source_id").to_pylist() == [1]


def crossings_parquet(tmp_path: Path) -> Path:
    import pyarrow.parquet as pq

    path = tmp_path / "stray.parquet"
    pq.write_table(crossings.table(), path)
    return path


def test_tables_ingest_the_same_on_both_engines(
    shared_data: Path, tmp_path: Path, options: Any
) -> None:
    """A real MarineCadastre CSV (gzipped), GFW's pipeline JSON Lines and a CSV of no known
    layout: each task reads its file with the local engine's readers, so the dataset holds the
    same positions, statics and rejects (with the field that caused each) as a workspace."""
    import gzip

    from darkcargo.engines.spark import ingest_dataset

    mc = tmp_path / "mc.csv.gz"
    mc.write_bytes(
        gzip.compress((shared_data / "ais/noaa/marinecadastre_20230101_sample.csv").read_bytes())
    )
    kyst = tmp_path / "kyst.csv"
    kyst.write_text(
        "mmsi;date_time_utc;lon;lat;sog;cog;true_heading\n"
        "257002000;2024-01-01 00:00:05;5.3221;60.3912;0.0;250.1;255\n"
        "257002000;2024-01-01 00:01:05;5.3222;95.0;0.1;250.1;255\n"
    )
    files = [mc, shared_data / "ais/gfw_segment/338013000.json", kyst]
    local = ingest(files, tmp_path / "ws.duckdb")
    spark = ingest_dataset(files, str(tmp_path / "ds"), options=options)
    fields = ("status", "format", "source_id", "lines_read", "accepted", "rejected", "positions")
    assert [[getattr(f, k) for k in fields] for f in spark.files] == [
        [getattr(f, k) for k in fields] for f in local.files
    ]
    assert [f.format for f in spark.files] == [
        "csv:marinecadastre+gzip",
        "json:guessed",
        "csv:guessed",
    ]
    _assert_same_rows(tmp_path / "ws.duckdb", tmp_path / "ds")
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        fields_named = ws.scalar("SELECT count(*) FROM rejects WHERE field IS NOT NULL")
    assert fields_named >= 61  # 60 GFW messages without a position, one latitude of 95
    again = ingest_dataset(files, str(tmp_path / "ds"), options=options)
    assert [f.status for f in again.files] == [STATUS_DUPLICATE] * 3


def test_spark_ingest_refuses_an_unknown_csv_before_any_task(tmp_path: Path, options: Any) -> None:
    from darkcargo.engines.spark import ingest_dataset

    csv = tmp_path / "a.csv"
    csv.write_text("boat,when,y,x\n1,2,3,4\n")
    with pytest.raises(InputError, match=r"a\.csv:1: CSV header matches no known layout"):
        ingest_dataset([csv], str(tmp_path / "ds"), options=options)
    assert not (tmp_path / "ds").exists()


def _readme_spark_commands() -> list[str]:
    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = text.split("## Scale-out: Apache Spark", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith("darkcargo ")]


def test_the_readme_scale_out_commands_run(
    tmp_path: Path, options: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each command of the README's scale-out section, in this process (one JVM)."""
    import shlex

    from typer.testing import CliRunner

    from darkcargo.cli.main import app

    commands = _readme_spark_commands()
    assert any("--engine spark" in c and "--input" in c for c in commands)
    monkeypatch.chdir(tmp_path)
    outputs = []
    for cmd in commands:
        done = CliRunner().invoke(app, shlex.split(cmd)[1:])
        assert done.exit_code == 0, f"{cmd}\n{done.output}\n{done.exception!r}"
        outputs.append(done.output)
    meta = json.loads((tmp_path / "events-gfw" / "_detect.json").read_text())
    spark_line = next(o for c, o in zip(commands, outputs, strict=True) if "--input" in c)
    assert f"{sum(meta['events'].values())} events" in spark_line
    assert (tmp_path / "ais-parquet" / "positions").is_dir()
    with Workspace(tmp_path / "season-s.duckdb", read_only=True) as ws:
        n = ws.scalar("SELECT count(*) FROM events")
    assert n == sum(meta["events"].values())  # the dataset and the workspace: the same events


LINE = b"\\s:RUVVO1,c:1690848000*4F\\!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n"


def test_a_file_that_breaks_in_a_task_leaves_the_dataset_as_it_was(
    tmp_path: Path, options: Any
) -> None:
    import gzip

    from darkcargo.engines.spark import ingest_dataset
    from darkcargo.engines.spark.session import SparkEngineError

    root = tmp_path / "ds"
    first = tmp_path / "first.nmea"
    first.write_bytes(LINE)
    ingest_dataset([first], str(root), options=options)
    before = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    good = tmp_path / "good.nmea"
    good.write_bytes(LINE * 3)
    broken = tmp_path / "broken.nmea.gz"  # fine for its first megabytes, cut short after
    broken.write_bytes(gzip.compress(LINE * 40_000)[:-64])
    with pytest.raises(SparkEngineError, match=r"broken\.nmea\.gz: corrupt gzip"):
        ingest_dataset([good, broken], str(root), options=options)
    after = sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())
    assert after == before
    assert _dataset(root / "positions").num_rows == 1


REAL_NMEA = (
    "ais/gpsd/sample.aivdm",
    "ais/libais/test.aivdm",
    "ais/libais/typeexamples.nmea",
    "ais/libais/tagblock.nmea",
    "ais/pyais/nmea_data_sample.txt",
    "ais/pyais/mixed.txt",
    "ais/pyais/timestamped.ais",
    "ais/pyais/gatehouse.nmea",
)


def test_real_nmea_decodes_the_same_on_both_engines(
    shared_data: Path, tmp_path: Path, options: Any
) -> None:
    """Real feeds (gpsd, libais, pyais: every message type, junk, prefixes, tag blocks, $PGHP):
    the same positions, statics and rejects, file by file."""
    from datetime import datetime

    from darkcargo.engines.spark import ingest_dataset

    files = [shared_data / f for f in REAL_NMEA]
    when = datetime(2020, 1, 1)
    local = ingest(files, tmp_path / "ws.duckdb", default_time=when)
    spark = ingest_dataset(files, str(tmp_path / "ds"), default_time=when, options=options)
    fields = ("status", "source_id", "lines_read", "accepted", "rejected", "positions", "statics")
    assert [[getattr(f, k) for k in fields] for f in spark.files] == [
        [getattr(f, k) for k in fields] for f in local.files
    ]
    assert sum(f.rejected for f in local.files) > 100  # the junk is there, and kept
    _assert_same_rows(tmp_path / "ws.duckdb", tmp_path / "ds")


def test_real_shared_mmsi_tracks_give_the_same_events(
    shared_data: Path, tmp_path: Path, options: Any
) -> None:
    """Global Fishing Watch's gpsdio-segment fixtures: MMSI 416000000 used by many vessels at
    once and 338013000 with impossible jumps, real positions."""
    import json as js

    import numpy as np

    from darkcargo.engines.spark import detect_workspace

    parts = []
    for name in ("416000000.json", "338013000.json"):
        rows = [
            js.loads(x)
            for x in (shared_data / "ais/gfw_segment" / name).read_text().splitlines()
            if x.strip()
        ]
        ts = [np.datetime64(r["timestamp"].replace("Z", "").replace(" ", "T"), "us") for r in rows]

        def col(k: str, rows: list[dict[str, Any]] = rows) -> np.ndarray:
            return np.array([np.nan if r.get(k) is None else r[k] for r in rows], np.float64)

        parts.append(
            {
                "mmsi": np.array([r["ssvid"] for r in rows], np.int64),
                "ts": np.array(ts).astype(np.int64),
                "lat": col("lat"),
                "lon": col("lon"),
                "sog": col("speed"),
                "cog": col("course"),
            }
        )
    cols = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    ws = crossings.write_workspace(tmp_path / "ws.duckdb", crossings.canonical(cols))
    detect(ws, "gfw")
    local, segments = _workspace_events(ws), _workspace_segments(ws)
    assert {"spoof_jump", "shared_mmsi"} <= {e["kind"] for e in local}
    detect_workspace(ws, "gfw", options=options)
    assert_same_events(local, _workspace_events(ws))
    assert _workspace_segments(ws) == segments


@pytest.mark.parametrize("classes", [("ship",), None])
def test_both_engines_read_the_same_mmsi_classes(
    shared_data: Path, tmp_path: Path, options: Any, classes: tuple[str, ...] | None
) -> None:
    """Real feeds with base stations and aids to navigation (types 4 and 21): by default both
    engines run vessel events for ships only, classified by the same rules (the workspace's
    `mmsi_classes`, the dataset's digits and message types); with every class both read all."""
    from datetime import datetime

    from darkcargo.ais.mmsi import classify
    from darkcargo.engines.spark import detect_dataset, ingest_dataset

    files = [shared_data / f for f in REAL_NMEA]
    when = datetime(2020, 1, 1)
    ingest(files, tmp_path / "ws.duckdb", default_time=when)
    ingest_dataset(files, str(tmp_path / "ds"), default_time=when, options=options)
    local = detect(tmp_path / "ws.duckdb", "gfw", classes=classes, geo=None)
    spark = detect_dataset(
        str(tmp_path / "ds"), str(tmp_path / "out"), "gfw", options=options, classes=classes
    )
    assert spark.mmsis == local.mmsis and spark.positions == local.positions
    with Workspace(tmp_path / "ws.duckdb", read_only=True) as ws:
        others = ws.arrow("SELECT mmsi FROM mmsi_classes WHERE mmsi_class <> 'ship'")
        assert others.num_rows >= 3  # base stations and aids to navigation in these feeds
    events = _dataset(tmp_path / "out" / "events")
    assert_same_events(_workspace_events(tmp_path / "ws.duckdb"), events.to_pylist())
    if classes is not None and events.num_rows:
        klass, _ = classify(events.column("mmsi").to_numpy())
        assert set(klass) == {"ship"}  # by digits too: no base station, AtoN or invalid
