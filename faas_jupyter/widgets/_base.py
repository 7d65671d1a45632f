"""Small pieces every widget shares: a status line, guarded actions, a text/plain form."""
from __future__ import annotations

import contextlib
import html
import io

import ipywidgets as W

from faas_jupyter.errors import FaasError


# colours are JupyterLab theme variables (with fallbacks for front ends without them): the
# text keeps the theme's text colour, the status colour only marks the edge
OK_STYLE = ("color:var(--jp-ui-font-color1,#1f2328);border-left:3px solid var(--jp-success-color1,#1a7f37);"
            "padding-left:4px")
ERROR_STYLE = ("color:var(--jp-ui-font-color1,#1f2328);border-left:3px solid var(--jp-error-color1,#cf222e);"
               "padding-left:4px")


def esc(value) -> str:
    return html.escape("" if value is None else str(value))


class StatusLine(W.HTML):
    """One line under a form: green on success, red for an error (never a traceback)."""

    kind = ""

    def ok(self, message: str) -> None:
        self.kind, self.message = "ok", message
        self.value = f'<span class="faas-ok" role="status" style="{OK_STYLE}">✔ {esc(message)}</span>'

    def error(self, message: str) -> None:
        self.kind, self.message = "error", message
        self.value = f'<span class="faas-error" role="alert" style="{ERROR_STYLE}">✖ {esc(message)}</span>'

    def clear(self) -> None:
        self.kind, self.message, self.value = "", "", ""


def guarded(status: StatusLine, fn, *args, **kwargs):
    """Run an action for a button: FaasError -> one red line; returns (result, captured stdout).

    Any other exception is a bug: it is shown the same way and re-raised, so it reaches
    the log console (and a test calling ``button.click()``).
    """
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            result = fn(*args, **kwargs)
    except FaasError as e:
        status.error(error_line(e))
        return None, out.getvalue()
    except Exception as e:
        status.error(f"{type(e).__name__}: {_first_line(str(e))}")
        raise
    return result, out.getvalue()


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0] if text else ""


def error_line(e: BaseException) -> str:
    """An error as one line for a StatusLine."""
    return _first_line(str(e)) or type(e).__name__


class TextRepr:
    """Mixin: ``text/plain`` of the widget is ``self.text()`` (what nbconvert to text shows)."""

    def text(self) -> str:  # pragma: no cover - every widget overrides
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs):
        data = super()._repr_mimebundle_(**kwargs)
        if data is not None:
            data["text/plain"] = self.text()
        return data


def html_table(rows, headers, cls: str = "faas-table") -> str:
    """An escaped HTML table (rows are sequences of already-plain values)."""
    head = "".join(f"<th style='text-align:left;padding:2px 8px'>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='padding:2px 8px'>{esc(v)}</td>" for v in r) + "</tr>"
                   for r in rows)
    return f"<table class='{cls}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
