"""Log capture: whole lines, bounded partial lines, a per-execution cap with a marker."""
from __future__ import annotations

from faas_jupyter.runner.capture import PARTIAL_LIMIT, Capture


def _collect(**kw):
    out: list[tuple[str, str]] = []
    return Capture(lambda stream, text: out.append((stream, text)), **kw), out


def test_whole_lines_are_emitted_and_a_partial_line_waits_for_its_newline():
    cap, out = _collect()
    cap.write("stdout", "a")
    cap.write("stdout", "b\nc")
    cap.write("stderr", "x\n")
    assert out == [("stdout", "ab\n"), ("stderr", "x\n")]
    cap.flush()
    assert out[-1] == ("stdout", "c")


def test_output_without_newlines_is_emitted_in_bounded_pieces_and_nothing_is_lost():
    cap, out = _collect()
    frame = "\r 42%|████      | 42/100"
    n = 3 * PARTIAL_LIMIT // len(frame) + 7
    for _ in range(n):
        cap.write("stderr", frame)
    assert len(out) >= 2
    assert all(len(text) < PARTIAL_LIMIT + len(frame) for _, text in out)
    cap.flush()
    assert "".join(t for _, t in out) == frame * n


def test_a_log_past_the_cap_is_cut_with_a_marker_and_the_dropped_count():
    cap, out = _collect(max_chars=10_000)
    for i in range(2_000):
        cap.write("stdout", f"line {i:05d}\n")
    cap.write("stdout", "tail without newline")
    cap.flush()
    text = "".join(t for _, t in out)
    assert len(text) <= 10_000
    assert text.startswith("line 00000\n")
    assert "log reached its cap of 10,000 characters" in text and "FAAS_MAX_LOG_MB" in text
    assert text.count("reached its cap") == 1
    dropped = 2_000 * len("line 00000\n") + len("tail without newline") - text.index("\n[faas_jupyter")
    assert text.rstrip().endswith(f"{dropped:,} characters of output were not stored]")


def test_the_cap_comes_from_FAAS_MAX_LOG_MB(monkeypatch):
    monkeypatch.setenv("FAAS_MAX_LOG_MB", "0.5")
    assert Capture(lambda s, t: None).max_chars == 500_000
    monkeypatch.delenv("FAAS_MAX_LOG_MB")
    assert Capture(lambda s, t: None).max_chars == 10_000_000
