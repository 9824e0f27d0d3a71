"""The report's place column: gaps name where AIS went off and came back (issue 14.3)."""

from __future__ import annotations

from darkcargo.report.html import static_event


def test_a_gap_names_both_ends_and_a_stop_its_nearest_port() -> None:
    gap = {
        "kind": "gap",
        "port_id": None,
        "details": {
            "hours": 40.0,
            "off_port": "RAJIN",
            "off_port_km": 2.4,
            "starts_in_port": True,
            "on_port": "ZARUBINO",
            "on_port_km": 28.3,
            "ends_in_port": False,
            "reachable_ports": ["ZARUBINO", "RAJIN"],
        },
    }
    row = static_event(gap)
    assert row["place"] == "off RAJIN (in port), on ZARUBINO (28 km)"
    assert "reachable ports: ZARUBINO, RAJIN" in row["details_text"]
    stop = {"kind": "stop", "details": {"nearest_port": "POSYET", "nearest_port_km": 11.6}}
    assert static_event(stop)["place"] == "near POSYET (12 km)"
    call = {"kind": "port_call", "port_id": "DUNAI", "details": {"hours": 30.0}}
    assert static_event(call)["place"] == "DUNAI"
