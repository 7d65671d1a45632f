"""REST: whoami, packages, revisions, diffs, codebase download."""
from __future__ import annotations

from typing import TYPE_CHECKING

import faas_jupyter
from tornado import web

from faas_jupyter.errors import ValidationError
from faas_jupyter.server.base import FaasHandler, command_json, reader

if TYPE_CHECKING:
    from faas_jupyter.workspace import Workspace


class WhoAmIHandler(FaasHandler):
    @web.authenticated
    async def get(self):
        def who(ws: Workspace):
            return {"user": ws.user, "version": faas_jupyter.__version__, "project": ws.project.name,
                    "role": ws.project.role_of(ws.user)}
        self.send(await self.call(who))


class PackageHandler(reader("PackageReader", lambda ws, name: ws.packages.get(name).to_json())):
    @web.authenticated
    async def delete(self, name: str):
        self.send(await self.call(command_json("delete", "package"), name))


class DiffHandler(FaasHandler):
    @web.authenticated
    async def get(self, name: str):
        a, b = self.get_query_argument("a", None), self.get_query_argument("b", None)

        def diff(ws: Workspace):
            if not a:
                raise ValidationError(f"diff of package {name!r} needs ?a=VERSION (and ?b=VERSION, "
                                      "default the latest)", "a")
            return ws.packages.get(name, version=a).diff(a, b).to_json()
        self.send(await self.call(diff))


class CodebaseHandler(FaasHandler):
    @web.authenticated
    async def get(self, name: str, version: str):
        def zipped(ws: Workspace):
            pkg = ws.packages.get(name, version=version)
            return pkg.version, pkg.codebase.zip()
        version_found, data = await self.call(zipped)
        self.set_header("Content-Disposition", f'attachment; filename="{name}-{version_found}.zip"')
        self.finish(data, set_content_type="application/zip")


ROUTES = [
    (r"whoami", WhoAmIHandler),
    (r"packages", reader("PackagesHandler", lambda ws: [p.to_json() for p in ws.packages.list()])),
    (r"packages/([^/]+)", PackageHandler),
    (r"packages/([^/]+)/revisions",
     reader("RevisionsHandler", command_json("revisions", "package"))),
    (r"packages/([^/]+)/revisions/([^/]+)",
     reader("RevisionHandler",
            lambda ws, name, version: ws.packages.get(name, version=version).revision_info.to_json())),
    (r"packages/([^/]+)/revisions/([^/]+)/codebase\.zip", CodebaseHandler),
    (r"packages/([^/]+)/diff", DiffHandler),
]
