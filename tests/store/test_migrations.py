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
        versions = conn.execute(select(schema_version.c.version)).scalars().all()
        assert versions == list(range(1, len(MIGRATIONS) + 1))  # each applied once


def test_migration_2_adds_is_mandatory_to_a_version_1_database(tmp_path):
    """A database made by migration 1 alone (before is_mandatory existed) is upgraded in place."""
    import sqlalchemy as sa

    from faas_jupyter.store import migrations
    from faas_jupyter.store.db import Store

    url = f"sqlite:///{tmp_path / 'v1.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE custom_packagers (id VARCHAR(32) PRIMARY KEY, project_id VARCHAR(32), "
                             "class_path VARCHAR(512), priority INTEGER, created_at VARCHAR(40), creator VARCHAR(255))"))
        conn.execute(sa.text("INSERT INTO custom_packagers VALUES ('a', 'p', 'm:C', 3, 't', 'u')"))
        migrations.schema.schema_version.create(conn)
        conn.execute(sa.insert(migrations.schema.schema_version).values(version=1, applied_at="t"))
    engine.dispose()
    store = Store(url)
    with store.connect() as conn:
        assert migrations.current_version(conn) == len(migrations.MIGRATIONS)
        assert conn.execute(sa.text("SELECT is_mandatory FROM custom_packagers")).scalar() in (0, False)


def test_migration_5_adds_hosts_homes_and_owners_to_an_older_database(tmp_path):
    """A database at version 4 (before hosts and the queue) is upgraded in place, rows kept."""
    import sqlalchemy as sa

    from faas_jupyter.store import migrations
    from faas_jupyter.store.db import Store

    url = f"sqlite:///{tmp_path / 'v2.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for name in migrations.V1_TABLES:  # version 4's shape: today's tables minus the new columns
            table = migrations.schema.metadata.tables[name]
            cols = [c._copy() for c in table.c if c.name not in ("home", "owner")]  # no public copy
            sa.Table(name, sa.MetaData(), *cols).create(conn)
        conn.execute(sa.text("INSERT INTO executions (id, project_id, function_name, status, input, attempts, "
                             "max_attempts, created_at, creator, metadata, change_seq) VALUES "
                             "('e', 'p', 'run', 'in-progress', '{}', 1, 1, 't', 'u', '{}', 0)"))
        migrations.schema.schema_version.create(conn)
        for version in (1, 2, 3, 4):
            conn.execute(sa.insert(migrations.schema.schema_version).values(version=version, applied_at="t"))
    engine.dispose()
    store = Store(url)
    with store.connect() as conn:
        assert migrations.current_version(conn) == len(migrations.MIGRATIONS)
        assert conn.execute(sa.text("SELECT owner FROM executions WHERE id = 'e'")).scalar() is None
        assert conn.execute(sa.text("SELECT count(*) FROM hosts")).scalar() == 0
        assert "home" in {c["name"] for c in sa.inspect(conn).get_columns("services")}
    store.close()
