"""A small service codebase that exercises every runtime path."""
from __future__ import annotations

import pytest

from faas_jupyter.model.package import FunctionIO, PackageFunction, PackageModule
from faas_jupyter.runner.runtimes.base import ServiceConfig

MAIN = b'''
import ctypes, logging, os, sys, time
import utils
from faas_jupyter import BaseServiceRunner

log = logging.getLogger("svc")


class ServiceRunner(BaseServiceRunner):
    def __init__(self, prefix="p"):
        self.prefix = prefix
        self.calls = 0

    def run(self, x: int, progress, context):
        self.calls += 1
        print(f"start {x}")
        progress.update(progress=50, message=f"half {x}")
        context.logger.info("logged %s", x)
        time.sleep(0.01)
        print(f"end {x}", file=sys.stderr)
        return utils.double(x)

    def plain(self, x: int):
        return x + 1

    def boom(self):
        raise ValueError("bad thing")

    def leave(self):
        sys.exit(3)

    def segfault(self):
        ctypes.string_at(0)

    def hang(self):
        time.sleep(600)

    def swallow(self):
        while True:  # a function that hides its errors: the timeout must still end it
            try:
                time.sleep(600)
            except Exception:
                pass

    def loop(self, progress):
        while True:
            self.kill_event()
            time.sleep(0.01)

    def flaky(self, marker: str):
        if not os.path.exists(marker):
            open(marker, "w").close()
            raise RuntimeError("first attempt fails")
        return "ok"

    def pid(self):
        return os.getpid()

    def echo(self, text: str):
        return text

    def gate(self, marker: str):
        while not os.path.exists(marker):
            time.sleep(0.005)
        return "open"

    def stall_once(self, marker: str):
        if not os.path.exists(marker):
            open(marker, "w").close()
            time.sleep(600)
        return "ok"
'''

FUNCTIONS = {"run": [FunctionIO("x", "Integer")], "plain": [FunctionIO("x", "Integer")], "boom": [],
             "leave": [], "segfault": [], "hang": [], "swallow": [], "loop": [], "flaky": [FunctionIO("marker", "String")],
             "pid": [], "stall_once": [FunctionIO("marker", "String")],
             "echo": [FunctionIO("text", "String")], "gate": [FunctionIO("marker", "String")]}


def _make_config(tmp_path, **overrides) -> ServiceConfig:
    module = PackageModule(init_inputs=[FunctionIO("prefix", "String", default="p")],
                           functions=[PackageFunction(n, input=ios) for n, ios in FUNCTIONS.items()])
    files = {"main.py": MAIN, "utils.py": b"def double(x):\n    return 2 * x\n"}
    options = dict(name="svc", module=module, codebase=files, package="pkg", revision="1.0.0",
                   cache_dir=str(tmp_path / "codebases"), terminate_grace=1.0)
    options.update(overrides)
    return ServiceConfig(**options)


@pytest.fixture(scope="session")
def make_config(tmp_path_factory):
    """``make_config(**overrides)``: a ServiceConfig of the test service."""
    base = tmp_path_factory.mktemp("runner")
    return lambda **overrides: _make_config(base, **overrides)
