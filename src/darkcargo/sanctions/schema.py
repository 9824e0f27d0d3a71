"""The watch stage's tables: `watchlist`, `matches` and `vessel_risk`.

`watchlist` holds one row per listed vessel, exactly as its list gives it (the list's own entry
id, programme, date and identifiers; aliases and extra identifiers as JSON). `matches` links an
AIS identity period (MMSI, IMO, name, call sign as broadcast between `valid_from` and
`valid_to`) to a watchlist row, with the fields that agreed. `vessel_risk` is the additive risk
score of each vessel, every contribution listing the rows (event ids, port call ids, match ids,
detection keys) behind it, with the preset and the hash of its weights.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us")

WATCHLIST = pa.schema(
    [
        ("entry_id", pa.string()),  # "<list>:<the list's own id>", unique across lists
        ("list", pa.string()),  # OFAC_SDN, UN_SC, UN_1718, EU_FSF, IMO_LIST, or a user list name
        ("program", pa.string()),  # programme(s), "; "-joined as the list gives them
        ("name", pa.string()),
        ("imo", pa.int64()),
        ("mmsi", pa.int64()),
        ("flag", pa.string()),  # ISO 3166 alpha-2 when the list's text maps to one, else as given
        ("callsign", pa.string()),
        ("listed_on", pa.date32()),
        ("aliases", pa.string()),  # JSON list of {"name", "type"} (a.k.a., f.k.a., weak ...)
        ("vessel_type", pa.string()),
        ("owner", pa.string()),
        ("remarks", pa.string()),
        # JSON: identifiers beyond the first ({"imo": [...], "mmsi": [...], "callsign": [...]}),
        # and the list's raw flag text
        ("extra", pa.string()),
        ("source", pa.string()),  # file name the row was loaded from
        ("source_ref", pa.string()),  # where in that file: "line 12" or "sdnEntry uid=15036"
    ]
)

MATCHES = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("imo", pa.int64()),
        ("entry_id", pa.string()),
        ("strength", pa.float32()),  # 1 strong (IMO/MMSI), ~0.6-0.8 medium, <= 0.4 weak
        ("fields", pa.string()),  # JSON list of fields that agreed
        ("match_id", pa.string()),
        ("kind", pa.string()),  # strong | medium | weak (weak: shown, never scored)
        ("name", pa.string()),  # the AIS name of the identity period
        ("callsign", pa.string()),
        ("matched_name", pa.string()),  # the list's name or alias that the AIS name resembled
        ("name_score", pa.float32()),  # rapidfuzz similarity 0-100, null when names not compared
        ("valid_from", TS),  # the AIS identity period the match applies to
        ("valid_to", TS),
        ("params_hash", pa.string()),
    ]
)

VESSEL_RISK = pa.schema(
    [
        ("vessel_id", pa.string()),  # "IMO9179842" when an IMO is known, else "MMSI273210440"
        ("mmsi", pa.int64()),  # the most recently heard MMSI
        ("imo", pa.int64()),
        ("mmsis", pa.string()),  # JSON list of every MMSI of the vessel
        ("name", pa.string()),  # the latest AIS name
        ("score", pa.float64()),
        ("rank", pa.int32()),  # 1 = highest score
        ("sanctioned", pa.bool_()),  # a strong or medium match to a watchlist entry
        # JSON list of {"rule", "points", "count", "why", "rows": {"events": [...], ...}}
        ("contributions", pa.string()),
        ("preset", pa.string()),
        ("params_hash", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "watchlist": WATCHLIST,
    "matches": MATCHES,
    "vessel_risk": VESSEL_RISK,
}
