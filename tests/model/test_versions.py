from __future__ import annotations

import pytest

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.versions import (FIRST_VERSION, bump_version, is_version, latest_version,
                                         parse_version, version_key)


def test_first_version_and_patch_bumps():
    assert FIRST_VERSION == "1.0.0"
    assert bump_version("1.0.0") == "1.0.1"
    assert bump_version("1.0.9", "patch") == "1.0.10"


def test_minor_and_major_bumps_reset_lower_parts():
    assert bump_version("1.2.3", "minor") == "1.3.0"
    assert bump_version("1.2.3", "major") == "2.0.0"


@pytest.mark.parametrize("bad", ["1.0", "1.0.0.0", "v1.0.0", "01.0.0", "", "1.0.x", 3, None])
def test_parse_rejects_anything_but_three_numbers(bad):
    with pytest.raises(ValidationError, match="3 numbers"):
        parse_version(bad)
    assert not is_version(bad)


def test_unknown_bump_names_the_valid_ones():
    with pytest.raises(ValidationError, match="patch, minor, major"):
        bump_version("1.0.0", "huge")


def test_versions_sort_numerically_not_as_text():
    vs = ["1.0.10", "1.0.9", "2.0.0", "1.1.0"]
    assert sorted(vs, key=version_key) == ["1.0.9", "1.0.10", "1.1.0", "2.0.0"]
    assert latest_version(vs) == "2.0.0"
    assert latest_version([]) is None
    assert parse_version("10.20.30") == (10, 20, 30)
