"""Packages and revisions: ``ws.packages.push/get/list/delete/export``, bound ``Package``.

A push is one store transaction: it re-reads the latest revision, decides the
next version, and writes the revision row, its file rows and any new blobs
together, so a crash leaves all or nothing and concurrent pushes never share
or skip a version.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from faas_jupyter.errors import (Conflict, FaasError, NoChangeWarning, NotFound, TypeInferenceWarning,
                                 ValidationError)
from faas_jupyter.model.codebase import Codebase
from faas_jupyter.model.entities import Revision
from faas_jupyter.model.package import PackageModule, PackageSpec
from faas_jupyter.model.versions import BUMPS, FIRST_VERSION, bump_version
from faas_jupyter.store import packages as sql
from faas_jupyter.store import services as service_sql
from faas_jupyter.workspace import dpk
from faas_jupyter.workspace.items import codebase_id
from faas_jupyter.workspace._package_files import (PACKAGE_JSON, PackageDiff, check_spec_against_code,
                                                   export_folder, resolve_spec, with_package_json)

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace
    from faas_jupyter.workspace.projects import Project

_UNBOUND = ("this package is not in a workspace; push it first: "
            "ws.packages.push(codebase=..., modules=pkg.modules)")


def stored_spec(spec: PackageSpec) -> dict:
    """The stored JSON of a spec: no version (the revision holds it)."""
    d = spec.to_json()
    d.pop("version", None)
    return d


@dataclass(eq=True)
class Package(PackageSpec):
    """A package at one revision. ``from_json`` gives an unbound one (no workspace)."""

    _ws: Any = field(default=None, repr=False, compare=False)
    _project: Any = field(default=None, repr=False, compare=False)
    _row: dict | None = field(default=None, repr=False, compare=False)  # the revision row
    _codebase: Codebase | None = field(default=None, repr=False, compare=False)

    def _live(self) -> Workspace:
        if self._ws is None or self._row is None:
            raise FaasError(_UNBOUND)
        return self._ws

    def bind(self, ws: Workspace, project: Project, row: dict, codebase: Codebase | None = None) -> Package:
        """This package as revision ``row`` of ``project`` in ``ws`` (as ``ws.packages`` hands them out)."""
        self._ws, self._project, self._row, self._codebase = ws, project, row, codebase
        return self

    @property
    def workspace(self) -> Workspace:
        """The workspace this package is bound to (unpushed: FaasError)."""
        return self._live()

    def _packages(self) -> "Packages":
        return Packages(self._live(), self._project)

    @property
    def revision_info(self) -> Revision:
        """This package's own revision (version, author, message, changes)."""
        self._live()
        return _revision(self._row, self.name, self)

    @property
    def revisions(self) -> list[Revision]:
        """Every revision of this package, oldest first."""
        return self._packages().revisions(self.name)

    @property
    def codebase_id(self) -> str:
        """The id of this revision's codebase as a zip item: ``ws.items.get(item_id=...)``."""
        self._live()
        return codebase_id(self._row["id"])

    @property
    def codebase(self) -> Codebase:
        if self._codebase is None:
            with self._live().store.connect() as conn:
                self._codebase = Codebase(sql.read_files(conn, self._row["id"]))
        return self._codebase

    def revision(self, version: str) -> "Package":
        return self._packages().get(self.name, version=version)

    def latest(self) -> "Package":
        return self._packages().get(self.name)

    def update(self, message: str = "", bump: str = "patch") -> "Package":
        """A new revision with this package's JSON (edits included) and codebase.

        The JSON is also written into the new revision's codebase as ``package.json``, so
        downloading that revision and pushing it again never reverts the update.
        """
        self.validate()
        codebase = with_package_json(self, self.codebase)
        new: Package = self._packages().push(package_name=self.name, codebase=codebase,
                                    modules=self.modules, spec=self, message=message,
                                    bump=bump, force=True)
        self._row, self.version, self._codebase = new._row, new.version, codebase
        return self

    def diff(self, a: str, b: str | None = None) -> PackageDiff:
        """Files added/removed/changed and the package JSON diff from version ``a`` to ``b``."""
        old = self.revision(a)
        new = self.revision(b) if b else self.latest()
        return PackageDiff.between(old, new)

    def deploy(self, **kwargs):
        """Deploy a module of this package as a service (``ws.services.deploy``)."""
        return self._live().services.deploy(self, **kwargs)

    def __repr__(self) -> str:
        modules = ", ".join(m.name for m in self.modules)
        return f"<Package {self.name} {self.version or '(unpushed)'}: {modules}>"


