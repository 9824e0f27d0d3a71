"""Scoring detected events against scenario truth."""

from __future__ import annotations

from datetime import datetime, timedelta

from darkcargo.scenario.score import match_kind

T = datetime(2024, 3, 1)


def ev(mmsi, h0, h1, other=None, port=None, details=None):
    return {
        "mmsi": mmsi,
        "other_mmsi": other,
        "start_ts": T + timedelta(hours=h0),
        "end_ts": T + timedelta(hours=h1),
        "port_id": port,
        "details": details,
    }


def test_overlap_with_tolerance_matches_once():
    truth = [ev(1, 0, 6), ev(1, 20, 30)]
    det = [ev(1, 6.5, 8), ev(1, 21, 29), ev(1, 21, 29)]
    s = match_kind("gap", truth, det, timedelta(hours=1))
    assert (s.matched_truth, s.matched_detected) == (2, 2)
    assert s.recall == 1.0 and s.precision == 2 / 3


def test_encounters_match_as_unordered_pairs_and_ports_must_agree():
    s = match_kind("encounter", [ev(5, 0, 3, other=9)], [ev(9, 1, 2, other=5)], timedelta(0))
    assert s.recall == 1.0
    s = match_kind(
        "port_call", [ev(5, 0, 3, port="RAJIN")], [ev(5, 0, 3, port="DUNAI")], timedelta(0)
    )
    assert s.recall == 0.0 and s.precision == 0.0


def test_identity_changes_match_on_field():
    truth = [ev(5, 0, 0, details='{"field": "name"}')]
    det = [ev(5, 0, 0, details='{"field": "callsign"}'), ev(5, 0, 0, details='{"field": "name"}')]
    s = match_kind("identity_change", truth, det, timedelta(hours=1))
    assert s.matched_truth == 1 and s.detected == 2


def test_identity_change_matches_under_either_mmsi_of_a_move():
    # truth records a reflag under the MMSI left; a detector may record it under the new one
    truth = [ev(5, 0, 0, other=9, details='{"field": "flag"}')]
    det = [ev(9, 0, 0, other=5, details='{"field": "flag"}')]
    assert match_kind("identity_change", truth, det, timedelta(hours=1)).recall == 1.0


def test_optional_truth_is_not_missed_but_may_be_matched():
    seen, unseen = ev(1, 0, 5), {**ev(1, 10, 15), "optional": True}
    # the unseen event is not detected: recall stays 1; a detection of it is not a false alarm
    s = match_kind("loitering", [seen, unseen], [ev(1, 0, 5)], timedelta(0))
    assert (s.truth, s.optional, s.recall, s.precision) == (1, 1, 1.0, 1.0)
    s = match_kind("loitering", [seen, unseen], [ev(1, 0, 5), ev(1, 11, 14)], timedelta(0))
    assert (s.recall, s.precision) == (1.0, 1.0)
    s = match_kind("loitering", [seen, unseen], [ev(1, 11, 14), ev(1, 30, 31)], timedelta(0))
    assert (s.recall, s.precision) == (0.0, 0.5)
