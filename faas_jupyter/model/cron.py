"""Cron schedules: the 5-field spec (``minute hour day-of-month month day-of-week``) and the
next fire time after a given moment, in UTC (stdlib only).

Each field is ``*``, a number, a range ``a-b``, a step ``*/n`` or ``a-b/n``, or a comma list
of those; months take ``JAN``-``DEC`` and weekdays ``SUN``-``SAT`` (0 and 7 are Sunday). As in
Vixie cron, when both day-of-month and day-of-week are restricted a day matching either fires.
An optional sixth field *before* the minute gives seconds (``*/2 * * * * *``): sub-minute
schedules, used by the tests to watch a schedule fire without waiting minutes.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from ..errors import ValidationError

FIELDS = ("minute", "hour", "day-of-month", "month", "day-of-week")
_BOUNDS = {"second": (0, 59), "minute": (0, 59), "hour": (0, 23), "day-of-month": (1, 31),
           "month": (1, 12), "day-of-week": (0, 7)}
_NAMES = {"month": ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
          "day-of-week": ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]}
_FIX = ("use 5 fields 'minute hour day-of-month month day-of-week', e.g. '*/5 * * * *' "
        "(every 5 minutes) or '0 3 * * MON' (Mondays at 03:00 UTC)")
_HORIZON_DAYS = 366 * 5  # a schedule with no fire in 5 years (Feb 30) is refused


@dataclass(frozen=True)
class CronSpec:
    """A parsed schedule; ``next_after(t)`` is the first fire time strictly after ``t``."""

    text: str
    seconds: frozenset[int]
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]   # 0 = Monday (Python's weekday()), after mapping cron's 0/7 = Sunday
    any_day: bool              # day-of-month is '*'
    any_weekday: bool          # day-of-week is '*'

    def next_after(self, moment: datetime) -> datetime:
        """The first fire time strictly after ``moment`` (an aware datetime; UTC is used)."""
        step = timedelta(seconds=1) if self.seconds != frozenset({0}) else timedelta(minutes=1)
        t = _truncate(moment.astimezone(timezone.utc), step) + step
        limit = t + timedelta(days=_HORIZON_DAYS)
        while t < limit:
            if t.month not in self.months:
                t = _next_month(t)
            elif not self._day_ok(t):
                t = datetime(t.year, t.month, t.day, tzinfo=timezone.utc) + timedelta(days=1)
            elif t.hour not in self.hours:
                t = datetime(t.year, t.month, t.day, t.hour, tzinfo=timezone.utc) + timedelta(hours=1)
            elif t.minute not in self.minutes:
                t = t.replace(second=0) + timedelta(minutes=1)
            elif t.second not in self.seconds:
                t = t + timedelta(seconds=1)
            else:
                return t
        raise ValidationError(f"cron {self.text!r} never fires (no matching date within 5 years); "
                              f"check day-of-month against month, {_FIX}", "cron")

    def _day_ok(self, t: datetime) -> bool:
        dom, dow = t.day in self.days, t.weekday() in self.weekdays
        if self.any_day or self.any_weekday:
            return dom and dow
        return dom or dow


def _truncate(t: datetime, step: timedelta) -> datetime:
    t = t.replace(microsecond=0)
    return t.replace(second=0) if step == timedelta(minutes=1) else t


def _next_month(t: datetime) -> datetime:
    year, month = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
    return datetime(year, month, 1, tzinfo=timezone.utc)


def parse_cron(text: object, path: str = "cron") -> CronSpec:
    """Parse and check a cron spec; a ValidationError at ``path`` names the field and the fix."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(f"expected a cron spec (string), got {text!r}; {_FIX}", path)
    parts = text.split()
    if len(parts) not in (5, 6):
        raise ValidationError(f"cron {text!r} has {len(parts)} fields; {_FIX}", path)
    names = (("second",) if len(parts) == 6 else ()) + FIELDS
    values = {name: _field(name, part, text, path) for name, part in zip(names, parts)}
    weekdays = frozenset((d - 1) % 7 for d in values["day-of-week"])  # cron 0/7 = Sun -> 6, 1 = Mon -> 0
    spec = CronSpec(text, values.get("second", frozenset({0})), values["minute"], values["hour"],
                    values["day-of-month"], values["month"], weekdays,
                    parts[-3] == "*", parts[-1] == "*")
    try:
        spec.next_after(datetime(2000, 1, 1, tzinfo=timezone.utc))  # never fires: refused here
    except ValidationError as exc:
        raise ValidationError(exc.message, path) from None
    return spec


def _field(name: str, part: str, text: str, path: str) -> frozenset[int]:
    low, high = _BOUNDS[name]
    out: set[int] = set()
    for piece in part.split(","):
        try:
            out.update(_piece(name, piece.upper(), low, high))
        except ValueError:
            raise ValidationError(f"cron {text!r}: {name} field {part!r} is not valid "
                                  f"(allowed {low}-{high}{_named(name)}, '*', 'a-b', '*/n', lists "
                                  f"with ','); {_FIX}", path) from None
    return frozenset(out)


def _named(name: str) -> str:
    names = _NAMES.get(name)
    return f" or {names[0]}-{names[-1]}" if names else ""


def _piece(name: str, piece: str, low: int, high: int) -> range:
    body, _, step_text = piece.partition("/")
    step = int(step_text) if step_text else 1
    if step < 1:
        raise ValueError(piece)
    if body == "*":
        first, last = low, high
    elif "-" in body:
        a, b = body.split("-", 1)
        first, last = _number(name, a), _number(name, b)
    else:
        first = _number(name, body)
        last = high if step_text else first
    if not (low <= first <= last <= high):
        raise ValueError(piece)
    return range(first, last + 1, step)


def _number(name: str, text: str) -> int:
    names = _NAMES.get(name, [])
    if text in names:
        return names.index(text) + (1 if name == "month" else 0)
    if not text.isdigit():
        raise ValueError(text)
    return int(text)
