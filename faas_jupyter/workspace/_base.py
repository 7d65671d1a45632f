"""``Workspace``: settings + store + the collections (``ws.projects``, ``ws.packages`` ...).

Collections attach lazily through ``COLLECTIONS`` (attribute -> "module:Class"):
the first ``ws.services`` imports ``faas_jupyter.workspace.services`` and builds
``Services(ws)`` once. A new use-case module only has to define that class.
"""
from __future__ import annotations

import importlib
import threading
from dataclasses import replace
from typing import Any

from faas_jupyter.config import Settings, settings as resolve_settings
from faas_jupyter.errors import PermissionDenied

DEFAULT_PROJECT = "default"
DEVELOPER_ROLES = ("owner", "developer")  # who may push, deploy, delete and manage members
MEMBER_ROLES = ("owner", "developer", "annotationManager", "annotator")  # who may read and execute

# ws.<name> -> "module:Class"; Class(ws) is built on first access and cached.
COLLECTIONS: dict[str, str] = {
    "projects": "faas_jupyter.workspace.projects:Projects",
    "services": "faas_jupyter.workspace.services:Services",
    "executions": "faas_jupyter.workspace.executions:Executions",
    "items": "faas_jupyter.workspace.items:Items",
    "datasets": "faas_jupyter.workspace.datasets:Datasets",
    "packagers": "faas_jupyter.workspace.packagers:Packagers",
    "console": "faas_jupyter.workspace.console:Console",
    "triggers": "faas_jupyter.workspace.triggers:Triggers",
}


class Workspace:
    """Where everything lives: a database and an artifact root, seen by one user."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.user = settings.user
        self._store = None
        self._artifacts = None
        self._collections: dict[str, Any] = {}
        self._project = None
        self._lock = threading.RLock()
        # a host process acting for the registry itself (the Jupyter server restarting the
        # services it hosts): it reads without being a member; writes still check roles
        self._system = False
        # acts for a remote user (the Jupyter server's REST API): inputs never name server files
        self._served = False

    def __repr__(self) -> str:
        return f"<Workspace user={self.user!r} db={self.settings.db_url!r}>"

    @property
    def store(self):
        """The database (opened and migrated on first use)."""
        with self._lock:
            if self._store is None:
                from faas_jupyter.store import Store
                self._store = Store(self.settings.db_url)
            return self._store

    @property
    def artifacts(self):
        """The artifact root (``store.artifacts.ArtifactStore`` over fsspec)."""
        with self._lock:
            if self._artifacts is None:
                from faas_jupyter.store.artifacts import ArtifactStore
                self._artifacts = ArtifactStore(self.settings.artifacts, **self.settings.artifacts_options)
            return self._artifacts

    @property
    def project(self):
        """The current project: "default" unless ``use_project`` chose another.

        "default" is created on first use with the current user as its owner.
        """
        with self._lock:
            if self._project is None:
                self._project = self.projects.get_or_create(DEFAULT_PROJECT)
            return self._project

    def as_user(self, user: str) -> "Workspace":
        """This workspace seen by ``user``: same store and artifacts objects, same current project.

        For a server acting for several users on one store (the execution recorder and the
        running services are per store object). Closing either closes the shared store.
        """
        other = Workspace(self.settings.with_(user=user))
        other._store, other._artifacts = self.store, self.artifacts
        if self._project is not None:
            other._project = replace(self._project, _ws=other)
        return other

    def check_role(self, conn, action: str, allowed: tuple[str, ...] = DEVELOPER_ROLES, project=None) -> None:
        """PermissionDenied unless this user's role in ``project`` (default: the current one),
        read on ``conn``, is one of ``allowed``."""
        from faas_jupyter.store.projects import get_role
        project = project if project is not None else self.project
        require_role(get_role(conn, project.id, self.user), self.user, project.name, action, allowed)

    def check_member(self, action: str, conn=None, project=None) -> None:
        """PermissionDenied unless this user is a member (any role) of ``project`` (default:
        the current one): non-members see nothing, not even whether a name exists."""
        if self._system:
            return
        if conn is None:
            from faas_jupyter.store.projects import read_role
            project = project if project is not None else self.project
            return require_role(read_role(self.store, project.id, self.user), self.user, project.name,
                                action, MEMBER_ROLES)
        self.check_role(conn, action, MEMBER_ROLES, project)

    def use_project(self, name: str):
        """Make ``name`` the current project (``ws.packages`` etc. then act on it)."""
        self._project = self.projects.get(name)
        return self._project

    @property
    def packages(self):
        """The packages of the current project."""
        return self.project.packages

    def __getattr__(self, name: str):
        target = COLLECTIONS.get(name)
        if target is None or name.startswith("_"):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        with self._lock:
            if name not in self._collections:
                module, cls = target.split(":")
                self._collections[name] = getattr(importlib.import_module(module), cls)(self)
            return self._collections[name]

    def gc(self, min_age: float = 3600.0, dry_run: bool = False, quiet: bool = False):
        """Remove stale temp files of interrupted writes, artifacts no item references (older
        than ``min_age`` seconds) and unused codebase blobs; print what was freed (unless
        ``quiet``) and return the ``GcReport``."""
        from faas_jupyter.workspace.gc import collect
        report = collect(self, min_age, dry_run)
        if not quiet:
            print(report)
        return report

    def close(self) -> None:
        if self._store is not None:
            from faas_jupyter.workspace._hosts import close_for
            close_for(self._store)  # end this process's lease: nothing it holds stays in limbo
            self._store.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def workspace(url: str | None = None, artifacts: str | None = None, user: str | None = None,
              home: str | None = None, storage_options: dict | str | None = None,
              trust_pickles: bool | None = None) -> Workspace:
    """Open a workspace: ``url`` (SQLite path or database URL) else $FAAS_DB_URL else
    ``$FAAS_HOME/faas.db``; ``artifacts`` any fsspec URL; ``user`` else $FAAS_USER else the OS login.

    ``storage_options`` are the artifact root's fsspec options (else $FAAS_ARTIFACTS_OPTIONS,
    JSON), e.g. ``{"endpoint_url": "http://minio:9000", "key": ..., "secret": ...}`` or
    ``{"anon": True}`` for ``s3://``; services pass them on to their workers.
    ``trust_pickles`` (else $FAAS_TRUST_PICKLES) loads every pickle item without ``trust=True``.

    Temporary files of artifact writes that died (a killed process) are removed here."""
    ws = Workspace(resolve_settings(db_url=url, artifacts=artifacts, user=user, home=home,
                                    artifacts_options=storage_options, trust_pickles=trust_pickles))
    if "://" not in ws.settings.artifacts or ws.settings.artifacts.startswith("file://"):
        ws.artifacts.remove_stale_parts()  # local roots only: cheap (one folder), never fails the open
    return ws


def require_role(role: str | None, user: str, project: str, action: str,
                 allowed: tuple[str, ...] = DEVELOPER_ROLES) -> None:
    """PermissionDenied unless ``role`` is one of ``allowed``; the message names the fix."""
    if role in allowed:
        return
    if not role:
        raise PermissionDenied(
            f"user {user!r} is not a member of project {project!r} and may not {action}; an owner "
            f"can run proj.members.add({user!r}, role='annotator') (or another role)")
    enough = allowed[-1]  # the least of the roles that may (``allowed`` runs from owner down)
    raise PermissionDenied(
        f"user {user!r} may not {action} in project {project!r}: needs role "
        f"{' or '.join(allowed)}, has role {role!r}; an owner can run "
        f"proj.members.add({user!r}, role={enough!r})")
