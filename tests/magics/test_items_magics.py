"""`%faas packagers` and `%faas items` print what the workspace holds."""


def test_packagers_are_listed_in_priority_order(ip, capsys):
    ip.run_line_magic("faas", "packagers")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["priority", "packager", "type"]
    priorities = [int(line.split()[0]) for line in lines[2:]]
    assert priorities == sorted(priorities) and "PandasDataFramePackager" in "\n".join(lines)


def test_items_lists_logged_items_by_dataset(ip, capsys):
    ws = ip.faas.ws
    ws.datasets.create("raw")
    ws.items.log(b"\x00" * 2048, key="blob", dataset="raw")
    ws.items.log({"a": 1}, key="settings")
    ip.run_line_magic("faas", "items raw")
    out = capsys.readouterr().out
    assert "blob" in out and "2.0 KB" in out and "settings" not in out
    ip.run_line_magic("faas", "items")
    assert "settings" in capsys.readouterr().out
