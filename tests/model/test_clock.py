import re
import time
from datetime import datetime, timedelta, timezone

from faas_jupyter.model import clock, now_iso

SHAPE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")


def test_every_timestamp_has_one_shape_microseconds_utc():
    t = time.time()
    stamps = [clock.now(), clock.iso(t), clock.iso_in(30), now_iso(),
              clock.iso_at(datetime(2024, 5, 1, 14, 0, tzinfo=timezone(timedelta(hours=2))))]
    assert all(SHAPE.match(s) for s in stamps), stamps
    assert stamps[-1] == "2024-05-01T12:00:00.000000+00:00"
    assert abs(datetime.fromisoformat(clock.iso(t)).timestamp() - t) < 1e-5


def test_timestamps_sort_as_text_in_time_order():
    a, b = clock.iso(1_700_000_000.5), clock.iso(1_700_000_000.500001)
    assert a < b < clock.iso_in(0) < clock.iso_in(60)
