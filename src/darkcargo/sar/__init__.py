"""See stage: vessels in radar (Sentinel-1) scenes, matched to AIS; unmatched ones are dark.

Public functions (the CLI `darkcargo sar`, the demo and notebooks call these):
- ``detect.detect_files(paths, preset, workspace=...)`` / ``detect.detect_scene(path, ...)``:
  scenes -> `detections` and `sar_scenes` rows; ``detect.search`` runs the same tiles and
  kernels on an array in memory.
- ``workspace_match.match_workspace(ws, preset)``: detections vs the workspace's AIS.
- ``query.list_detections(ws, dark=..., port=...)``.
- ``opensarship.evaluate(folder)``: the real-data check on OpenSARShip chips.

Jobs by module: ``scene``/``georef`` read scenes; ``cfar`` is the detector kernel; ``clusters``
turns exceedances into targets; ``landmask`` draws the coastline; ``match`` is the matching
kernel; ``detect`` and ``workspace_match`` orchestrate; ``params`` holds the preset.
"""
