"""The radar tables: `detections` (one row per vessel-like target, matched to AIS or dark) and
`sar_scenes` (one row per scene searched, so that "nothing seen" can be told from "not looked").

Conventions: times UTC (naive TIMESTAMP), positions WGS84 degrees, lengths metres. `row`/`col`
are the target's centroid pixel in the scene (0-based, row = line). `score` is the target's
peak signal-to-clutter ratio in dB (peak intensity over the fitted background mean). `heading_deg`
is the orientation of the target's long axis, 0-180 degrees from north (SAR cannot tell bow from
stern). Matching columns are null until `darkcargo sar match` has run on the scene.
"""

from __future__ import annotations

import pyarrow as pa

DETECTIONS = pa.schema(
    [
        ("scene_id", pa.string()),
        ("ts", pa.timestamp("us")),
        ("row", pa.int32()),
        ("col", pa.int32()),
        ("lat", pa.float64()),
        ("lon", pa.float64()),
        ("length_m", pa.float32()),
        ("width_m", pa.float32()),
        ("score", pa.float32()),
        ("matched_mmsi", pa.int64()),
        ("match_distance_m", pa.float32()),
        ("dark", pa.bool_()),
        # -- detection details --
        ("detection_id", pa.string()),  # scene_id + '#' + ordinal: stable while the scene is
        ("file", pa.string()),  # the path as given on the command line
        ("heading_deg", pa.float32()),
        ("pixels", pa.int32()),  # pixels in the target's extent
        ("polarisation", pa.string()),  # band searched (VH preferred), e.g. "VH"
        ("vv_scr_db", pa.float32()),  # the same target's peak over clutter in VV (dual-pol)
        ("vv_confirmed", pa.bool_()),  # null when the scene has one polarisation
        ("near_shore", pa.bool_()),  # inside a port radius or within near_shore_m of the coast
        ("port_id", pa.string()),  # the port whose radius holds the target, if any
        ("shore_distance_m", pa.float32()),  # to the Natural Earth coast (resolution in sar_scenes)
        ("preset", pa.string()),
        ("params_hash", pa.string()),
        # -- matching details (written by `sar match`) --
        ("match_gap_s", pa.float32()),  # time from the AIS fix used to the image time
        ("match_method", pa.string()),  # interpolated | dead_reckoned
        ("azimuth_shift_m", pa.float32()),  # shift applied to the matched vessel's position
        ("ais_length_m", pa.float32()),  # the matched vessel's AIS length
        ("nearest_mmsi", pa.int64()),  # nearest AIS vessel at the image time (any, matched or not)
        ("nearest_ais_m", pa.float32()),  # its distance: for dark targets, how alone they are
        ("match_params_hash", pa.string()),
    ]
)

SAR_SCENES = pa.schema(
    [
        ("scene_id", pa.string()),
        ("file", pa.string()),
        ("ts", pa.timestamp("us")),
        ("time_source", pa.string()),  # tag | file name | --time | metadata
        ("rows", pa.int32()),
        ("cols", pa.int32()),
        ("polarisations", pa.string()),  # e.g. "VH,VV"
        ("scale", pa.string()),  # intensity | amplitude | db, and how it was decided
        ("georef", pa.string()),  # transform | gcps | none
        ("crs", pa.string()),
        ("pixel_m", pa.float32()),
        ("lat_min", pa.float64()),
        ("lat_max", pa.float64()),
        ("lon_min", pa.float64()),
        ("lon_max", pa.float64()),
        ("footprint_wkt", pa.string()),
        ("platform_heading_deg", pa.float32()),  # flight direction, for the azimuth shift
        ("look", pa.string()),  # right | left: side the radar looks to
        ("incidence_deg", pa.float32()),
        ("geometry_source", pa.string()),  # where heading/incidence came from
        ("coastline", pa.string()),  # e.g. "Natural Earth 10m, buffered 500 m (0 m in ports)"
        ("masked_share", pa.float32()),  # share of pixels masked (land, nodata, borders)
        ("detections", pa.int32()),
        ("preset", pa.string()),
        ("params_hash", pa.string()),
        ("detected_at", pa.timestamp("us")),
        # -- written by `sar match` --
        ("matched", pa.int32()),
        ("dark", pa.int32()),
        ("ais_candidates", pa.int32()),  # vessels reporting within the time gap near the scene
        ("registration_n_m", pa.float32()),  # median offset removed before the final assignment
        ("registration_e_m", pa.float32()),
        ("match_params_hash", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {"detections": DETECTIONS, "sar_scenes": SAR_SCENES}
