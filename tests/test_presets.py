"""Versioned presets of every stage: pinned hashes and the one-line errors of a bad file.

Each hash below is recorded on stored rows (events, detections, port calls, shipments, vessel
risk, matches, estimates): a change of the loading code must not move any of them. When a
preset's values change on purpose, bump its `version` and update its pin here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from darkcargo.errors import ConfigError
from darkcargo.estimate.catalogue import load_catalogue
from darkcargo.events.params import BUILTIN_PRESETS, load_preset
from darkcargo.sanctions.match import MatchParams
from darkcargo.sanctions.risk import load_preset as load_risk_preset
from darkcargo.sar.params import load_sar_preset
from darkcargo.shipments.params import load_infer_preset

EVENT_HASHES = {
    "gfw": "0208d110e26f3b93",
    "sensitive": "b7c25bea2212a23a",
    "gpsdio": "debea6ef38b255ee",
    "gfw-pipe-tests": "84d1f964be5df6a0",
}


@pytest.mark.parametrize("name", BUILTIN_PRESETS)
def test_every_built_in_detector_preset_keeps_its_hash(name: str) -> None:
    assert load_preset(name).params_hash == EVENT_HASHES[name]


def test_the_other_stages_built_in_presets_keep_their_hashes() -> None:
    assert set(EVENT_HASHES) == set(BUILTIN_PRESETS)
    s1 = load_sar_preset("s1")
    assert (s1.params_hash, s1.match_hash) == ("44acb82e5a57c780", "d0586e994372e4de")
    assert load_infer_preset().params_hash == "2728144397e618f4"
    risk = load_risk_preset()
    assert (risk.hash(), risk.matching.hash()) == ("bcaa3d5abe9bf16e", "b4d6612e6daeaa7f")
    assert MatchParams().hash() == "b4d6612e6daeaa7f"
    assert load_catalogue().hash() == "3ab86e2db6f75af6"


def test_a_user_file_that_extends_a_built_in_one_keeps_its_hash(tmp_path: Path) -> None:
    f = tmp_path / "mine.toml"
    f.write_text('[preset]\nname = "mine"\nextends = "gfw"\n[gap]\nmin_hours = 3\n')
    mine = load_preset(f)
    assert mine.gap.min_hours == 3.0 and isinstance(mine.gap.min_hours, float)
    assert mine.version == 5 and mine.description == load_preset("gfw").description
    assert mine.params_hash == "32c648ccbadce6f2"
    # a chain: mine -> sensitive -> gfw
    f.write_text('[preset]\nname = "mine"\nextends = "sensitive"\n[stop]\nmin_hours = 3\n')
    assert load_preset(f).params_hash == "3f2d118a92ab5687"
    s = tmp_path / "radar.toml"
    s.write_text('[preset]\nname = "r"\nversion = 2\nextends = "s1"\n[detect]\npfa = 1e-7\n')
    radar = load_sar_preset(s)
    assert (radar.params_hash, radar.match_hash) == ("b0c28c28719f8806", "429394442230386b")
    i = tmp_path / "infer.toml"
    i.write_text('[preset]\nname = "i"\nextends = "infer"\n[speed]\nmin_samples = 7\n')
    assert load_infer_preset(i).params_hash == "70c394631005d98d"


Loader = Callable[[Any], Any]
LOADERS: dict[str, tuple[Loader, str, str, str]] = {
    # stage: (loader, a built-in to extend, one of its sections, a numeric key of that section)
    "events": (load_preset, "gfw", "gap", "min_hours"),
    "sar": (load_sar_preset, "s1", "detect", "cell_m"),
    "shipments": (load_infer_preset, "infer", "speed", "min_top_kn"),
}


def _write(tmp_path: Path, text: str) -> Path:
    f = tmp_path / "user.toml"
    f.write_text(text)
    return f


@pytest.mark.parametrize("stage", LOADERS)
def test_a_bad_preset_file_fails_in_one_line_naming_file_section_and_key(
    stage: str, tmp_path: Path
) -> None:
    load, base, section, key = LOADERS[stage]
    head = f'[preset]\nname = "u"\nextends = "{base}"\n'

    def fails(text: str, pattern: str) -> str:
        with pytest.raises(ConfigError, match=pattern) as info:
            load(_write(tmp_path, text))
        message = str(info.value)
        assert "\n" not in message and message.startswith(str(tmp_path / "user.toml"))
        return message

    fails(head + f"[{section}]\n{key}z = 1.0\n", rf"\[{section}\] has unknown keys \['{key}z'\]")
    fails(head + f'[{section}]\n{key} = "fast"\n', rf"\[{section}\] {key} = 'fast' is not a float")
    fails(head + f"[{section}]\n{key} = true\n", rf"\[{section}\] {key} = True is not a float")
    fails(head + "[moon]\nphase = 1\n", r"unknown sections \['moon'\]")
    fails("[preset]\nversion = 1\n", r"\[preset\] needs a name")
    fails(head + "[" + section, "user.toml: ")  # not TOML
    fails('[preset]\nname = "u"\n', r"\] is missing \[")
    loop = '[preset]\nname = "u"\nextends = "' + str(tmp_path / "user.toml") + '"\n'
    fails(loop, "'extends' chain too deep")
    with pytest.raises(ConfigError, match=r"nope\.toml: no such (radar |infer )?preset file"):
        load(tmp_path / "nope.toml")
    with pytest.raises(
        ConfigError, match=r"^nope: not a built-in .*preset \(.*\) or a \.toml file"
    ):
        load("nope")


def test_an_int_key_takes_whole_numbers_only(tmp_path: Path) -> None:
    head = '[preset]\nname = "u"\nextends = "gfw"\n'
    with pytest.raises(ConfigError, match=r"\[stop\] stray_max_positions = 2.5 is not a int"):
        load_preset(_write(tmp_path, head + "[stop]\nstray_max_positions = 2.5\n"))
    with pytest.raises(ConfigError, match=r"\[port_call\] report_presence = 1 is not a bool"):
        load_preset(_write(tmp_path, head + "[port_call]\nreport_presence = 1\n"))


def test_risk_preset_errors_name_the_file(tmp_path: Path) -> None:
    text = Path(load_risk_preset().source).read_text()
    with pytest.raises(
        ConfigError, match=r"user\.toml: rules\.sanctioned_strong needs points and cap"
    ):
        load_risk_preset(
            _write(tmp_path, text.replace("points = 40.0\ncap = 40.0", "points = 1.0"))
        )
    with pytest.raises(ConfigError, match=r"user\.toml: .*matching.*colour"):
        load_risk_preset(_write(tmp_path, text.replace("[matching]", "[matching]\ncolour = 1.0")))
    with pytest.raises(ConfigError, match=r"user\.toml: \[preset\] needs name and version"):
        load_risk_preset(_write(tmp_path, text.replace("version = 1\n", "", 1)))


def test_a_risk_preset_extends_the_default_rule_by_rule(tmp_path: Path) -> None:
    f = _write(
        tmp_path,
        '[preset]\nname = "mine"\nversion = 3\nextends = "default"\n'
        "[rules.loitering]\npoints = 9\n[matching]\nname_min_score = 90\n",
    )
    mine, base = load_risk_preset(f), load_risk_preset()
    assert mine.rule("loitering") == {**base.rule("loitering"), "points": 9.0}
    assert mine.rule("sanctioned_strong") == base.rule("sanctioned_strong")
    assert mine.matching.name_min_score == 90.0 and mine.matching.weak == base.matching.weak
    assert mine.hash() != base.hash()
    f.write_text(Path(base.source).read_text() + "\n[matchng]\nweak = 0.1\n")
    with pytest.raises(ConfigError, match=r"user\.toml: unknown sections \['matchng'\]"):
        load_risk_preset(f)


def test_a_section_that_is_not_a_table_is_named(tmp_path: Path) -> None:
    f = _write(tmp_path, 'gap = 3\n[preset]\nname = "u"\nextends = "gfw"\n')
    with pytest.raises(ConfigError, match=r"user\.toml: \[gap\] must be a table"):
        load_preset(f)
    f.write_text('preset = "gfw"\n')
    with pytest.raises(ConfigError, match=r"user\.toml: \[preset\] must be a table"):
        load_preset(f)
