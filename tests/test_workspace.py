from __future__ import annotations

from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from darkcargo.ais.schema import POSITIONS
from darkcargo.errors import WorkspaceError
from darkcargo.workspace import Workspace, all_tables, create_table_sql


def test_workspace_creates_every_canonical_table(workspace_path: Path) -> None:
    with Workspace(workspace_path) as ws:
        names = {r[0] for r in ws.con.execute("SHOW TABLES").fetchall()}
    assert set(all_tables()) <= names
    assert {"positions", "statics", "rejects", "sources", "events", "estimates", "claims"} <= names
    for _ in range(2):  # opened again: nothing added twice
        with Workspace(workspace_path) as ws:
            assert ws.arrow("SELECT * FROM meta").to_pylist() == [
                {"key": "schema_version", "value": "1"}
            ]


def test_workspace_is_a_plain_duckdb_file(workspace_path: Path) -> None:
    Workspace(workspace_path).close()
    con = duckdb.connect(str(workspace_path), read_only=True)
    cols = [r[0] for r in con.execute("DESCRIBE positions").fetchall()]
    assert cols == POSITIONS.names


def test_transaction_rolls_back_on_error(workspace_path: Path) -> None:
    rows = pa.table({"source_id": [1], "line_no": [3], "raw": ["x"], "reason": ["unparseable"]})
    with Workspace(workspace_path) as ws:
        with pytest.raises(RuntimeError), ws.transaction():
            ws.append("rejects", rows)
            assert ws.count("rejects") == 1
            raise RuntimeError("boom")
        assert ws.count("rejects") == 0
        with ws.transaction():
            ws.append("rejects", rows)
        assert ws.count("rejects") == 1


def test_read_only_open_of_missing_file_names_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.duckdb"
    with pytest.raises(WorkspaceError, match="nope.duckdb"):
        Workspace(missing, read_only=True)


def test_ddl_uses_duckdb_types() -> None:
    sql = create_table_sql("positions", POSITIONS)
    assert '"ts" TIMESTAMP' in sql and '"mmsi" BIGINT' in sql and '"sog" FLOAT' in sql


def test_older_workspace_gains_new_columns(workspace_path: Path) -> None:
    con = duckdb.connect(str(workspace_path))
    con.execute("CREATE TABLE shipments (shipment_id VARCHAR, mmsi BIGINT)")
    con.execute("INSERT INTO shipments VALUES ('s1', 273210440)")
    con.close()
    with Workspace(workspace_path) as ws:
        cols = [r[0] for r in ws.con.execute("DESCRIBE shipments").fetchall()]
        assert {"confidence", "inferred", "evidence"} <= set(cols)
        assert ws.arrow("SELECT mmsi, confidence FROM shipments").to_pylist() == [
            {"mmsi": 273210440, "confidence": None}
        ]
        assert ws.get_meta("schema_version") == "1"
