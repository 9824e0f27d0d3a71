"""See stage (later issue): vessel detection in Sentinel-1 scenes, matched to AIS."""
