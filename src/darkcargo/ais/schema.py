"""Canonical tables written by the ingest stage: positions, statics, rejects, sources,
mmsi_classes.

Times are UTC microseconds (stored as naive TIMESTAMP, always UTC), positions WGS84 degrees,
speeds knots, lengths metres. `row_id` is the 1-based line (or CSV row) number in the source that
the record came from (for multipart NMEA, the first part's line), so that (source_id, row_id)
points back at the evidence. A tabular row without a position goes to statics (when it carries
an identity) or to rejects (`no_position`), never to positions.
"""

from __future__ import annotations

import pyarrow as pa

TS = pa.timestamp("us")

POSITIONS = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("ts", TS),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("sog", pa.float32()),
        ("cog", pa.float32()),
        ("heading", pa.int16()),
        ("nav_status", pa.int8()),
        ("msg_type", pa.int8()),
        ("mmsi_valid", pa.bool_()),
        ("source_id", pa.int32()),
        ("row_id", pa.int64()),
    ]
)

STATICS = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("ts", TS),
        ("imo", pa.int64()),
        ("callsign", pa.string()),
        ("name", pa.string()),
        ("ship_type", pa.int16()),
        ("length_m", pa.float32()),
        ("beam_m", pa.float32()),
        ("draught_m", pa.float32()),
        ("destination", pa.string()),
        ("msg_type", pa.int8()),
        ("mmsi_valid", pa.bool_()),
        ("source_id", pa.int32()),
        ("row_id", pa.int64()),
    ]
)

REJECTS = pa.schema(
    [
        ("source_id", pa.int32()),
        ("line_no", pa.int64()),
        ("raw", pa.string()),
        ("reason", pa.string()),
    ]
)
# The rejects table: what a reader hands over (REJECTS), plus the canonical field that caused
# the reject when one did (tabular readers say which; the NMEA decoder leaves it null).
REJECTS_TABLE = pa.schema([*REJECTS, ("field", pa.string())])

SOURCES = pa.schema(
    [
        ("source_id", pa.int32()),
        ("path", pa.string()),
        ("sha256", pa.string()),
        ("format", pa.string()),
        ("bytes", pa.int64()),
        ("lines_read", pa.int64()),
        ("accepted", pa.int64()),
        ("rejected", pa.int64()),
        ("ingested_at", TS),
    ]
)

# One row per MMSI seen: its class (ITU-R M.585 digits and message types, see ais/mmsi.py),
# kept up to date by every ingest; `msg_types` has bit t set when message type t was seen.
MMSI_CLASSES = pa.schema(
    [
        ("mmsi", pa.int64()),
        ("mmsi_class", pa.string()),
        ("reason", pa.string()),
        ("msg_types", pa.int64()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "sources": SOURCES,
    "positions": POSITIONS,
    "statics": STATICS,
    "rejects": REJECTS_TABLE,
    "mmsi_classes": MMSI_CLASSES,
}

# Reason codes for rejected lines; every input line is accepted or rejected with one of these.
REJECT_REASONS: tuple[str, ...] = (
    "bad_checksum",  # NMEA checksum present and wrong
    "truncated",  # sentence or payload shorter than its message type needs
    "bad_fill_bits",  # fill bits not 0-5, or nonzero on a non-final part
    "orphan_part",  # a multipart fragment whose group never completed
    "unsupported_type",  # a well-formed message of a type darkcargo does not decode
    "out_of_range",  # a field outside its physical range (beyond the sentinels)
    "no_time",  # a position without any time source and no --default-time
    "unparseable",  # not an AIVDM/AIVDO sentence or not a CSV row of the expected layout
    "bad_payload",  # payload holds characters outside the 6-bit armour alphabet
    "empty_payload",  # sentence with no payload at all
    "duplicate",  # identical sentence repeated within the dedup window
    "no_position",  # no position (lat 91, lon 181, empty) and no identity to keep
    "comment",  # an NMEA line starting with '#' (kept, as every line is; not an error in the feed)
)
