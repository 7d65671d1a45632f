"""Fixtures for packager tests: an artifact store in tmp_path and a fresh manager."""
from __future__ import annotations

import math
import sys

import pytest

from faas_jupyter.packagers import PackagersManager
from faas_jupyter.store.artifacts import ArtifactStore


@pytest.fixture
def store(tmp_path):
    st = ArtifactStore(tmp_path / "artifacts")
    yield st
    st.clear_local()


@pytest.fixture
def manager():
    m = PackagersManager(entry_points=False)
    yield m
    m.clear_packagers_outputs()


@pytest.fixture
def roundtrip(manager, store):
    """pack ``obj`` with ``hint`` under a fresh prefix; return (record, unpacked)."""
    counter = iter(range(10**6))

    def run(obj, hint, type_hint=None):
        records = manager.pack(obj, hint, store, f"proj/run{next(counter)}")
        record = records[-1]
        return record, manager.unpack(record, type_hint, store)
    return run


@pytest.fixture
def same():
    """assert_same(a, b): deep equality checking types, dtypes, index and labels."""
    return assert_same


def assert_same(a, b, where="value"):
    if "pandas" in sys.modules:
        import pandas as pd
        if isinstance(a, pd.DataFrame):
            assert isinstance(b, pd.DataFrame), where
            pd.testing.assert_frame_equal(a, b, check_exact=True, check_column_type=True,
                                          check_index_type="equiv", check_categorical=True)
            return
        if isinstance(a, pd.Series):
            assert isinstance(b, pd.Series), where
            pd.testing.assert_series_equal(a, b, check_exact=True, check_index_type="equiv")
            return
    if "numpy" in sys.modules:
        import numpy as np
        if isinstance(a, np.ndarray):
            assert isinstance(b, np.ndarray), where
            assert a.dtype == b.dtype and a.shape == b.shape, (where, a.dtype, b.dtype, a.shape, b.shape)
            np.testing.assert_array_equal(a, b)
            return
        if isinstance(a, np.generic):
            assert type(a) is type(b), (where, type(a), type(b))
            assert a == b or (a != a and b != b), where
            return
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            assert_same(a[k], b[k], f"{where}[{k!r}]")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), where
        if set(map(type, a)) <= {int, str} and list(map(type, a)) == list(map(type, b)):
            assert a == b, where  # fast path for long scalar lists
            return
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b), where
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"