def _revision(row: dict, name: str, spec: PackageSpec | None = None) -> Revision:
    spec = spec if spec is not None else PackageSpec.from_json(row["spec"])
    return Revision(package=name, version=row["version"], created_at=row["created_at"],
                    creator=row["creator"], message=row["message"],
                    codebase_digest=row["codebase_digest"], spec=spec,
                    changes=row["changes"])


class Packages:
    """``ws.packages`` (or ``proj.packages``): the packages of one project."""

    def __init__(self, ws: Workspace, project: Project | None = None) -> None:
        self._ws = ws
        self._project = project

    @property
    def project(self) -> Project:
        return self._project if self._project is not None else self._ws.project

    def _bind(self, row: dict, name: str, codebase: Codebase | None = None) -> Package:
        pkg = Package.from_json({**row["spec"], "version": row["version"]})
        return pkg.bind(self._ws, self.project, row, codebase)

    # -- push ---------------------------------------------------------------------------------
    def push(self, src_path: str | Path | None = None, package_name: str | None = None,
             modules: Iterable[PackageModule | dict] | None = None, message: str = "",
             bump: str = "patch", force: bool = False, *, codebase: Codebase | Mapping | None = None,
             project: str | None = None, spec: PackageSpec | None = None) -> Package:
        """Make a new revision (1.0.0 first, then ``bump``); nothing changed -> NoChangeWarning.

        ``src_path`` is read with ``Codebase.from_dir`` (``.gitignore`` honoured), or give
        an in-memory ``codebase``. ``modules=None`` reads ``package.json`` from the codebase,
        else infers the modules from the code.
        """
        if project is not None:
            return Packages(self._ws, self._ws.projects.get(project)).push(
                src_path, package_name, modules, message, bump, force, codebase=codebase, spec=spec)
        if bump not in BUMPS:
            raise ValidationError(f"invalid bump {bump!r}: use one of {', '.join(BUMPS)}", "bump")
        cb = self._codebase(src_path, codebase)
        folder = Path(src_path).expanduser().resolve().name if src_path is not None else None
        from_file = spec is None and modules is None and PACKAGE_JSON in cb.files
        from faas_jupyter.model.introspect import inference_context
        # inference knows the project's packagers; its warnings are shown as %%faas shows them
        with inference_context(self._ws.packagers.manager.packable_type_names()) as guessed:
            spec = resolve_spec(cb, package_name, modules, folder, base=spec)
        check_spec_against_code(spec, cb, from_file)
        for w in guessed:
            warnings.warn(TypeInferenceWarning(str(w)), stacklevel=2)
        pushed, row = self._ws.store.write(lambda conn: self._push_txn(conn, spec, cb, message,
                                                                       bump, force))
        if not pushed:
            warnings.warn(NoChangeWarning(
                f"package {spec.name!r} is unchanged at {row['version']}; nothing pushed "
                "(force=True pushes anyway)"), stacklevel=2)
        return self._bind(row, spec.name, cb)

    def _codebase(self, src_path, codebase) -> Codebase:
        if (src_path is None) == (codebase is None):
            raise ValidationError("give exactly one of src_path (a folder) or codebase=")
        if codebase is not None:
            return codebase if isinstance(codebase, Codebase) else Codebase(codebase)
        return Codebase.from_dir(src_path, max_bytes=self._ws.settings.max_codebase_bytes)

    def _push_txn(self, conn: Connection, spec: PackageSpec, cb: Codebase, message: str, bump: str,
                  force: bool) -> tuple[bool, dict]:
        self._require(conn, f"push package {spec.name!r}")
        pkg = (sql.get_package(conn, self.project.id, spec.name)
               or sql.insert_package(conn, self.project.id, spec.name, self._ws.user))
        latest = sql.latest_revision(conn, pkg["id"])
        stored = stored_spec(spec)
        if latest and not force and latest["codebase_digest"] == cb.digest and latest["spec"] == stored:
            return False, latest
        version = FIRST_VERSION if latest is None else bump_version(latest["version"], bump)
        changes = _changes(conn, latest, cb, stored)
        row = sql.insert_revision(conn, pkg["id"], version=version, creator=self._ws.user,
                                  message=message or "", codebase_digest=cb.digest, spec=stored,
                                  changes=changes, files=cb.files,
                                  digests=cb.file_digests)
        return True, row

    def _require(self, conn: Connection, action: str) -> None:
        self._ws.check_role(conn, action, project=self.project)

    def _member(self, conn: Connection, action: str) -> None:
        self._ws.check_member(action, conn, self.project)

    # -- read ---------------------------------------------------------------------------------
    def _package_row(self, conn: Connection, name: str) -> dict:
        row = sql.get_package(conn, self.project.id, name)
        if row is None:
            names = ", ".join(p["name"] for p in sql.list_packages(conn, self.project.id)) or "none"
            raise NotFound(f"no package {name!r} in project {self.project.name!r}; packages: {names}")
        return row

    def get(self, name: str, version: str | None = None) -> Package:
        """The latest revision of ``name``, or the one at ``version``."""
        with self._ws.store.connect() as conn:
            self._member(conn, f"read package {name!r}")
            pkg_id = self._package_row(conn, name)["id"]
            by_version = version not in (None, "latest")
            row = sql.get_revision(conn, pkg_id, version) if by_version else sql.latest_revision(conn, pkg_id)
            if row is None:  # the latest only for the message
                latest = sql.latest_revision(conn, pkg_id)
                raise NotFound(f"package {name!r} has no revision {version}; latest is "
                               f"{latest['version'] if latest else '(none)'}")
        return self._bind(row, name)

    def revisions(self, name: str) -> list[Revision]:
        """Every revision of ``name``, oldest first."""
        with self._ws.store.connect() as conn:
            self._member(conn, f"read the revisions of package {name!r}")
            rows = sql.list_revisions(conn, self._package_row(conn, name)["id"])
        # Most revisions share their JSON with the one before: build a spec only when it differs
        # (the specs of immutable revisions are read-only snapshots, so sharing is safe).
        out: list[Revision] = []
        for i, r in enumerate(rows):
            same = i > 0 and rows[i - 1]["spec"] == r["spec"]
            out.append(_revision(r, name, out[-1].spec if same else None))
        return out

    def list(self) -> list[Package]:
        """The latest revision of every package of the project, by name."""
        with self._ws.store.connect() as conn:
            self._member(conn, "list packages")
            latest = sql.latest_revisions(conn, self.project.id)
        return [self._bind(row, name) for name, row in latest.items()]

    def __iter__(self):
        return iter(self.list())

    def __contains__(self, name: str) -> bool:
        with self._ws.store.connect() as conn:
            self._member(conn, "list packages")
            return sql.get_package(conn, self.project.id, name) is not None

    # -- delete, export, import ---------------------------------------------------------------
    def delete(self, name: str) -> None:
        """Delete a package and all its revisions (refused while services use it)."""
        def fn(conn: Connection):
            self._require(conn, f"delete package {name!r}")
            pkg = self._package_row(conn, name)
            users = service_sql.service_names_of_package(conn, pkg["id"])
            if users:
                raise Conflict(f"package {name!r} is deployed as {', '.join(sorted(users))}; "
                               "delete those services first")
            sql.delete_package(conn, pkg["id"])
        self._ws.store.write(fn)

    def export(self, name: str, directory: str | Path, version: str | None = None) -> Path:
        """Write a Dataloop package folder: the codebase, ``package.json``, ``dataloop.json``
        (whose ``components`` also list the package's services and their triggers)."""
        pkg = self.get(name, version=version)
        return export_folder(pkg, directory, dpk.components(self._ws, pkg.name))

    def import_folder(self, directory: str | Path, package_name: str | None = None,
                      message: str = "", deploy: bool = False, **kwargs) -> Package:
        """Push a Dataloop package folder (``package.json`` + codebase); ``deploy=True`` also
        deploys the services its ``dataloop.json`` lists and creates their triggers."""
        found = dpk.read_components(directory)
        if deploy:  # a bad trigger is refused before anything is pushed
            for i, entry in enumerate(found["triggers"]):
                dpk.parse_trigger(entry, i)
        pkg = self.push(src_path=directory, package_name=package_name, message=message, **kwargs)
        if deploy:
            dpk.deploy_components(self._ws, pkg, found)
        else:
            dpk.warn_not_deployed(found, directory)
        return pkg


def _changes(conn: Connection, latest: dict | None, cb: Codebase, stored: dict) -> dict:
    """Files added/removed/changed since the previous revision, and whether the JSON changed."""
    old = sql.revision_file_digests(conn, latest["id"]) if latest else {}
    new = cb.file_digests
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)),
            "changed": sorted(p for p in set(old) & set(new) if old[p] != new[p]),
            "spec": latest is None or latest["spec"] != stored}
