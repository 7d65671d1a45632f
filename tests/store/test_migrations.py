import subprocess
import sys

from sqlalchemy import inspect, select

from faas_jupyter.store import Store
from faas_jupyter.store.migrations import MIGRATIONS, V1_TABLES, current_version
from faas_jupyter.store.schema import schema_version


def test_fresh_store_has_every_table(store):
    with store.connect() as conn:
        names = set(inspect(conn).get_table_names())
        assert set(V1_TABLES) | {"schema_version"} <= names
        assert current_version(conn) == len(MIGRATIONS)


def test_reopen_applies_nothing_twice(store_url):
    Store(store_url).close()
    s = Store(store_url)
    with s.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalars().all() == list(
            range(1, len(MIGRATIONS) + 1))


def test_many_processes_open_a_fresh_store_at_once(store_url):
    code = "import sys; from faas_jupyter.store import Store; Store(sys.argv[1]).close()"
    procs = [subprocess.Popen([sys.executable, "-c", code, store_url], stderr=subprocess.PIPE)
             for _ in range(4)]
    errors = [p.communicate()[1].decode() for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    s = Store(store_url)
    with s.connect() as conn:
        assert conn.execute(select(schema_version.c.version)).scalars().all() == [1]
