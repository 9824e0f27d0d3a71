"""The catalogue: sourced, tagged entries; user files add and override."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from darkcargo.errors import ConfigError
from darkcargo.estimate.catalogue import TAGS, load_catalogue


def test_builtin_catalogue_has_reference_figures() -> None:
    cat = load_catalogue()
    box = cat.container("20ft")
    assert box.p("max_payload_kg").value == 28_180
    assert box.p("older_max_gross_kg").value == 24_000
    assert box.p("inside_length_m").value == pytest.approx(5.896)
    assert cat.container("40ft").p("max_payload_kg").value == 26_730
    m152 = cat.munition("152mm")
    parts = {c.name: c for c in m152.components}
    assert parts["projectile"].params["mass_kg"].value == pytest.approx(43.56)
    assert parts["charge"].params["mass_kg"].value == pytest.approx(8.185)
    assert cat.munition("122mm").components[0].params["mass_kg"].value == pytest.approx(21.76)
    grad = cat.munition("9M22U").components[0].params
    assert grad["mass_kg"].value == 65 and grad["length_m"].unverified


def test_every_entry_has_a_source_and_a_tag_and_packaging_is_unverified() -> None:
    cat = load_catalogue()
    params = [p for c in cat.containers.values() for p in c.params.values()]
    params += list(cat.model.values())
    params += [p for m in cat.munitions.values() for p in m.params()]
    assert params and all(p.source and p.tag in TAGS for p in params)
    for m in cat.munitions.values():
        for comp in m.components:
            for name in ("per_crate", "crate_mass_kg", "crate_length_m"):
                assert comp.params[name].unverified, (m.key, comp.name, name)


def test_official_ratios_are_derived_from_the_statements() -> None:
    cat = load_catalogue()
    ratios = sorted(round(r) for _, r in cat.official_ratios("152mm"))
    assert ratios == [400, 429, 448, 462, 470, 480, 500]
    assert sorted(round(r) for _, r in cat.official_ratios("122mm_rocket")) == [75, 80, 100]


def test_user_file_overrides_one_entry_and_keeps_the_rest(
    write_catalogue: Callable[[str], Path],
) -> None:
    path = write_catalogue(
        '[model]\nother_cargo_share = { value = 0.0, tag = "TT", source = "my notes" }\n'
        "[[official]]\n"
        'id = "mine"\ndate = "2024-03"\nwho = "someone"\ncontainers = 1000\n'
        'equivalents = { "152mm" = 300000 }\nsource = "my notes"\n'
    )
    cat = load_catalogue(path)
    assert cat.model["other_cargo_share"].value == 0.0
    assert cat.model["other_cargo_share"].source == "my notes"
    assert cat.model["packing_efficiency"].bounds == (0.70, 0.90)
    assert len(cat.official) == 8
    assert str(path) in cat.sources and cat.hash() != load_catalogue().hash()


def test_user_file_adds_a_munition(write_catalogue: Callable[[str], Path]) -> None:
    path = write_catalogue(
        '[munitions.mortar82]\nname = "82 mm mortar bomb"\nitem = "bombs"\ncaliber = "82mm"\n'
        "[[munitions.mortar82.components]]\n"
        'name = "bomb"\n'
        'mass_kg = { value = 3.1, tag = "UNV", source = "t" }\n'
        'per_crate = { value = 10, tag = "UNV", source = "t" }\n'
        'crate_mass_kg = { low = 10, high = 14, tag = "UNV", source = "t" }\n'
        'crate_length_m = { value = 0.6, tag = "UNV", source = "t" }\n'
        'crate_width_m = { value = 0.4, tag = "UNV", source = "t" }\n'
        'crate_height_m = { value = 0.25, tag = "UNV", source = "t" }\n'
    )
    cat = load_catalogue(path)
    assert cat.munition("mortar82").quantity == "rounds_82mm"
    assert "152mm" in cat.munitions


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('[model]\ndunnage_kg = { low = 600, high = 100, tag = "UNV", source = "x" }\n', "low"),
        ('[model]\ndunnage_kg = { low = 1, high = 2, tag = "XYZ", source = "x" }\n', "tag"),
        ('[model]\ndunnage_kg = { low = 1, high = 2, tag = "UNV" }\n', "source"),
        ('[model]\nload_factor = { low = 0.5, high = 1.5, tag = "UNV", source = "x" }\n', "share"),
        ("[model\n", "catalogue"),
    ],
)
def test_bad_user_file_names_file_and_reason(
    write_catalogue: Callable[[str], Path], text: str, reason: str
) -> None:
    path = write_catalogue(text)
    with pytest.raises(ConfigError, match=reason) as info:
        load_catalogue(path)
    assert str(path) in str(info.value)


def test_unknown_munition_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="152mm"):
        load_catalogue().munition("155mm")
