"""Infer stage: port calls (observed and inferred dark calls) and shipments between watched ports."""
