"""Writes notebooks/04-triggers.ipynb (run: python notebooks/src/build_04.py)."""
import nbformat
from nbformat.v4 import new_code_cell as code, new_markdown_cell as md, new_notebook

cells = [
md("""# Triggers: functions that run by themselves

A **trigger** runs one function of a service when something happens, without anyone calling
`execute`: an **event** trigger when an item, dataset or annotation is created, updated or deleted
(narrowed by a JSON **filter**), a **cron** trigger on a schedule. Each event makes exactly one
execution, and every execution records the trigger that started it (`ex.trigger`).

Here: orders logged into the dataset `raw` are cleaned automatically, and a summary runs every minute."""),
code("""%load_ext faas_jupyter
import os
import time

import pandas as pd
import faas_jupyter as faas

ws = faas.workspace()
# every minute; the tests run this notebook with a seconds schedule such as "*/2 * * * * *"
SUMMARY_CRON = os.environ.get("FAAS_DEMO_CRON", "* * * * *")


def wait_for(check, timeout=120):
    \"\"\"Poll until check() is true (triggers run in the background).\"\"\"
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise TimeoutError("the trigger did not run in time")
        time.sleep(0.2)"""),
md("""## 1. A module: clean one batch of orders, summarise all of them

`clean` takes the item (the logged DataFrame) as its one `Item` input: an event trigger passes
the item that changed there. `summarise` takes no input: a cron trigger runs it."""),
code('''%%faas module orders --package shop
import pandas as pd
import faas_jupyter as faas
from faas_jupyter import BaseServiceRunner


class ServiceRunner(BaseServiceRunner):
    def __init__(self):
        self.ws = faas.workspace()  # the registry this notebook uses ($FAAS_HOME)

    def clean(self, orders: pd.DataFrame) -> int:
        """Drop rows without a quantity, add the revenue, keep the result in dataset 'clean'."""
        ok = orders[orders["qty"] > 0]
        ok = ok.assign(revenue=ok["price"] * ok["qty"])
        self.ws.datasets.get("clean").log(ok, key="clean-orders")
        print(f"kept {len(ok)} of {len(orders)} orders")
        return len(ok)

    def summarise(self) -> dict:
        """Revenue per product over every cleaned batch so far."""
        frames = [item.get() for item in self.ws.datasets.get("clean").items]
        if not frames:
            return {"batches": 0}
        revenue = pd.concat(frames).groupby("product")["revenue"].sum()
        return {"batches": len(frames), "revenue": revenue.round(2).to_dict()}'''),
code("""%faas push shop -m "clean and summarise orders"
raw, clean = ws.datasets.create("raw"), ws.datasets.create("clean")
svc = ws.packages.get("shop").deploy(service_name="shop-svc")"""),
md("""## 2. An event trigger with a filter

`--on item:created` fires for each new item; the filter keeps only items of dataset `raw` (the
cleaned ones land in `clean` and must not start `clean` again). `--mode once` (the default) runs
at most once per item."""),
code("""%faas trigger shop-svc clean --on item:created --filter '{"dataset": "raw"}' --name clean-raw"""),
code("""days = [pd.DataFrame({"product": ["tea", "cake", "tea"], "price": [3.0, 6.0, 3.0], "qty": [2, d, 0]})
        for d in (1, 2, 3)]
for i, day in enumerate(days):
    raw.log(day, key=f"orders-day{i + 1}")   # nothing else: the trigger runs clean for each

cleaning = ws.triggers.get("clean-raw")
wait_for(lambda: sum(e.status == "success" for e in cleaning.executions()) == 3)
[(e.trigger["name"], e.status.value, e.output) for e in cleaning.executions()]"""),
md("Every view shows which trigger started an execution:"),
code("""%faas executions shop-svc"""),
md("""## 3. A cron trigger

A 5-field spec (`minute hour day month weekday`, UTC). A host that was down fires a missed
schedule once when it is back (`--catch-up one`, the default) or not at all (`--catch-up none`)."""),
code("""%faas trigger shop-svc summarise --cron "$SUMMARY_CRON" --name summary"""),
code("""summary = ws.triggers.get("summary")
wait_for(lambda: any(e.status == "success" for e in summary.executions()))
latest = summary.executions()[0]
print(latest.trigger["name"], latest.status.value)
latest.output"""),
md("""## 4. Triggers at a glance: next fire, last fire, counts

`%faas triggers` (or `faas triggers ls`, or the sidebar under each service) lists them;
deactivate one to stop it without losing it."""),
code("""%faas triggers shop-svc"""),
code("""%faas trigger deactivate summary
%faas trigger show summary"""),
md("""A bad trigger is refused with one line that says what to fix:"""),
code("""try:
    svc.triggers.create("summarise", cron="61 * * * *", name="broken")
except faas.ValidationError as err:
    print(err)"""),
]

nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
nbformat.write(nb, "notebooks/04-triggers.ipynb")
