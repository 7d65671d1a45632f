"""Files and folders: ``pathlib.Path`` (and ``str`` with ``:path``).

A file is copied into the store as it is (streamed and hashed once).  A folder
is archived straight into the store (``zip`` default, ``tar``, ``tar.gz``,
``tar.bz2``, ``tar.xz``) and extracted on unpack into a scratch folder the
packager registers for clearing.
"""
from __future__ import annotations

import os
import shutil
import tarfile
import zipfile
from pathlib import Path, PurePosixPath

from faas_jupyter.errors import PackingError, UnpackingError
from faas_jupyter.packagers.api import ArtifactType, DefaultPackager

ARCHIVE_FORMATS = ("zip", "tar", "tar.gz", "tar.bz2", "tar.xz")
_TAR_MODES = {"tar": "w|", "tar.gz": "w|gz", "tar.bz2": "w|bz2", "tar.xz": "w|xz"}


def _write_zip(folder: Path, f) -> None:
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            arc = path.relative_to(folder).as_posix()
            zf.write(path, arc + "/" if path.is_dir() else arc)


def _write_tar(folder: Path, f, fmt: str) -> None:
    with tarfile.open(fileobj=f, mode=_TAR_MODES[fmt]) as tf:
        for path in sorted(folder.rglob("*")):
            tf.add(path, path.relative_to(folder).as_posix(), recursive=False)


def pack_path(packager: DefaultPackager, obj, key: str, archive_format: str = "zip"):
    """Log the file or folder ``obj`` names; ``(Artifact, instructions)``."""
    path = Path(obj)
    if not path.exists():
        raise PackingError(f"{key!r}: path {str(path)!r} does not exist; pass an existing file or folder")
    if path.is_file():
        ext = "".join(path.suffixes)[1:] or None
        artifact = packager.write_artifact(key, ArtifactType.PATH, ext or "", _copy_from(path), ext=ext)
        return artifact, {"is_directory": False, "file_name": path.name}
    if archive_format not in ARCHIVE_FORMATS:
        raise PackingError(f"{key!r}: unknown archive_format {archive_format!r}; use one of {list(ARCHIVE_FORMATS)}")
    if archive_format == "zip":
        def write(f):
            _write_zip(path, f)
    else:
        def write(f):
            _write_tar(path, f, archive_format)
    artifact = packager.write_artifact(key, ArtifactType.PATH, archive_format, write)
    return artifact, {"is_directory": True, "archive_format": archive_format, "file_name": path.name}


def _copy_from(path: Path):
    def write(f):
        with open(path, "rb") as src:
            shutil.copyfileobj(src, f, 1 << 20)
    return write


def unpack_path(packager: DefaultPackager, data_item, is_directory: bool = False,
                archive_format: str | None = None, file_name: str | None = None) -> Path:
    """A local file path, or a folder extracted into a cleared scratch place."""
    if not is_directory:
        return Path(packager.get_data_item_local_path(data_item))
    if data_item.source is None:
        raise UnpackingError(f"item {data_item.key!r}: no artifact store given to extract it from")
    target = Path(data_item.source.scratch_dir()) / (file_name or data_item.key)
    packager.add_future_clearing_path(target.parent)
    with data_item.open() as f:
        if archive_format == "zip":
            # ZipFile never closes a file it is given: close the local copy _seekable may open
            with _seekable(f, packager, data_item) as src, zipfile.ZipFile(src) as zf:
                _safe_extract_zip(zf, target)
        elif archive_format in _TAR_MODES:
            with tarfile.open(fileobj=f, mode="r|*") as tf:
                tf.extractall(target, filter="data")
        else:
            raise UnpackingError(f"item {data_item.key!r}: unknown archive format {archive_format!r}")
    target.mkdir(exist_ok=True)  # an empty folder archives to nothing
    return target


def _seekable(f, packager, data_item):
    """zip needs seeking: remote streams are read from a local copy instead."""
    try:
        f.seek(0)
        return f
    except (OSError, ValueError, AttributeError):
        return open(packager.get_data_item_local_path(data_item), "rb")


def _safe_extract_zip(zf: zipfile.ZipFile, target: Path) -> None:
    for name in zf.namelist():
        parts = PurePosixPath(name).parts
        if PurePosixPath(name).is_absolute() or ".." in parts:
            raise UnpackingError(f"archive member {name!r} would land outside the target folder")
    zf.extractall(target)


class PathPackager(DefaultPackager):
    """``pathlib.Path`` (and subclasses): a file as is, a folder as an archive."""

    PACKABLE_OBJECT_TYPE = Path
    PACK_SUBCLASSES = True
    DEFAULT_PACKING_ARTIFACT_TYPE = ArtifactType.PATH
    DEFAULT_UNPACKING_ARTIFACT_TYPE = ArtifactType.PATH

    def pack_path(self, obj, key, archive_format: str = "zip"):
        return pack_path(self, obj, key, archive_format)

    def unpack_path(self, data_item, is_directory: bool = False, archive_format: str | None = None,
                    file_name: str | None = None):
        return unpack_path(self, data_item, is_directory, archive_format, file_name)

    def pack_result(self, obj, key):
        return {key: os.fspath(obj)}

    def unpack_result(self, data_item):
        return Path(data_item.value)


PACKAGERS = [PathPackager]
