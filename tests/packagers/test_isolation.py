"""Nothing in the system temp folder; importing the packagers stays light."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def test_no_temp_files_after_100_cycles(tmp_path):
    tmpdir = tmp_path / "systmp"
    tmpdir.mkdir()
    src = tmp_path / "folder"
    (src / "s").mkdir(parents=True)
    (src / "s" / "f.txt").write_text("x")
    code = textwrap.dedent(f"""
        import pathlib, tempfile
        import numpy as np, pandas as pd
        from faas_jupyter.packagers import PackagersManager
        from faas_jupyter.store.artifacts import ArtifactStore
        assert tempfile.gettempdir() == {str(tmpdir)!r}
        local = ArtifactStore({str(tmp_path / "art")!r})
        remote = ArtifactStore("memory://h4tmp", cache_dir={str(tmp_path / "cache")!r})
        m = PackagersManager(entry_points=False)
        objs = [np.arange(20.0), pd.DataFrame({{"a": [1, 2]}}), list(range(40000)), b"xy",
                pathlib.Path({str(src)!r}), {{"a": (1, 2)}}, object()]
        for i in range(100):
            store = remote if i % 2 else local
            for j, obj in enumerate(objs):
                hint = "o:object" if j == 6 else "o"
                for rec in m.pack(obj, hint, store, f"r{{i}}/{{j}}"):
                    m.unpack(rec, None, store)
            m.clear_packagers_outputs()
            store.clear_local()
    """)
    env = {**os.environ, "TMPDIR": str(tmpdir), "FAAS_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    assert os.listdir(tmpdir) == []
    assert not any((tmp_path / "cache").iterdir())


def test_import_is_light():
    code = ("import sys, faas_jupyter, faas_jupyter.packagers, faas_jupyter.store.artifacts\n"
            "from faas_jupyter.packagers import PackagersManager\n"
            "m = PackagersManager(); (r,) = m.pack(1, 'x'); assert m.unpack(r, float) == 1.0\n"
            "print(sorted(k for k in ('numpy', 'pandas', 'pyarrow') if k in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
