"""``FaasServer``: the server extension's state (configurable with traitlets).

One shared store and artifact root; one workspace per acting user on top of them
(so roles apply per user, and every user sees the same running services and
in-memory execution state). Blocking work runs on a thread pool, never on the
event loop. On load, the server becomes a *host process* of its project: it adopts
the process services that have no live home (its own from before a restart, or ones
whose home's lease expired), runs the executions queued for them from any process,
and settles what a dead process left unfinished (``on_reset``). Services another live
process hosts stay there: a server restarts only the services it hosts.
"""
from __future__ import annotations

import asyncio
import re
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from traitlets import Bool, Int, Unicode
from traitlets.config import LoggingConfigurable

# runtimes whose services the server hosts (``kernel`` services live in a notebook's kernel)
HOSTED_RUNTIMES = ("process", "dask")
_ANONYMOUS_ID = re.compile(r"[0-9a-f]{32}")


class FaasServer(LoggingConfigurable):
    """Where the REST API's workspaces live; ``c.FaasServer.db_url = ...`` etc."""

    db_url = Unicode(None, allow_none=True, config=True,
                     help="Database URL or SQLite path (default: $FAAS_DB_URL, else $FAAS_HOME/faas.db).")
    artifacts = Unicode(None, allow_none=True, config=True,
                        help="Artifact root, any fsspec URL (default: $FAAS_ARTIFACTS, else $FAAS_HOME/artifacts).")
    artifacts_options = Unicode(None, allow_none=True, config=True,
                                help="The artifact root's fsspec storage options as JSON, e.g. "
                                     "'{\"endpoint_url\": \"http://minio:9000\"}' (default: "
                                     "$FAAS_ARTIFACTS_OPTIONS). Services pass them on to their workers.")
    home = Unicode(None, allow_none=True, config=True,
                   help="FAAS_HOME for this server (default: $FAAS_HOME, else ~/.faas_jupyter).")
    project = Unicode("default", config=True, help="The project the REST API acts on.")
    owner = Unicode(None, allow_none=True, config=True,
                    help="Who acts for a shared-token (anonymous) Jupyter user: a single-user "
                         "server's token holder is its owner. Default: $FAAS_USER, else the OS login.")
    restart_services = Bool(True, config=True,
                            help="Start the project's process/dask services again when the server starts.")
    max_workers = Int(8, config=True, help="Threads running blocking workspace calls.")
    max_body_bytes = Int(16 * 1024 * 1024, config=True,
                         help="Largest request body accepted (bytes); larger ones get 413 and are "
                              "never kept in memory. Raise it for big execute inputs.")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        from faas_jupyter.workspace import workspace
        self.base = workspace(self.db_url, artifacts=self.artifacts, user=self.owner, home=self.home,
                              storage_options=self.artifacts_options)
        self.pool = ThreadPoolExecutor(self.max_workers, thread_name_prefix="faas-rest")
        self._workspaces: dict[str, Any] = {}  # request users, the owner too (never self.base)
        self._lock = threading.Lock()
        self.ready: Future = Future()  # done once the stored services were started again

    # -- users and workspaces ------------------------------------------------------------------
    def acting_user(self, user) -> str:
        """The faas user for a Jupyter user; shared-token users act as the server's owner."""
        name = getattr(user, "name", "") or ""
        if _ANONYMOUS_ID.fullmatch(user.username or "") and name.startswith("Anonymous "):
            return self.base.user
        return user.username

    def workspace_for(self, user: str):
        """The workspace of ``user`` on the shared store (cached)."""
        with self._lock:
            ws = self._workspaces.get(user)
            if ws is None:
                # one Store object for all (the execution recorder and running services are per
                # store) and the project start() opened
                ws = self._workspaces[user] = self.base.as_user(user)
                ws.served = True  # a request's user: Item inputs are item ids, never server paths
            return ws

    async def run(self, fn: Callable, *args, **kwargs):
        """``fn(*args, **kwargs)`` on the thread pool."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, lambda: fn(*args, **kwargs))

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Open the project (created with the owner as its owner) and restart services in the background."""
        base = self.base
        if self.project == "default":
            base.project  # noqa: B018  (get or create "default", owned by the server's owner)
        else:
            base.use_project(self.project)
        # the server hosts the project's services for every member, whether or not its own
        # user is one: this workspace reads without membership (it is never a request's)
        self.host = base.as_user(base.user)
        self.host.system = True
        if not self.restart_services:
            self.ready.set_result([])
            return
        threading.Thread(target=self._restart, name="faas-restart-services", daemon=True).start()

    def _restart(self) -> None:
        try:
            self.ready.set_result(self.start_stored_services())
        except BaseException as exc:  # reported on every service request
            self.log.error("faas_jupyter: restarting stored services failed: %s", exc)
            self.ready.set_exception(exc)

    def start_stored_services(self) -> list[str]:
        """Host the project's process services that have no live home (see ``faas serve``)."""
        from faas_jupyter.workspace.hosting import serve
        started = serve(self.host, kind="server")  # the system workspace: every member's
        for name in started:
            self.log.info("faas_jupyter: service %r is hosted by this server", name)
        return started

    def stop(self) -> None:
        """Stop the services this server started (their worker processes)."""
        self.pool.shutdown(wait=False, cancel_futures=True)
        try:
            from faas_jupyter.workspace.hosting import unserve
            unserve(getattr(self, "host", self.base))
        except Exception as exc:  # at exit the store may be gone already
            self.log.debug("faas_jupyter: stopping services: %s", exc)
