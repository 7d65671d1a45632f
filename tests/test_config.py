"""Settings from the environment: a bad size is refused with one line naming the variable."""
from __future__ import annotations

import pytest

from faas_jupyter import config
from faas_jupyter.errors import ValidationError


@pytest.mark.parametrize("name", ["FAAS_MAX_LOG_MB", "FAAS_MAX_CODEBASE_MB"])
@pytest.mark.parametrize("raw", ["ten", "-1", "0", "nan", "inf"])
def test_a_bad_size_is_refused_naming_the_variable(monkeypatch, name, raw):
    monkeypatch.setenv(name, raw)
    read = config.max_log_chars if name == "FAAS_MAX_LOG_MB" else config.settings
    with pytest.raises(ValidationError, match=f"{name}='{raw}' is not a size in MB"):
        read()


def test_sizes_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("FAAS_MAX_LOG_MB", "0.5")
    monkeypatch.setenv("FAAS_MAX_CODEBASE_MB", "2.5")
    assert config.max_log_chars() == 500_000
    assert config.settings().max_codebase_bytes == 2_500_000
    monkeypatch.setenv("FAAS_MAX_LOG_MB", "0.0000001")  # never below what the marker needs
    assert config.max_log_chars() == 1024
    monkeypatch.delenv("FAAS_MAX_LOG_MB")
    assert config.max_log_chars() == 10_000_000
