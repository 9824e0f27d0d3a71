"""Ingest stage: AIS decoding (NMEA 0183, provider CSV, Parquet) into canonical tables."""
