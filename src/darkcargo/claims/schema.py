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
        ("date_precision", pa.string()),  # day | month | season | year
        ("baseline_date", pa.date32()),  # start of the period counted ("since August 2023")
        ("source_url", pa.string()),
        ("cluster_id", pa.string()),  # repeated claims: same speaker, quantity and value
        ("hedge", pa.string()),  # the bound cue as written ("as many as", "about")
        ("speaker_title", pa.string()),  # "South Korean Defence Minister"
        ("negated", pa.bool_()),  # "denied receiving 1 million shells", "no evidence that"
        ("basis", pa.string()),  # count | capacity | rate | money | percentage | ratio | mass
        ("quantity", pa.string()),  # estimates' vocabulary: containers, rounds_152mm, ...
        ("extractor", pa.string()),  # rules-1 | manual
        # what the figure rests on, kept apart from the speaker: satellite imagery, report, data
        ("evidence", pa.string()),
        # which way the delivery went, when the claim's clause says it (ISO 3166 alpha-2):
        # "the United States has sent ... to Ukraine" -> US, UA
        ("sender_country", pa.string()),
        ("recipient_country", pa.string()),
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
        ("quantity", pa.string()),
        ("method", pa.string()),  # the estimate's method
        ("claim_value", pa.float64()),  # the figure compared (geometric mid-point of a range)
        ("p05", pa.float64()),
        ("p50", pa.float64()),
        ("p95", pa.float64()),
    ]
)

TABLES: dict[str, pa.Schema] = {"documents": DOCUMENTS, "claims": CLAIMS, "gradings": GRADINGS}
