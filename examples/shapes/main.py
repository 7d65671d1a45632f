"""A small Dataloop-style package: score rows of a table and keep the best ones."""
from faas_jupyter import BaseServiceRunner

from utils import clean_name


class ServiceRunner(BaseServiceRunner):
    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold

    def score(self, rows: list, limit: int = 10) -> list:
        """Keep the rows whose score passes the threshold, best first."""
        kept = [dict(r, name=clean_name(r["name"])) for r in rows if r["score"] >= self.threshold]
        return sorted(kept, key=lambda r: -r["score"])[:limit]

    def hello(self, name: str = "world") -> str:
        """Say hello."""
        return f"hello {clean_name(name)}"
