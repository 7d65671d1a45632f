"""The jupyter_server extension: REST under ``<base_url>/faas/api/`` (see README.md here).

Enabled by ``jupyter-config/server-config/faas_jupyter.json``; configured with
``c.FaasServer.db_url`` / ``artifacts`` / ``home`` / ``project`` / ``owner``.
"""
from __future__ import annotations

import atexit

from jupyter_server.utils import url_path_join

PREFIX = "faas/api"


def routes(base_url: str) -> list[tuple[str, type]]:
    """Every (URL pattern, handler) of the API below ``base_url``."""
    from faas_jupyter.server import console, executions, packages, services, triggers
    table = (packages.ROUTES + services.ROUTES + executions.ROUTES + console.ROUTES
             + triggers.ROUTES)
    return [(url_path_join(base_url, PREFIX, pattern), handler) for pattern, handler in table]


def _load_jupyter_server_extension(serverapp) -> None:
    from faas_jupyter.server.app import FaasServer
    faas = FaasServer(parent=serverapp, config=serverapp.config, log=serverapp.log)
    web_app = serverapp.web_app
    web_app.settings["faas"] = faas
    web_app.add_handlers(".*$", routes(web_app.settings["base_url"]))
    faas.start()
    atexit.register(faas.stop)  # worker processes end with the server
    serverapp.log.info("faas_jupyter: REST API at %s (store %s, user %s)",
                       url_path_join(web_app.settings["base_url"], PREFIX), faas.base.store.safe_url,
                       faas.base.user)
