"""Write the season's traffic: NMEA 0183 with tag blocks, and MarineCadastre-style CSV.

Both files carry the same positions. The NMEA file additionally has the static messages
(type 5, types 24A/24B), a few duplicated messages (the same report heard by a second
receiver) and a few corrupted copies (bad checksum or truncated line); the CSV has one clean
row per position, as MarineCadastre publishes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from darkcargo.scenario import aisenc

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]

CHUNK = 200_000  # NMEA records encoded per block (bounds memory)
MSG_24B = 25  # internal code for type 24 part B (part A keeps 24)
CORRUPT_CHECKSUM, CORRUPT_TRUNCATED = 1, 2
CSV_COLUMNS = (
    "MMSI", "BaseDateTime", "LAT", "LON", "SOG", "COG", "Heading", "VesselName", "IMO",
    "CallSign", "VesselType", "Status", "Length", "Width", "Draft", "Cargo", "TransceiverClass",
)  # fmt: skip


@dataclass
class Positions:
    """Emitted position reports, quantised exactly as AIS carries them."""

    ts: I64
    mmsi: I64
    msg_type: npt.NDArray[np.int8]  # 1, 2, 3 or 18
    ident: I64  # row in the identity table
    lat_q: I64  # 1/10000 minute
    lon_q: I64
    sog10: I64
    cog10: I64
    heading: I64
    nav: I64
    station: npt.NDArray[np.int16]
    channel: npt.NDArray[np.uint8]
    vid: npt.NDArray[np.int32]
    sample: I64  # index into the season's samples

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def lat(self) -> F64:
        return self.lat_q / 600000.0

    @property
    def lon(self) -> F64:
        return self.lon_q / 600000.0


@dataclass
class Identities:
    """One row per (vessel, identity period)."""

    vid: I64
    mmsi: I64
    imo: I64  # 0 = none
    name: npt.NDArray[np.str_]
    callsign: npt.NDArray[np.str_]
    flag: npt.NDArray[np.str_]
    ship_type: I64
    ais_class: npt.NDArray[np.str_]
    length: I64
    beam: I64
    draught10: I64
    valid_from: I64


@dataclass
class Records:
    """NMEA records in file order: positions, statics, duplicates, corrupted copies."""

    ts: I64
    mmsi: I64
    mtype: I64  # 1, 2, 3, 5, 18, 24 (part A), 25 (part B)
    ref: I64  # row in Positions (position types) or Identities (statics)
    station: npt.NDArray[np.int16]
    channel: npt.NDArray[np.uint8]
    destination: npt.NDArray[np.int16]  # type 5: index into the destination names
    dup: npt.NDArray[np.bool_]
    corrupt: npt.NDArray[np.int8]

    def __len__(self) -> int:
        return len(self.ts)

    def take(self, idx: I64) -> Records:
        return Records(**{k: getattr(self, k)[idx] for k in self.__dataclass_fields__})


def concat_records(parts: list[Records]) -> Records:
    return Records(
        **{k: np.concatenate([getattr(p, k) for p in parts]) for k in Records.__dataclass_fields__}
    )


def _stations_ascii(station_ids: list[str]) -> npt.NDArray[np.uint8]:
    raw = "".join(station_ids).encode("ascii")
    return np.frombuffer(raw, dtype=np.uint8).reshape(len(station_ids), aisenc.STATION_WIDTH)


def encode_block(
    rec: Records,
    pos: Positions,
    ids: Identities,
    stations: npt.NDArray[np.uint8],
    dest_names: npt.NDArray[np.str_],
) -> tuple[list[tuple[I64, npt.NDArray[np.uint8]]], I64]:
    """Encode records of every type; returns (row indices, line block) per type and widths."""
    n = len(rec)
    widths = np.zeros(n, dtype=np.int64)
    blocks: list[tuple[I64, npt.NDArray[np.uint8]]] = []
    seq = (np.arange(n) % 10).astype(np.int64)
    for mtype in (1, 2, 3, 18, 5, 24, MSG_24B):
        rows = np.nonzero(rec.mtype == mtype)[0]
        if not rows.size:
            continue
        r = rec.ref[rows]
        if mtype in (1, 2, 3):
            payload, fill = aisenc.position_a(
                mtype,
                rec.mmsi[rows],
                pos.nav[r],
                pos.sog10[r],
                pos.lon_q[r],
                pos.lat_q[r],
                pos.cog10[r],
                pos.heading[r],
                pos.ts[r] % 60,
            )
        elif mtype == 18:
            payload, fill = aisenc.position_b(
                rec.mmsi[rows],
                pos.sog10[r],
                pos.lon_q[r],
                pos.lat_q[r],
                pos.cog10[r],
                pos.heading[r],
                pos.ts[r] % 60,
            )
        elif mtype == 5:
            bow = np.round(ids.length[r] * 0.55).astype(np.int64)
            half = ids.beam[r] // 2
            payload, fill = aisenc.static_a(
                rec.mmsi[rows],
                ids.imo[r],
                ids.callsign[r],
                ids.name[r],
                ids.ship_type[r],
                bow,
                ids.length[r] - bow,
                half,
                ids.beam[r] - half,
                ids.draught10[r],
                dest_names[rec.destination[rows]],
            )
        elif mtype == 24:
            payload, fill = aisenc.static_b_part_a(rec.mmsi[rows], ids.name[r])
        else:
            bow = np.round(ids.length[r] * 0.55).astype(np.int64)
            half = ids.beam[r] // 2
            payload, fill = aisenc.static_b_part_b(
                rec.mmsi[rows],
                ids.ship_type[r],
                ids.callsign[r],
                bow,
                ids.length[r] - bow,
                half,
                ids.beam[r] - half,
            )
        block = aisenc.lines(
            payload, fill, stations[rec.station[rows]], rec.ts[rows], rec.channel[rows], seq[rows]
        )
        bad = rec.corrupt[rows] == CORRUPT_CHECKSUM
        if bad.any():
            block = block.copy()
            col = block.shape[1] - 2  # last checksum digit before the newline
            cur = block[bad, col]
            block[bad, col] = np.where(cur == ord("0"), ord("1"), ord("0"))
        widths[rows] = block.shape[1]
        blocks.append((rows, block))
    return blocks, widths


def write_nmea(
    path: Path,
    rec: Records,
    pos: Positions,
    ids: Identities,
    station_ids: list[str],
    dest_names: npt.NDArray[np.str_],
    rng: np.random.Generator,
) -> int:
    """Write records in order; returns the number of lines written."""
    stations = _stations_ascii(station_ids)
    # truncated lengths are drawn up front so they do not depend on chunking
    trunc_at = rng.integers(20, 60, size=len(rec))
    n_lines = 0
    with path.open("wb") as fh:
        for a in range(0, len(rec), CHUNK):
            sl = np.arange(a, min(a + CHUNK, len(rec)))
            part = rec.take(sl)
            blocks, widths = encode_block(part, pos, ids, stations, dest_names)
            trunc = part.corrupt == CORRUPT_TRUNCATED
            widths = np.where(trunc, np.minimum(trunc_at[sl], widths - 10), widths)
            offsets = np.concatenate(([0], np.cumsum(widths)[:-1]))
            out = np.empty(int(widths.sum()), dtype=np.uint8)
            for rows, block in blocks:
                t = trunc[rows]
                if t.any():
                    aisenc.scatter_rows(out, offsets[rows[~t]], block[~t])
                    aisenc.scatter_rows(out, offsets[rows[t]], block[t], widths[rows[t]])
                else:
                    aisenc.scatter_rows(out, offsets[rows], block)
            fh.write(out.tobytes())
            n_lines += int(np.count_nonzero(out == ord("\n")))
    return n_lines


def _iso_seconds(ts: I64) -> pa.Array:
    """ISO 8601 times ('2023-08-01T00:00:05') from unix seconds, built from day and
    second-of-day dictionaries (string formatting per row is the slow part of CSV writing)."""
    day = ts // 86400
    sod = ts % 86400
    days, day_idx = np.unique(day, return_inverse=True)
    day_str = pa.array(np.datetime_as_string(days.astype("datetime64[D]")))
    hh, rem = np.divmod(np.arange(86400), 3600)
    mm, ss = np.divmod(rem, 60)
    clock = np.char.add(
        np.char.add(np.char.zfill(hh.astype("U2"), 2), ":"),
        np.char.add(
            np.char.add(np.char.zfill(mm.astype("U2"), 2), ":"), np.char.zfill(ss.astype("U2"), 2)
        ),
    )
    return pc.binary_join_element_wise(
        day_str.take(pa.array(day_idx)), pa.array(clock).take(pa.array(sod)), "T"
    )


def positions_table(pos: Positions, ids: Identities) -> pa.Table:
    """The MarineCadastre layout, one row per position (same values as the NMEA carries)."""
    i = pa.array(pos.ident)
    class_a = ids.ais_class[pos.ident] == "A"
    imo = ids.imo
    imo_str = pa.array(np.where(imo > 0, np.char.add("IMO", imo.astype("U7")), ""), mask=imo == 0)
    sog = np.where(pos.sog10 == aisenc.SOG_NA, np.nan, pos.sog10 / 10.0)

    def ident(values: np.ndarray) -> pa.Array:
        return pa.array(values).take(i)

    cols = {
        "MMSI": pa.array(pos.mmsi),
        "BaseDateTime": _iso_seconds(pos.ts),
        "LAT": pa.array(np.round(pos.lat, 5)),
        "LON": pa.array(np.round(pos.lon, 5)),
        "SOG": pa.array(sog),
        "COG": pa.array(pos.cog10 / 10.0),
        "Heading": pa.array(pos.heading),
        "VesselName": ident(ids.name),
        "IMO": imo_str.take(i),
        "CallSign": ident(ids.callsign),
        "VesselType": ident(ids.ship_type),
        "Status": pa.array(pos.nav, mask=~class_a),
        "Length": ident(ids.length),
        "Width": ident(ids.beam),
        "Draft": pa.array(ids.draught10[pos.ident] / 10.0, mask=~class_a),
        "Cargo": pa.array(ids.ship_type[pos.ident], mask=~class_a),
        "TransceiverClass": ident(ids.ais_class),
    }
    return pa.table(cols)


def write_csv(path: Path, table: pa.Table) -> None:
    with path.open("wb") as fh:
        fh.write((",".join(table.column_names) + "\n").encode())
        pacsv.write_csv(
            table,
            fh,
            pacsv.WriteOptions(include_header=False, quoting_style="none", batch_size=65536),
        )
