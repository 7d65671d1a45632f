"""Projects and their members: ``ws.projects``, ``proj.members``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from faas_jupyter.errors import Conflict, NotFound, ValidationError
from faas_jupyter.model import check_name
from faas_jupyter.model.entities import ROLES, Member
from faas_jupyter.model.entities import Project as ProjectSpec
from faas_jupyter.store import projects as sql
from faas_jupyter.workspace._bound import Bound

if TYPE_CHECKING:
    from faas_jupyter.store.db import Connection
    from faas_jupyter.workspace._base import Workspace


@dataclass(eq=True)
class Project(ProjectSpec, Bound):
    """A project bound to a workspace: ``proj.members``, ``proj.packages``."""

    _ws: Any = field(default=None, repr=False, compare=False)

    @property
    def members(self) -> "Members":
        return Members(self)

    @property
    def packages(self):
        from faas_jupyter.workspace.packages import Packages
        return Packages(self._ws, self)

    def role_of(self, user: str) -> str | None:
        with self._ws.store.connect() as conn:
            return sql.get_role(conn, self.id, user)


def _bind(ws: Workspace, row: dict) -> Project:
    return Project(name=row["name"], id=row["id"], created_at=row["created_at"],
                   creator=row["creator"], _ws=ws)


class Projects:
    """``ws.projects``: create, get, list."""

    def __init__(self, ws: Workspace) -> None:
        self._ws = ws

    def create(self, name: str) -> Project:
        """A new project; the acting user becomes its owner."""
        check_name(name, "project")

        def fn(conn: Connection):
            if sql.get_project(conn, name):
                raise Conflict(f"project {name!r} exists already; use ws.projects.get({name!r})")
            return sql.insert_project(conn, name, self._ws.user)
        return _bind(self._ws, self._ws.store.write(fn))

    def get(self, name: str) -> Project:
        with self._ws.store.connect() as conn:
            row = sql.get_project(conn, name)
            if row is None:
                names = ", ".join(p["name"] for p in self._visible(conn)) or "none"
                raise NotFound(f"no project {name!r}; projects: {names}; "
                               f"create it with ws.projects.create({name!r})")
        return _bind(self._ws, row)

    def get_or_create(self, name: str) -> Project:
        def fn(conn: Connection):
            return sql.get_project(conn, name) or sql.insert_project(conn, name, self._ws.user)
        with self._ws.store.connect() as conn:
            row = sql.get_project(conn, name)
        return _bind(self._ws, row or self._ws.store.write(fn))

    def list(self) -> list[Project]:
        """The projects this user is a member of, by name (non-members see nothing of a project)."""
        with self._ws.store.connect() as conn:
            return [_bind(self._ws, r) for r in self._visible(conn)]

    def _visible(self, conn: Connection) -> list[dict]:
        rows = sql.list_projects(conn)
        if self._ws.system:
            return rows
        mine = sql.project_ids_of(conn, self._ws.user)
        return [r for r in rows if r["id"] in mine]


class Members:
    """``proj.members``: add, list, remove (owners and developers manage them)."""

    def __init__(self, project: Project):
        self._project = project
        self._ws = project.workspace

    def _write(self, action: str, fn, user: str, role: str | None = None):
        def guarded(conn: Connection):
            self._ws.check_role(conn, action, project=self._project)
            if "owner" in (role, sql.get_role(conn, self._project.id, user)):
                # a developer may not make themselves (or anyone) owner, nor demote/remove an owner
                self._ws.check_role(conn, f"{action} (an owner)", ("owner",), self._project)
            result = fn(conn)
            if not any(m["role"] == "owner" for m in sql.list_members(conn, self._project.id)):
                raise ValidationError(f"that would leave project {self._project.name!r} without an "
                                      "owner; add another owner first")
            return result
        return self._ws.store.write(guarded)

    def add(self, user: str, role: str = "developer") -> Member:
        """Add ``user`` with ``role`` (or change the role of a member)."""
        member = Member(user=user, role=role)  # validates the role (Dataloop's names accepted)
        _check_user(user)
        self._write(f"add member {user!r}",
                    lambda conn: sql.set_member(conn, self._project.id, user, member.role), user, member.role)
        return member

    def list(self) -> list[Member]:
        with self._ws.store.connect() as conn:
            self._ws.check_member("list members", conn, self._project)
            return [Member(user=r["user"], role=r["role"])
                    for r in sql.list_members(conn, self._project.id)]

    def remove(self, user: str) -> None:
        def fn(conn: Connection):
            if not sql.delete_member(conn, self._project.id, user):
                raise NotFound(f"{user!r} is not a member of project {self._project.name!r}")
        self._write(f"remove member {user!r}", fn, user)

    def __iter__(self):
        return iter(self.list())

    def __repr__(self) -> str:
        return f"<Members of {self._project.name!r}: {', '.join(f'{m.user} ({m.role})' for m in self.list())}>"


def _check_user(user) -> None:
    """User names come from Jupyter (e-mail addresses too), so any text, but whole: no control
    characters or surrounding blanks that would make ``"bob\\n"`` a second, invisible bob."""
    if (not isinstance(user, str) or not user or len(user) > 255 or user != user.strip()
            or any(ord(c) < 32 or ord(c) == 127 for c in user)):
        raise ValidationError(f"invalid user name {user!r}: 1-255 characters, no control characters "
                              "or leading/trailing blanks", "user")


__all__ = ["Project", "Projects", "Members", "ROLES"]
