"""The `documents`, `claims` and `gradings` tables."""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us")

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),  # sha256 of the text
        ("path", pa.string()),
        ("title", pa.string()),
        ("source_url", pa.string()),
        ("published", pa.date32()),
        ("text", pa.string()),
    ]
)

CLAIMS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("doc_id", pa.string()),
        ("span_start", pa.int32()),
        ("span_end", pa.int32()),
        ("quote", pa.string()),
        ("value", pa.float64()),
        ("low", pa.float64()),
        ("high", pa.float64()),
        ("unit", pa.string()),
        ("item", pa.string()),
        ("caliber", pa.string()),
        ("bound", pa.string()),  # exact | approximate | lower | upper | range
        ("speaker", pa.string()),
        ("stance", pa.string()),  # said | estimated | believes | claimed | according_to | ...
        ("claim_date", pa.date32()),
        ("date_precision", pa.string()),  # day | month | year
        ("baseline_date", pa.date32()),  # start of the period counted ("since August 2023")
        ("source_url", pa.string()),
        ("cluster_id", pa.string()),
    ]
)

GRADINGS = pa.schema(
    [
        ("claim_id", pa.string()),
        ("estimate_id", pa.string()),
        ("grade", pa.string()),  # consistent | above | below | not_comparable
        ("log_ratio", pa.float64()),
        ("reason", pa.string()),
        ("graded_at", TS),
    ]
)

TABLES: dict[str, pa.Schema] = {"documents": DOCUMENTS, "claims": CLAIMS, "gradings": GRADINGS}
