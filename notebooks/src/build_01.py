"""Writes notebooks/01-quickstart.ipynb (run: python notebooks/src/build_01.py)."""
import nbformat
from nbformat.v4 import new_code_cell as code, new_markdown_cell as md, new_notebook

cells = [
md("""# faas_jupyter quickstart

A small real service, written in notebook cells: it cleans a table of players and scores them.
`%%faas` cells become a **package** (a codebase plus Dataloop-compatible package JSON), every push
is an immutable **revision**, and any revision can be deployed and run."""),
code("""%load_ext faas_jupyter
import faas_jupyter as faas
import pandas as pd

%faas whoami"""),
md("""## 1. A helper file and a module

`%%faas file` adds a helper file that modules share; it is importable in this kernel too."""),
code('''%%faas file cleaning.py --package scoring
import pandas as pd


def clean_table(table: pd.DataFrame) -> pd.DataFrame:
    """Normalise names and drop rows without games."""
    out = table.copy()
    out["name"] = out["name"].str.split().str.join(" ").str.title()
    return out[out["games"] > 0].reset_index(drop=True)'''),
md("""The module cell runs as a normal cell (the class exists in the notebook), and its exact source
becomes the module's `main.py`. The module JSON is inferred from the code: `__init__` parameters are
`initInputs`, public methods are functions, annotations give the input and output types."""),
code('''%%faas module scorer --package scoring
import pandas as pd
from faas_jupyter import BaseServiceRunner
from cleaning import clean_table


class ServiceRunner(BaseServiceRunner):
    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold

    def score(self, table: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
        """Score each player by wins per game; keep those above the threshold."""
        df = clean_table(table)
        df["score"] = (df["wins"] / df["games"]).round(3)
        return df[df["score"] >= self.threshold].nlargest(limit, "score").reset_index(drop=True)'''),
md("Try it right here, before anything is deployed:"),
code("""players = pd.DataFrame({
    "name": ["  ada lovelace", "alan  turing", "grace hopper", "nobody"],
    "wins": [9, 4, 7, 0],
    "games": [10, 10, 8, 0],
})
ServiceRunner(threshold=0.5).score(players)"""),
md("## 2. Push a revision"),
code("""%faas push scoring -m "first version"
%faas show scoring"""),
md("""## 3. Change the code and push again

Re-running a module cell replaces that module's file. Here the score also rewards experience."""),
code('''%%faas module scorer --package scoring
import pandas as pd
from faas_jupyter import BaseServiceRunner
from cleaning import clean_table


class ServiceRunner(BaseServiceRunner):
    def __init__(self, threshold: float = 0.5, min_games: int = 1):
        self.threshold = threshold
        self.min_games = min_games

    def score(self, table: pd.DataFrame, limit: int = 10) -> pd.DataFrame:
        """Score each player by wins per game, damped for few games; keep those above the threshold."""
        df = clean_table(table)
        df = df[df["games"] >= self.min_games]
        df["score"] = (df["wins"] / (df["games"] + 1)).round(3)
        return df[df["score"] >= self.threshold].nlargest(limit, "score").reset_index(drop=True)'''),
code("""%faas push scoring -m "damp the score for players with few games"
%faas push scoring"""),
md("The second push found nothing changed and made no revision. List the revisions and diff them:"),
code("%faas revisions scoring"),
code("%faas diff scoring 1.0.0 1.0.1"),
md("## 4. The same from Python"),
code("""ws = faas.workspace()
pkg = ws.packages.get("scoring")
print(pkg.name, pkg.version, [r.version for r in pkg.revisions])
print(sorted(pkg.codebase.files), pkg.codebase.digest[:12])
first = ws.packages.get("scoring", version="1.0.0")
[(f.name, [(i.name, i.type) for i in f.input]) for m in first.modules for f in m.functions]"""),
md("""## 5. Deploy a revision and run it

A service pins a revision (the latest by default) and starts at once in this kernel. The table goes
in as an **item**: `ws.items.log` stores it through the packagers (parquet), and the service turns the
item back into a `pd.DataFrame` because `score` says `table: pd.DataFrame`."""),
code("""svc = pkg.deploy(service_name="scoring-svc", module_name="scorer", init_input={"threshold": 0.3})
table = ws.items.log(players, key="players")
ex = svc.execute("score", {"table": table.id, "limit": 3})
print(ex.status, f"{ex.duration * 1000:.1f} ms", [e["status"] for e in ex.status_log])
ex.get_output()"""),
md("""Every execution is recorded: inputs, status log, logs, duration, and the output (a DataFrame output
is stored as an item and referenced by id). The same from the magics:"""),
code("""%faas run scoring-svc score table={table.id} limit=2"""),
code("""%faas services
%faas executions scoring-svc"""),
]

nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
nbformat.write(nb, "notebooks/01-quickstart.ipynb")
