"""An IdentityProvider for the live-server tests: each token in ``users`` is one Jupyter user.

Loaded by a real ``jupyter server`` subprocess (``c.ServerApp.identity_provider_class``), so
requests act as different users the way a deployment's provider (JupyterHub's, an OAuth
proxy's) would make them. Any other token goes through jupyter_server's own check (the
server token: the anonymous single-user case).
"""
from __future__ import annotations

from jupyter_server.auth import IdentityProvider, User
from traitlets import Dict


class TokenUsersIdentityProvider(IdentityProvider):
    users = Dict({}, config=True, help="token -> user name")

    async def get_user_token(self, handler):
        name = self.users.get(self.get_token(handler) or "")
        if name:
            return User(username=name)
        return await super().get_user_token(handler)
