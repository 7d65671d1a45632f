"""Execute a notebook headlessly with nbclient and print its outputs as text.

Used by ``./dev quickstart`` and by the tests.  Exit status 1 (and the failing
cell's error) when any cell raises, so a broken notebook never passes.

    python notebooks/run_notebook.py notebooks/01-quickstart.ipynb [--timeout 600] [--save OUT.ipynb]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def run(path: str | os.PathLike, timeout: int = 600, cwd: str | None = None):
    """Execute the notebook at ``path`` and return the executed notebook node."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": cwd or str(Path(path).parent)}})
    client.execute()
    return nb


def text_of(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    if output.get("output_type") == "error":
        return "\n".join(output.get("traceback", []))
    return output.get("data", {}).get("text/plain", "") + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("--timeout", type=int, default=600)
    parser.add_argument("--save", help="write the executed notebook here")
    args = parser.parse_args(argv)
    from nbclient.exceptions import CellExecutionError
    try:
        nb = run(args.notebook, timeout=args.timeout)
    except CellExecutionError as err:
        print(f"{args.notebook}: a cell failed:\n{err}", file=sys.stderr)
        return 1
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        first_line = cell.source.splitlines()[0][:70] if cell.source else ""
        print(f"--- [{i + 1}] {first_line}")
        for out in cell.get("outputs", []):
            sys.stdout.write(text_of(out))
    if args.save:
        import nbformat
        nbformat.write(nb, args.save)
    print(f"{args.notebook}: all cells ran")
    return 0


if __name__ == "__main__":
    sys.exit(main())
