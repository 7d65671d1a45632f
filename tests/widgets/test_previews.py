from __future__ import annotations

import pytest

from faas_jupyter.widgets.previews import preview_item


def test_dataframe_item_shows_head_shape_and_dtypes(ws):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": range(8), "b": list("abcdefgh")})
    html = preview_item(ws.items.log(df, key="table"))
    assert "<b>table</b>" in html and "DataFrame shape 8 × 2" in html
    assert html.count("<tr>") >= 5 and ">h<" not in html  # head only: row 7 ('h') is left out
    assert "<td style='padding:2px 8px'>int64</td>" in html


def test_array_item_shows_shape_dtype_and_summary(ws):
    np = pytest.importorskip("numpy")
    html = preview_item(ws.items.log(np.arange(12.0).reshape(3, 4), key="arr"))
    assert "array shape (3, 4) dtype float64; min 0 max 11 mean 5.5" in html


def test_file_item_shows_name_and_size(ws, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    html = preview_item(ws.items.log(path, key="notes"))
    assert "file notes.txt, 5 bytes" in html


def test_plain_value_item_shows_its_json(ws):
    html = preview_item(ws.items.log({"x": 1}, key="val"))
    assert "&quot;x&quot;: 1" in html
