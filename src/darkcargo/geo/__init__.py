"""Geography: great-circle distances, the land mask and coastline, ports, and the one sea router."""
