from sqlalchemy import func, select

from faas_jupyter.store import packages as K
from faas_jupyter.store import projects as P
from faas_jupyter.store.schema import blobs, manifests


def _setup(store):
    with store.transaction() as conn:
        pid = P.insert_project(conn, "p", "alice")["id"]
        return K.insert_package(conn, pid, "pkg", "alice")["id"], pid


def _push(store, pkg_id, version, files):
    with store.transaction() as conn:
        return K.insert_revision(conn, pkg_id, version=version, creator="alice", message="m",
                                 codebase_digest="d" + version, spec={"v": version},
                                 changes={}, files=files)


def _count(store, table):
    with store.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def test_one_changed_file_stores_one_blob(store):
    pkg, _ = _setup(store)
    files = {f"f{i}.py": f"print({i})".encode() for i in range(10)}
    r1 = _push(store, pkg, "1.0.0", files)
    assert _count(store, blobs) == 10
    r2 = _push(store, pkg, "1.0.1", {**files, "f3.py": b"changed"})
    assert _count(store, blobs) == 11
    with store.connect() as conn:
        assert K.read_files(conn, r1["id"]) == files
        assert K.read_files(conn, r2["id"])["f3.py"] == b"changed"
        assert [r["seq"] for r in K.list_revisions(conn, pkg)] == [1, 2]


def test_given_digests_are_the_blob_digests(store):
    from faas_jupyter.model.codebase import Codebase
    files = {"a.py": b"a", "b.py": b"b"}
    assert dict(Codebase(files).file_digests) == {p: K.blob_digest(d) for p, d in files.items()}
    pkg, _ = _setup(store)
    with store.transaction() as conn:
        row = K.insert_revision(conn, pkg, version="1.0.0", creator="a", message="", codebase_digest="d",
                                spec={}, changes={}, files=files, digests=Codebase(files).file_digests)
    with store.connect() as conn:
        assert K.read_files(conn, row["id"]) == files


def test_identical_contents_share_a_blob(store):
    pkg, _ = _setup(store)
    _push(store, pkg, "1.0.0", {"a.py": b"same", "b/c.py": b"same", "empty": b""})
    assert _count(store, blobs) == 2


def test_list_packages_reports_latest(store):
    pkg, pid = _setup(store)
    for v in ("1.0.0", "1.0.1", "1.0.2"):
        _push(store, pkg, v, {"a.py": v.encode()})
    with store.connect() as conn:
        [row] = K.list_packages(conn, pid)
        assert (row["name"], row["version"], row["revision_count"]) == ("pkg", "1.0.2", 3)
        assert K.latest_revision(conn, pkg)["version"] == "1.0.2"
        assert K.get_revision(conn, pkg, "1.0.1")["seq"] == 2
        assert K.get_revision(conn, pkg, "9.9.9") is None
        latest = K.latest_revisions(conn, pid)
        assert list(latest) == ["pkg"] and latest["pkg"] == K.latest_revision(conn, pkg)


def test_delete_package_removes_revisions_and_unshared_blobs(store):
    pkg, pid = _setup(store)
    _push(store, pkg, "1.0.0", {"a.py": b"a", "shared.py": b"s"})
    with store.transaction() as conn:
        other = K.insert_package(conn, pid, "other", "alice")["id"]
    _push(store, other, "1.0.0", {"shared.py": b"s"})
    with store.transaction() as conn:
        K.delete_package(conn, pkg)
    assert _count(store, blobs) == 1
    assert _count(store, manifests) == 1  # the other package's list
    with store.connect() as conn:
        assert K.read_files(conn, K.latest_revision(conn, other)["id"]) == {"shared.py": b"s"}
        assert K.get_package(conn, pid, "pkg") is None
