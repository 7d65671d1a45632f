"""Item records from what a packer returned, links between them, and their JSON checks.

A record is what the store keeps of one packed output (see ``PackagersManager.pack``).
Everything in it must be JSON: a packer returning ``{key: object()}`` or linking
something that is not there is a ``PackingError`` naming the output, raised while the
execution still runs, so it ends ``failed`` instead of ``success`` with a lost output.
"""
from __future__ import annotations

import json
import os
import shutil

from faas_jupyter.errors import PackingError
from faas_jupyter.packagers.api import PackContext, Packager
from faas_jupyter.packagers.artifact import Artifact
from faas_jupyter.packagers.typehints import type_name


def record(key: str, obj, packager: Packager, artifact_type: str, out, ctx: PackContext) -> dict:
    """The record of one packed output (``out`` is ``{key: value}`` or ``(Artifact, instructions)``)."""
    name = type(packager).__name__
    rec = {"key": key, "artifact_type": artifact_type, "format": None, "size": None, "digest": None,
           "packager": name, "object_type": type_name(type(obj)),
           "instructions": {}, "path": None, "url": None, "value": None}
    if isinstance(out, dict):  # a result, whatever artifact type was asked for (MLRun's rule)
        if set(out) != {key}:
            raise PackingError(f"output {key!r}: {name}.pack returned a result with keys "
                               f"{sorted(map(str, out))}; a result is {{{key!r}: value}}")
        rec.update(artifact_type="result", value=out[key])
        if not _builtin(packager):  # builtins encode results as JSON already (tagged.encode)
            check_json(rec["value"], key, f"the result {name}.pack returned")
        return rec
    if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[0], Artifact)):
        raise PackingError(f"output {key!r}: {name}.pack returned {type(out).__name__}; return "
                           f"(Artifact, instructions) or {{{key!r}: value}}")
    artifact, instructions = out
    if artifact.path is None:
        store_content(artifact, key, ctx, name)
    instructions = dict(instructions or {})
    check_json(instructions, key, f"the instructions {name}.pack returned")
    rec.update(artifact_type=artifact.artifact_type or artifact_type, format=artifact.format,
               size=artifact.size, digest=artifact.digest, path=artifact.path, instructions=instructions,
               url=ctx.sink.url(artifact.path) if ctx.sink is not None and artifact.path else None)
    for extra in ("extra_data", "metrics", "meta"):
        if getattr(artifact, extra):
            rec[extra] = dict(getattr(artifact, extra))
    return rec


def _builtin(packager: Packager) -> bool:
    return type(packager).__module__.startswith("faas_jupyter.packagers.")


def store_content(artifact: Artifact, key: str, ctx: PackContext, packager: str) -> None:
    """Copy an artifact given as ``src_path`` or ``body`` into the store (written once, hashed)."""
    src, body = artifact.spec.src_path, artifact.spec.get_body()
    if src is None and body is None:
        raise PackingError(f"output {key!r}: {packager}.pack returned Artifact({artifact.key!r}) with "
                           "nothing to store; give it src_path= (a file) or body=, or write it with "
                           "self.write_artifact(...)")
    if src is not None and not os.path.isfile(src):
        raise PackingError(f"output {key!r}: the src_path {src!r} of the artifact {packager} returned "
                           "is not a file")
    ext = artifact.format or (os.path.basename(src).partition(".")[2] if src else None) or None
    with ctx.open_write(key, ext) as w:
        if src is not None:
            with open(src, "rb") as f:
                shutil.copyfileobj(f, w, 1 << 20)
        else:
            w.write(body.encode() if isinstance(body, str) else bytes(body))
    artifact.path, artifact.size, artifact.digest = w.path, w.size, w.digest
    artifact.format = artifact.format or ext


def linked(key: str, field_name: str, links: dict, by_key: dict) -> dict:
    """``links`` with each ``...`` replaced by the value or URL of the output it names."""
    out = {}
    for other, value in links.items():
        if value is ...:
            if other not in by_key:
                raise PackingError(f"output {key!r} links {field_name} {other!r}, which no output or "
                                   f"earlier item has; log {other!r} too or remove the link")
            value = link_value(by_key[other], field_name, other, key)
        out[other] = value
    check_json(out, key, field_name)
    return out


def link_value(rec: dict, field_name: str, other: str, key: str):
    if rec.get("artifact_type") == "result":
        return rec.get("value")
    if field_name == "metrics":
        raise PackingError(f"output {key!r}: metrics can only link results; {other!r} is a "
                           f"{rec.get('artifact_type')} artifact (link it in extra_data)")
    return rec.get("url") or rec.get("path")


def check_json(value, key: str, what: str) -> None:
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise PackingError(f"output {key!r}: {what} is not JSON ({exc}); store such values as an "
                           "artifact, or convert them") from None


def remove_written(records: list[dict], sink) -> None:
    delete = getattr(sink, "delete", None)
    for rec in records:
        if rec.get("path") and delete is not None:
            try:
                delete(rec["path"])
            except Exception:  # best effort: the packing error is what the caller must see
                pass
