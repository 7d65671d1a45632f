"""Writes notebooks/02-packagers-and-services.ipynb (run: python notebooks/src/build_02.py)."""
import nbformat
from nbformat.v4 import new_code_cell as code, new_markdown_cell as md, new_notebook

cells = [
md("""# Packagers and services

Functions take and return real Python objects. Inputs that are **items** are unpacked to the type the
parameter asks for (`pd.DataFrame`, `np.ndarray`, ...); outputs are packed by the **packagers** into
stored items (parquet for tables, npy for arrays), referenced by id in the execution record."""),
code("""%load_ext faas_jupyter
import faas_jupyter as faas
import numpy as np
import pandas as pd

ws = faas.workspace()"""),
md("## 1. A module that works on tables"),
code('''%%faas module sales --package shop
import numpy as np
import pandas as pd
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def __init__(self, currency: str = "EUR"):
        self.currency = currency

    def totals(self, orders: pd.DataFrame) -> pd.DataFrame:
        """Revenue per product, largest first."""
        orders = orders.assign(revenue=orders["price"] * orders["qty"])
        out = orders.groupby("product", as_index=False)["revenue"].sum()
        return out.assign(currency=self.currency).sort_values("revenue", ascending=False, ignore_index=True)

    def histogram(self, orders: pd.DataFrame, bins: int = 4) -> np.ndarray:
        """How many orders fall in each quantity bin."""
        counts, _ = np.histogram(orders["qty"], bins=bins)
        return counts

    def report(self, orders: pd.DataFrame, progress):
        """A table and an array in one go; progress is recorded."""
        progress.update(progress=50, message="totals done")
        print(f"{len(orders)} orders")
        return self.totals(orders), self.histogram(orders)

    def check(self, orders: pd.DataFrame) -> int:
        """Fails on a negative quantity: the execution keeps the traceback."""
        bad = orders[orders["qty"] < 0]
        if len(bad):
            raise ValueError(f"{len(bad)} orders have a negative quantity")
        return len(orders)'''),
code("""%faas push shop -m "tables in, tables and arrays out"
svc = ws.packages.get("shop").deploy(service_name="shop-svc", init_input={"currency": "USD"})"""),
md("## 2. A DataFrame item in, a DataFrame and a numpy array out"),
code("""orders = pd.DataFrame({
    "product": ["tea", "coffee", "tea", "cake", "coffee", "tea"],
    "price": [3.0, 4.5, 3.0, 6.0, 4.5, 3.0],
    "qty": [2, 1, 5, 1, 3, 8],
})
item = ws.items.log(orders, key="orders")
print(item.id, item.artifact_type, item.format)
ex = svc.execute("totals", {"orders": item.id})
print(ex.status, ex.output)
ex.get_output()"""),
md("`returns=` names the outputs (log hints): here a table and an array, each stored as an item."),
code("""ex = svc.execute("report", {"orders": item.id}, returns=["totals", "histogram"])
print(ex.status, ex.progress, ex.logs())
out = ex.get_output()
out["totals"], out["histogram"]"""),
code("""[(i.key, i.artifact_type, i.format) for i in ex.output_items()]"""),
md("## 3. A map over items\n\nOne execution per input, with the service's concurrency and a progress bar; results in input order."),
code("""days = [ws.items.log(orders.sample(frac=0.5, random_state=d), key=f"day{d}") for d in range(5)]
runs = svc.map("histogram", [{"orders": d.id, "bins": 3} for d in days], progress=False)
[(str(r.status), r.get_output().tolist()) for r in runs]"""),
md("## 4. A failing execution keeps its error and traceback"),
code("""broken = ws.items.log(pd.DataFrame({"product": ["tea"], "price": [3.0], "qty": [-1]}), key="broken")
ex = svc.execute("check", {"orders": broken.id})
print(ex.status, "|", ex.error)
print("\\n".join(ex.traceback.splitlines()[1:]))  # the frames, from the user's code on"""),
md("Bad inputs are refused before anything is stored or run, naming the input and what it must be:"),
code("""try:
    svc.execute("histogram", {"orders": item.id, "bins": "many"})
except faas.ValidationError as err:   # refused before anything is stored or run
    print(err)"""),
code("""%faas executions shop-svc"""),
]

nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
nbformat.write(nb, "notebooks/02-packagers-and-services.ipynb")
