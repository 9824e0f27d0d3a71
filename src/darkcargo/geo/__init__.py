"""Geography: great-circle distances, the land mask and coastline, watched ports."""
