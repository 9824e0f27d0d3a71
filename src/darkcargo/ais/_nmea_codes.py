"""What the NMEA decoder's kernels and their Python side agree on: reject reason codes, output
widths, the multipart table's size and the layout of the state carried between batches.

No numba here: `darkcargo.ais.nmea` reads these without loading the compiler when it runs the
kernels compiled ahead of time (`_nmea_build`).
"""

from __future__ import annotations

import numpy as np

NULL_TIME = np.int64(-(2**63))  # "no time" marker in int64 microsecond columns

# Reject reason codes (index into REASON_NAMES; 0 means accepted).
R_OK = 0
R_BAD_CHECKSUM = 1
R_TRUNCATED = 2
R_BAD_FILL = 3
R_ORPHAN = 4
R_UNSUPPORTED = 5
R_OUT_OF_RANGE = 6
R_NO_TIME = 7
R_UNPARSEABLE = 8
R_BAD_PAYLOAD = 9
R_EMPTY = 10
R_COMMENT = 11
R_NO_POSITION = 12
REASON_NAMES: tuple[str, ...] = (
    "",
    "bad_checksum",
    "truncated",
    "bad_fill_bits",
    "orphan_part",
    "unsupported_type",
    "out_of_range",
    "no_time",
    "unparseable",
    "bad_payload",
    "empty_payload",
    "comment",
    "no_position",
)

# Pending multipart table: at most MAX_SLOTS open groups of at most MAX_PARTS sentences each.
MAX_SLOTS = 64
MAX_PARTS = 9

# Width (characters) of the fixed string columns written for statics.
CALLSIGN_W = 7
NAME_W = 34  # 20 characters, plus up to 14 of the type 21 name extension
DEST_W = 20

# Kernel state carried between batches (int64 array of STATE_LEN).
ST_PGHP_TIME = 0  # time of a $PGHP line not yet applied to a sentence
ST_GROUP_ID = 1  # last tag-block group id seen with a time
ST_GROUP_TIME = 2  # that group's time
# Set by the caller before each buffer: how many sentences found after another on the same line
# the output columns have room for, beyond one row per line (see nmea._Decoder.decode).
ST_SPARE_ROWS = 3
# The receiver's clock: the time of the last GPS $--RMC (valid fix) or $--ZDA line, the line it
# was on, and (set by the caller) for how many lines after it it times AIS sentences.
ST_CLOCK_TIME = 4
ST_CLOCK_LINE = 5
ST_CLOCK_WINDOW = 6
STATE_LEN = 7
