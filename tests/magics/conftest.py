import pytest


@pytest.fixture
def ip(tmp_path, monkeypatch):
    """A real InteractiveShell with the extension loaded and a fresh workspace in tmp_path."""
    from IPython.testing.globalipapp import get_ipython
    import faas_jupyter as faas

    monkeypatch.setenv("FAAS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("FAAS_WIDGETS", "0")
    shell = get_ipython()
    shell.run_line_magic("load_ext", "faas_jupyter")
    magics = shell.magics_manager.registry["FaasMagics"]
    magics.packages = {}
    magics.ws = faas.workspace(home=tmp_path / "home", user="alice")
    shell.faas = magics
    yield shell
    magics.packages = {}
