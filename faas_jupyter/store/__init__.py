"""Persistence: SQLAlchemy Core tables, migrations, and (``store.artifacts``) artifact files.

``Store(url)`` opens a database and migrates it; the SQL per aggregate lives in
``store/projects.py`` and ``store/packages.py`` (functions taking a Connection).
"""
from faas_jupyter.store.db import Store, new_id, now

__all__ = ["Store", "new_id", "now"]
