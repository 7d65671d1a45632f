"""Settings from arguments, then environment, then defaults (stdlib only).

| setting            | environment            | default                                  |
| ------------------ | ---------------------- | ---------------------------------------- |
| home               | FAAS_HOME              | ~/.faas_jupyter                          |
| db_url             | FAAS_DB_URL            | sqlite:///<home>/faas.db                 |
| artifacts          | FAAS_ARTIFACTS         | <home>/artifacts (any fsspec URL works)  |
| artifacts_options  | FAAS_ARTIFACTS_OPTIONS | {} (JSON: fsspec storage options)        |
| user               | FAAS_USER              | the OS login                             |
| max_codebase_bytes | FAAS_MAX_CODEBASE_MB   | 100 MB                                   |
| max_log_chars      | FAAS_MAX_LOG_MB        | 10 (million characters per execution)    |
| trust_pickles      | FAAS_TRUST_PICKLES     | off: other users' pickles need trust=True |
"""
from __future__ import annotations

import getpass
import json
import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from faas_jupyter.errors import ValidationError

DEFAULT_MAX_CODEBASE_MB = 100
DEFAULT_MAX_LOG_MB = 10


@dataclass(frozen=True)
class Settings:
    home: Path
    db_url: str
    artifacts: str
    user: str
    max_codebase_bytes: int = DEFAULT_MAX_CODEBASE_MB * 1_000_000
    trust_pickles: bool = False  # load other users' (and changed) pickle items without trust=True
    # fsspec storage options of the artifact root (an S3 endpoint, credentials, anon=True ...);
    # services hand them to the workers that run their functions
    artifacts_options: dict = field(default_factory=dict, hash=False)

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers: fall back to the uid
        return f"uid{os.getuid()}"


def parse_options(text: str | dict | None, source: str = "FAAS_ARTIFACTS_OPTIONS") -> dict:
    """Storage options from a JSON object (text) or a dict; one clear error otherwise."""
    from faas_jupyter.errors import ValidationError
    if text is None or text == "":
        return {}
    if isinstance(text, dict):
        return dict(text)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{source} must be a JSON object of fsspec storage options, e.g. "
                              f"'{{\"endpoint_url\": \"http://host:9000\", \"key\": \"...\"}}': {exc}") from None
    if not isinstance(value, dict):
        raise ValidationError(f"{source} must be a JSON object of fsspec storage options, "
                              f"not {type(value).__name__}")
    return value


def settings(db_url: str | None = None, artifacts: str | None = None,
             user: str | None = None, home: str | os.PathLike | None = None,
             artifacts_options: str | dict | None = None, trust_pickles: bool | None = None) -> Settings:
    """Resolve settings: explicit arguments win over the environment."""
    env = os.environ
    home_path = Path(home or env.get("FAAS_HOME") or Path.home() / ".faas_jupyter").expanduser()
    if db_url is None:
        db_url = env.get("FAAS_DB_URL") or f"sqlite:///{home_path / 'faas.db'}"
    elif "://" not in db_url:  # a bare path means a SQLite file
        db_url = f"sqlite:///{Path(db_url).expanduser().resolve()}"
    if artifacts is None:
        artifacts = env.get("FAAS_ARTIFACTS") or str(home_path / "artifacts")
    if artifacts_options is None:
        options = parse_options(env.get("FAAS_ARTIFACTS_OPTIONS"))
    else:
        options = parse_options(artifacts_options, "storage_options")
    mb = _megabytes("FAAS_MAX_CODEBASE_MB", DEFAULT_MAX_CODEBASE_MB)
    return Settings(home=home_path, db_url=db_url, artifacts=str(artifacts),
                    user=user or env.get("FAAS_USER") or _os_user(),
                    max_codebase_bytes=int(mb * 1_000_000), artifacts_options=options,
                    trust_pickles=trust_pickles_env() if trust_pickles is None else bool(trust_pickles))


def max_log_chars() -> int:
    """How much of one execution's output is stored (``FAAS_MAX_LOG_MB``, default 10)."""
    return max(int(_megabytes("FAAS_MAX_LOG_MB", DEFAULT_MAX_LOG_MB) * 1_000_000), _MIN_LOG_CHARS)


# a cap below this would cut even the truncation marker
_MIN_LOG_CHARS = 1024


def _megabytes(name: str, default: float) -> float:
    """A positive size in MB from the environment; a bad value is refused, never silently replaced."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not value > 0 or value == float("inf"):
        raise ValidationError(f"{name}={raw!r} is not a size in MB; set a positive number such as {default:g}")
    return value


def trust_pickles_env() -> bool:
    """``FAAS_TRUST_PICKLES=1``: load every pickle item without ``trust=True`` (single-user setups)."""
    return os.environ.get("FAAS_TRUST_PICKLES", "").strip().lower() in ("1", "true", "yes", "on")
