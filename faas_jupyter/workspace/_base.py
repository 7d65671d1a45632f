"""``Workspace``: settings + store + the collections (``ws.projects``, ``ws.packages`` ...).

Each collection is a ``cached_property`` that imports its module on first use (so
``import faas_jupyter`` stays light) and is annotated with its class (imported under
``TYPE_CHECKING``), so IDEs and type checkers see ``ws.services.get(...)``.
To add a collection: write ``workspace/<name>.py`` with a class taking ``(ws)``, then a
``cached_property`` below like ``services`` (import inside, return ``self._collection(...)``).
"""
from __future__ import annotations

import threading
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from faas_jupyter.config import Settings, settings as resolve_settings
from faas_jupyter.errors import PermissionDenied
from faas_jupyter.model.roles import DEVELOPER_ROLES, MEMBER_ROLES

if TYPE_CHECKING:
    from faas_jupyter.store import Store
    from faas_jupyter.store.artifacts import ArtifactStore
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace.console import Console
    from faas_jupyter.workspace.datasets import Datasets
    from faas_jupyter.workspace.executions import Executions
    from faas_jupyter.workspace.gc import GcReport
    from faas_jupyter.workspace.items import Items
    from faas_jupyter.workspace.packagers import Packagers
    from faas_jupyter.workspace.packages import Packages
    from faas_jupyter.workspace.projects import Project, Projects
    from faas_jupyter.workspace.services import Services
    from faas_jupyter.workspace.triggers import Triggers

DEFAULT_PROJECT = "default"

C = TypeVar("C")


class Workspace:
    """Where everything lives: a database and an artifact root, seen by one user."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.user = settings.user
        self._store = None
        self._artifacts = None
        self._collections: dict[str, Any] = {}
        self._project: Project | None = None
        self._lock = threading.RLock()
        # a host process acting for the registry itself (the Jupyter server restarting the
        # services it hosts): it reads without being a member; writes still check roles
        self.system = False
        # acts for a remote user (the Jupyter server's REST API): inputs never name server files
        self.served = False

    def __repr__(self) -> str:
        return f"<Workspace user={self.user!r} db={self.settings.db_url!r}>"

    @property
    def store(self) -> Store:
        """The database (opened and migrated on first use)."""
        store = self._store
        if store is not None:  # every execute asks several times: no lock once it is open
            return store
        with self._lock:
            if self._store is None:
                from faas_jupyter.store import Store
                self._store = Store(self.settings.db_url)
            return self._store

    @property
    def artifacts(self) -> ArtifactStore:
        """The artifact root (``store.artifacts.ArtifactStore`` over fsspec)."""
        with self._lock:
            if self._artifacts is None:
                from faas_jupyter.store.artifacts import ArtifactStore
                self._artifacts = ArtifactStore(self.settings.artifacts, **self.settings.artifacts_options)
            return self._artifacts

    @property
    def project(self) -> Project:
        """The current project: "default" unless ``use_project`` chose another.

        "default" is created on first use with the current user as its owner.
        """
        project = self._project
        if project is not None:
            return project
        with self._lock:
            if self._project is None:
                self._project = self.projects.get_or_create(DEFAULT_PROJECT)
            return self._project

    def as_user(self, user: str) -> Workspace:
        """This workspace seen by ``user``: same store and artifacts objects, same current project.

        For a server acting for several users on one store (the execution recorder and the
        running services are per store object). Closing either closes the shared store.
        """
        other = Workspace(self.settings.with_(user=user))
        other._store, other._artifacts = self.store, self.artifacts
        if self._project is not None:
            other._project = replace(self._project, _ws=other)
        return other

    def check_role(self, conn: Connection, action: str, allowed: tuple[str, ...] = DEVELOPER_ROLES,
                   project: Project | None = None) -> None:
        """PermissionDenied unless this user's role in ``project`` (default: the current one),
        read on ``conn``, is one of ``allowed``."""
        from faas_jupyter.store.projects import get_role
        project = project if project is not None else self.project
        require_role(get_role(conn, project.id, self.user), self.user, project.name, action, allowed)

    def check_member(self, action: str, conn: Connection | None = None, project: Project | None = None) -> None:
        """PermissionDenied unless this user is a member (any role) of ``project`` (default:
        the current one): non-members see nothing, not even whether a name exists."""
        if self.system:
            return
        if conn is None:
            from faas_jupyter.store.projects import read_role
            project = project if project is not None else self.project
            return require_role(read_role(self.store, project.id, self.user), self.user, project.name,
                                action, MEMBER_ROLES)
        self.check_role(conn, action, MEMBER_ROLES, project)

    def require_member(self, action: str, role: str | None) -> None:
        """``check_member`` for a ``role`` the caller read itself (with other state, in one read)."""
        if not self.system:
            require_role(role, self.user, self.project.name, action, MEMBER_ROLES)

    def use_project(self, name: str) -> Project:
        """Make ``name`` the current project (``ws.packages`` etc. then act on it)."""
        self._project = self.projects.get(name)
        return self._project

    # -- collections ---------------------------------------------------------------------------
    def _collection(self, name: str, build: Callable[[Workspace], C]) -> C:
        """The collection ``name``, built once: ``cached_property`` holds no lock (Python 3.12+),
        so threads racing on a first ``ws.services`` all get the one the first of them built."""
        with self._lock:
            if name not in self._collections:
                self._collections[name] = build(self)
            return self._collections[name]

    @cached_property
    def projects(self) -> Projects:
        """Create, get and list projects."""
        from faas_jupyter.workspace.projects import Projects
        return self._collection("projects", Projects)

    @cached_property
    def packages(self) -> Packages:
        """The packages of the current project (it follows ``use_project``)."""
        from faas_jupyter.workspace.packages import Packages
        return self._collection("packages", Packages)

    @cached_property
    def services(self) -> Services:
        """The services of the current project."""
        from faas_jupyter.workspace.services import Services
        return self._collection("services", Services)

    @cached_property
    def executions(self) -> Executions:
        """The executions of the current project's services."""
        from faas_jupyter.workspace.executions import Executions
        return self._collection("executions", Executions)

    @cached_property
    def items(self) -> Items:
        """Stored items (inputs and outputs of executions)."""
        from faas_jupyter.workspace.items import Items
        return self._collection("items", Items)

    @cached_property
    def datasets(self) -> Datasets:
        """The datasets of the current project."""
        from faas_jupyter.workspace.datasets import Datasets
        return self._collection("datasets", Datasets)

    @cached_property
    def packagers(self) -> Packagers:
        """The custom packagers of the current project."""
        from faas_jupyter.workspace.packagers import Packagers
        return self._collection("packagers", Packagers)

    @cached_property
    def console(self) -> Console:
        """The execution console's queries."""
        from faas_jupyter.workspace.console import Console
        return self._collection("console", Console)

    @cached_property
    def triggers(self) -> Triggers:
        """The triggers of the current project (``svc.triggers.create(...)`` makes them)."""
        from faas_jupyter.workspace.triggers import Triggers
        return self._collection("triggers", Triggers)

    def gc(self, min_age: float = 3600.0, dry_run: bool = False, quiet: bool = False) -> GcReport:
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

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
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
