"""A `%%faas module` cell against the same cell run plainly, both through ``run_cell``.

    python benchmarks/bench_magics.py [--reps 7] [--calls 50]

Both run in one real InteractiveShell, interleaved: ``--reps`` runs, each the median of
``--calls`` cells of each kind (garbage collection between samples, not inside them);
medians of the runs are printed as ours, raw, ratio and the target (<= 1.3x, issue 16 item 6),
for a 30-line and a 300-line cell.
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


def sample_ms(fn) -> float:
    gc.collect()
    gc.disable()
    t = time.perf_counter()
    fn()
    took = (time.perf_counter() - t) * 1000
    gc.enable()
    return took


def paired_medians_ms(a, b, reps: int, calls: int) -> tuple[float, float]:
    """Medians over ``reps`` runs; a run alternates ``a`` and ``b`` ``calls`` times and keeps
    each one's median, so both see the same machine state."""
    runs = ([], [])
    for _ in range(reps):
        samples = ([], [])
        for _ in range(calls):
            samples[0].append(sample_ms(a))
            samples[1].append(sample_ms(b))
        for run, got in zip(runs, samples):
            run.append(statistics.median(got))
    return statistics.median(runs[0]), statistics.median(runs[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=7)
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args()
    os.environ["FAAS_HOME"] = tempfile.mkdtemp(prefix="bench-magics-")
    from IPython.testing.globalipapp import get_ipython
    ip = get_ipython()
    ip.run_line_magic("load_ext", "faas_jupyter")
    print(f"{'cell':>10} {'ours ms':>10} {'raw ms':>10} {'ratio':>7}   target")
    for lines in (30, 300):
        source = cell(lines)
        magic_cell = "%%faas module bench --package bench\n" + source
        plain = lambda: ip.run_cell(source, store_history=False)
        magic = lambda: ip.run_cell(magic_cell, store_history=False)
        # both paths print into the same sink, so the table below stays readable
        with contextlib.redirect_stdout(io.StringIO()):
            plain(), magic()  # warm up both paths
            m, p = paired_medians_ms(magic, plain, args.reps, args.calls)
        print(f"{source.count(chr(10)):>6} ln {m:>10.3f} {p:>10.3f} {m / p:>6.2f}x   <= 1.3x")


if __name__ == "__main__":
    main()
