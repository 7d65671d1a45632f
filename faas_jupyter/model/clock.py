"""The one clock: timestamps are ISO-8601 UTC strings with microseconds
(``2024-05-01T12:00:00.123456+00:00``), which sort as text and are what the store holds."""
from __future__ import annotations

import math
import time
from datetime import datetime, timedelta, timezone


def iso_at(moment: datetime) -> str:
    """``moment`` (timezone-aware) as a timestamp string."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def now() -> str:
    """The current time."""
    return iso(time.time())


# the text up to the seconds of the last second stamped: an execution stamps its row and
# events 7 times within one second, and building a datetime for each was ~1.3 us apiece
_last: tuple[int, str] = (-1, "")


def iso(ts: float) -> str:
    """A ``time.time()`` value, exactly as ``datetime.fromtimestamp(ts, utc).isoformat()``
    (microseconds rounded half-even; 1e6 of them carry into the next second)."""
    global _last
    second = math.floor(ts)
    micro = round((ts - second) * 1e6)
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    cached, prefix = _last  # one tuple: a thread switch never pairs a second with another's text
    if cached != second:
        prefix = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        _last = (second, prefix)
    return f"{prefix}.{micro:06d}+00:00"


def iso_in(seconds: float) -> str:
    """``seconds`` from now (a lease's end)."""
    return iso_at(datetime.now(timezone.utc) + timedelta(seconds=seconds))
