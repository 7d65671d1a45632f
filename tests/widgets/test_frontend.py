from __future__ import annotations

import subprocess
import sys

from faas_jupyter.widgets import widgets_enabled


def test_env_forces_either_way(monkeypatch):
    monkeypatch.setenv("FAAS_WIDGETS", "1")
    assert widgets_enabled()
    monkeypatch.setenv("FAAS_WIDGETS", "0")
    assert not widgets_enabled()


def _in_subprocess(shell: str) -> str:
    code = (f"{shell}.instance(); from faas_jupyter.widgets import widgets_enabled; "
            "print(widgets_enabled())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin"}, check=True)
    return out.stdout.strip()


def test_plain_python_and_terminal_ipython_have_no_widget_front_end():
    assert not widgets_enabled()  # pytest: no shell at all
    shell = "from IPython.terminal.interactiveshell import TerminalInteractiveShell as S; S"
    assert _in_subprocess(shell) == "False"


def test_a_kernel_shell_has_one():
    assert _in_subprocess("from ipykernel.zmqshell import ZMQInteractiveShell as S; S") == "True"
