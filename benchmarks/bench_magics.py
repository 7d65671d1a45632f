"""Overhead of a `%%faas module` cell over running the same cell plainly.

    python benchmarks/bench_magics.py [--reps 50]

Both run in one real InteractiveShell; the ratio is (magic cell time) / (plain cell time),
measured in the same run for a 30-line and a 300-line cell.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import io
import os
import statistics
import tempfile
import time

HEAD = "from faas_jupyter import BaseServiceRunner\n\nclass ServiceRunner(BaseServiceRunner):\n"
METHOD = '''    def f{i}(self, item, limit: int = {i}, scale: float = 1.0) -> list:
        """Method {i}."""
        rows = [item] * limit
        return [r for r in rows if r is not None][: int(limit * scale)]

'''


def cell(lines: int) -> str:
    methods, body = 0, HEAD
    while body.count("\n") < lines - 5:
        body += METHOD.format(i=methods)
        methods += 1
    return body


def paired_medians_ms(a, b, reps: int) -> tuple[float, float]:
    """Median ms of ``a`` and ``b``, measured alternately (both see the same machine state),
    with the garbage collector run between samples rather than inside them."""
    samples = ([], [])
    for _ in range(reps):
        for fn, out in ((a, samples[0]), (b, samples[1])):
            gc.collect()
            gc.disable()
            t = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t) * 1000)
            gc.enable()
    return statistics.median(samples[0]), statistics.median(samples[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    os.environ["FAAS_HOME"] = tempfile.mkdtemp(prefix="bench-magics-")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.run_line_magic("load_ext", "faas_jupyter")
    print(f"{'cell':>10} {'plain ms':>10} {'%%faas ms':>10} {'ratio':>7}")
    for lines in (30, 300):
        source = cell(lines)
        plain = lambda: ip.run_cell(source, store_history=False)
        magic = lambda: ip.run_cell_magic("faas", "module bench --package bench", source)
        # both paths print into the same sink, so the table below stays readable
        with contextlib.redirect_stdout(io.StringIO()):
            plain(), magic()  # warm up both paths
            p, m = paired_medians_ms(plain, magic, args.reps)
        print(f"{source.count(chr(10)):>6} ln {p:>10.3f} {m:>10.3f} {m / p:>6.2f}x")


if __name__ == "__main__":
    main()
