"""The package the trigger tests deploy: one function per resource type and a scheduled one."""
from __future__ import annotations

from pathlib import Path

MAIN = '''
import time
import dtlpy as dl


class ServiceRunner(dl.BaseServiceRunner):
    def on_item(self, item: dl.Item, tag: str = "x"):
        return {"id": item.id, "tag": tag}

    def on_dataset(self, dataset: dl.Dataset):
        return dataset.name

    def on_annotation(self, annotation: dl.Annotation):
        return annotation.id

    def needs(self, item: dl.Item, level: int):
        return level

    def two(self, item: dl.Item, other: dl.Item):
        return 2

    def frame(self, n: int):
        import pandas as pd
        return pd.DataFrame({"a": list(range(n))})

    def tick(self, n: int = 1):
        return time.time()

    def with_context(self, item: dl.Item, context):
        return {"trigger": context.trigger_id, "event": context.event}
'''


def write(root: Path) -> Path:
    src = root / "trigpkg"
    src.mkdir(parents=True, exist_ok=True)
    (src / "main.py").write_text(MAIN)
    return src


def deploy(ws, root: Path, name: str = "ts", runtime: str = "process", **kw):
    pkg = ws.packages.push(src_path=str(write(root)), package_name="trigpkg")
    return pkg.deploy(service_name=name, runtime=runtime, **kw)
