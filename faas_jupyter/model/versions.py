"""Revision versions: 3-part semver, ``1.0.0`` first, patch bump per push."""
from __future__ import annotations

import re
from typing import Any, Iterable

from ..errors import ValidationError

FIRST_VERSION = "1.0.0"
BUMPS = ("patch", "minor", "major")
_VERSION_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def parse_version(version: Any) -> tuple[int, int, int]:
    """``"1.0.3"`` -> ``(1, 0, 3)``; ValidationError for anything but a 3-part version."""
    match = _VERSION_RE.fullmatch(version) if isinstance(version, str) else None
    if not match:
        raise ValidationError(f"invalid version {version!r}: use 3 numbers like '1.0.3'")
    major, minor, patch = (int(g) for g in match.groups())
    return major, minor, patch


def is_version(version: Any) -> bool:
    try:
        parse_version(version)
    except ValidationError:
        return False
    return True


def bump_version(version: str, bump: str = "patch") -> str:
    """The next version: ``patch`` 1.0.3 -> 1.0.4, ``minor`` -> 1.1.0, ``major`` -> 2.0.0."""
    major, minor, patch = parse_version(version)
    if bump == "patch":
        return f"{major}.{minor}.{patch + 1}"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    if bump == "major":
        return f"{major + 1}.0.0"
    raise ValidationError(f"invalid bump {bump!r}: use one of {', '.join(BUMPS)}", "bump")


def version_key(version: str) -> tuple[int, int, int]:
    """Sort key: ``sorted(vs, key=version_key)`` puts 1.0.9 before 1.0.10."""
    return parse_version(version)


def latest_version(versions: Iterable[str]) -> str | None:
    """The highest version, or None for none."""
    return max(versions, key=version_key, default=None)
