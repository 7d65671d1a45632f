"""Package JSON from a codebase, revision diffs, and Dataloop folder export."""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from faas_jupyter.errors import ValidationError
from faas_jupyter.model.codebase import Codebase, CodebaseDiff
from faas_jupyter.model.package import PackageModule, PackageSpec
from faas_jupyter.model.package_check import check_against_code

if TYPE_CHECKING:
    from faas_jupyter.workspace.packages import Package

PACKAGE_JSON = "package.json"
MANIFEST = "dataloop.json"


def _read_package_json(cb: Codebase) -> dict | None:
    data = cb.files.get(PACKAGE_JSON)
    if data is None:
        return None
    try:
        d = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"{PACKAGE_JSON} is not valid JSON: {exc}") from None
    if not isinstance(d, dict):
        raise ValidationError(f"{PACKAGE_JSON} must hold a JSON object, not {type(d).__name__}")
    return d


def _infer_modules(cb: Codebase) -> list[PackageModule]:
    from faas_jupyter.model.introspect import infer_package_modules
    modules = infer_package_modules(dict(cb.files))
    if not modules:
        raise ValidationError(f"no {PACKAGE_JSON} in the codebase and no BaseServiceRunner class "
                              f"found in its .py files; add a {PACKAGE_JSON} that lists the modules "
                              "or pass modules=[...]")
    return modules


def resolve_spec(cb: Codebase, name: str | None, modules: Iterable | None, folder: str | None,
                 base: PackageSpec | None = None) -> PackageSpec:
    """The package JSON of a push: ``base``, else ``package.json``, else inferred from code.

    Name: the argument, else package.json's, else the folder's name. ``modules`` replace
    whatever package.json says. The result has no version (the revision gives it).
    """
    doc = base.to_json() if base is not None else (_read_package_json(cb) or {})
    doc.pop("version", None)
    doc["name"] = name or doc.get("name") or folder
    if not doc["name"]:
        raise ValidationError("name the package: package_name='...' (no package.json name "
                              "and no folder name to use)", "name")
    if modules is not None:
        doc["modules"] = [m.to_json() if isinstance(m, PackageModule) else m for m in modules]
    elif doc.get("modules") is None:
        doc["modules"] = [m.to_json() for m in _infer_modules(cb)]
    try:
        spec = PackageSpec.from_json(doc)
    except ValidationError as exc:
        source = PACKAGE_JSON if PACKAGE_JSON in cb.files and base is None else "package"
        raise ValidationError(f"{source}: {exc.message}", exc.path, line=exc.line) from None
    spec.validate_codebase(cb.files)
    return spec


def check_spec_against_code(spec: PackageSpec, cb: Codebase, from_package_json: bool) -> None:
    """At push: the package JSON and the code agree both ways (``model.package_check``)."""
    try:
        check_against_code(spec, cb.files)
    except ValidationError as exc:
        source = PACKAGE_JSON if from_package_json else "the package JSON"
        raise ValidationError(f"{source} does not match the code: {exc.message}",
                              exc.path, line=exc.line) from None


@dataclass
class PackageDiff:
    """From revision ``a`` to ``b``: files added/removed/changed, and both unified texts."""

    package: str
    a: str
    b: str
    files: CodebaseDiff
    spec_unified: str = ""
    changed_keys: list[str] = field(default_factory=list)

    @classmethod
    def between(cls, old, new) -> "PackageDiff":
        a_json, b_json = _spec_lines(old), _spec_lines(new)
        spec_text = "\n".join(difflib.unified_diff(
            a_json, b_json, f"a/{PACKAGE_JSON}@{old.version}", f"b/{PACKAGE_JSON}@{new.version}",
            lineterm=""))
        oj, nj = _versionless(old), _versionless(new)
        keys = sorted(k for k in set(oj) | set(nj) if oj.get(k) != nj.get(k))
        return cls(old.name, old.version, new.version, old.codebase.diff(new.codebase),
                   spec_text + ("\n" if spec_text else ""), keys)

    @property
    def added(self) -> list[str]:
        return self.files.added

    @property
    def removed(self) -> list[str]:
        return self.files.removed

    @property
    def changed(self) -> list[str]:
        return self.files.changed

    @property
    def unified(self) -> str:
        """Every file diff, then the package JSON diff, as one text."""
        return "".join([*(self.files.unified[p] for p in sorted(self.files.unified)),
                        self.spec_unified])

    def __bool__(self) -> bool:
        return bool(self.files) or bool(self.spec_unified)

    def __str__(self) -> str:
        return self.unified

    def to_json(self) -> dict:
        return {"package": self.package, "a": self.a, "b": self.b, **self.files.to_json(),
                "specUnified": self.spec_unified, "specChangedKeys": list(self.changed_keys)}


def _versionless(pkg: PackageSpec) -> dict:
    d = pkg.to_json()
    d.pop("version", None)
    return d


def _spec_lines(pkg: PackageSpec) -> list[str]:
    return json.dumps(_versionless(pkg), indent=2, sort_keys=True).splitlines()


def manifest(pkg: PackageSpec, extra: dict | None = None) -> dict:
    """A DPK-style ``dataloop.json``: name, version, components.modules (module JSON), plus
    ``extra`` components (``services``, ``triggers``: ``workspace.dpk``) when there are any."""
    found = {k: v for k, v in (extra or {}).items() if v}
    return {"name": pkg.name, "displayName": pkg.name, "version": pkg.version,
            "scope": "project", "codebase": {"type": "folder"},
            "components": {"modules": [m.to_json() for m in pkg.modules], **found}}


def package_json_bytes(pkg: PackageSpec) -> bytes:
    """``package.json`` as a codebase holds it: the package JSON without its version."""
    return (json.dumps(_versionless(pkg), indent=2) + "\n").encode("utf-8")


def with_package_json(pkg: PackageSpec, cb: Codebase) -> Codebase:
    """``cb`` with ``pkg``'s package JSON as its ``package.json`` (``pkg.update()``'s codebase)."""
    return Codebase({**cb.files, PACKAGE_JSON: package_json_bytes(pkg)})


def export_folder(pkg: Package, directory: str | Path, extra: dict | None = None) -> Path:
    """Write ``pkg``'s codebase plus ``package.json`` and ``dataloop.json`` under ``directory``."""
    root = Path(directory).expanduser()
    files = dict(pkg.codebase.files)
    files[PACKAGE_JSON] = package_json_bytes(pkg)
    files[MANIFEST] = (json.dumps(manifest(pkg, extra), indent=2) + "\n").encode("utf-8")
    Codebase(files).extract(root)  # checks every path before writing any
    return root
