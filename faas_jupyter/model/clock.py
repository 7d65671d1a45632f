"""The one clock: timestamps are ISO-8601 UTC strings with microseconds
(``2024-05-01T12:00:00.123456+00:00``), which sort as text and are what the store holds."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone


def iso_at(moment: datetime) -> str:
    """``moment`` (timezone-aware) as a timestamp string."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now() -> str:
    """The current time."""
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def iso(ts: float) -> str:
    """A ``time.time()`` value (the recorder stamps every event with it: kept direct)."""
    return datetime.fromtimestamp(ts, timezone.utc).isoformat(timespec="microseconds")


def iso_in(seconds: float) -> str:
    """``seconds`` from now (a lease's end)."""
    return iso_at(datetime.now(timezone.utc) + timedelta(seconds=seconds))
