"""Rule packs fail at load time with errors naming the file, the line and the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.rules.loader import RulePackError, load_pack, parse_pack
from cleaner.rules.yamlsafe import MAX_PACK_BYTES

CASES = {
    "bad_regex.yaml": (10, "'broken'", "does not compile"),
    "empty_match.yaml": (6, "'matches_nothing'", "matches the empty string"),
    "duplicate_id.yaml": (8, "'same'", "duplicate id"),
    "unknown_key.yaml": (4, "", "'patern' was unexpected"),
    "bad_action.yaml": (5, "'nope'", "'delete' is not one of"),
    "alias.yaml": (7, "", "aliases are not allowed"),
    "python_tag.yaml": (3, "", "could not determine a constructor"),
    "extract_no_group.yaml": (4, "'date'", "needs named groups"),
    "not_yaml.yaml": (2, "", ""),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_pack_error_names_file_line_and_rule(datadir: Path, name: str) -> None:
    line, rule, message = CASES[name]
    with pytest.raises(RulePackError) as info:
        load_pack(datadir / name)
    text = str(info.value)
    assert text.startswith(f"{datadir / name}:{line}:"), text
    assert rule in text
    assert message in text


def test_bad_pack_stops_cleaner_construction(datadir: Path, tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes((datadir / "bad_regex.yaml").read_bytes())
    with pytest.raises(RulePackError, match=r"bad\.yaml:10"):
        cleaner.Cleaner([tmp_path])


def test_oversized_pack_is_refused() -> None:
    data = b"name: big\nversion: 1\nrules: []\n" + b"#" * MAX_PACK_BYTES
    with pytest.raises(RulePackError, match="over the"):
        parse_pack(data, "big.yaml")


def test_bundled_packs_load_and_have_unique_names() -> None:
    packs = cleaner.default_cleaner().packs
    assert len({p.name for p in packs}) == len(packs) >= 6
    assert [p.name for p in packs if p.always] == ["generic"]
