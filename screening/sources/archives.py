"""Read an uploaded ZIP in memory, refusing bombs, traversal, nested archives and oversize files."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from screening.sources.errors import Failure, SourceError

NESTED_SUFFIXES = (".zip", ".jar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".zst")


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on an uploaded export; X archives with media are large, their text is not."""

    max_upload: int = 512 * 1024 * 1024
    max_entries: int = 50_000
    max_total: int = 2 * 1024 * 1024 * 1024
    max_file: int = 64 * 1024 * 1024
    max_ratio: float = 100.0
    ratio_floor: int = 1024 * 1024  # small files may compress well without being bombs


class SafeZip:
    """A ZIP whose directory passed every check; members are read whole into memory."""

    def __init__(self, data: bytes, limits: ArchiveLimits | None = None) -> None:
        self.limits = limits or ArchiveLimits()
        if len(data) > self.limits.max_upload:
            raise _refuse(f"the upload is larger than {self.limits.max_upload} bytes")
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise _refuse("the upload is not a readable ZIP archive") from exc
        check_members(infos, self.limits)
        self._members = {info.filename: info for info in infos if not info.is_dir()}

    @property
    def names(self) -> list[str]:
        return list(self._members)

    def find(self, basename: str) -> str | None:
        """Return the member named `basename` in any folder, preferring the shallowest."""
        hits = [n for n in self._members if posixpath.basename(n).lower() == basename.lower()]
        return min(hits, key=lambda n: n.count("/"), default=None)

    def read(self, name: str) -> bytes:
        """Read one member, stopping if it inflates past its declared size or the file limit."""
        info = self._members[name]
        cap = min(info.file_size, self.limits.max_file)
        try:
            with self._zip.open(info) as member:
                data = member.read(cap + 1)
        except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError, OSError) as exc:
            raise _refuse(f"{name} in the archive cannot be read") from exc
        if len(data) > cap:
            raise _refuse(f"{name} inflates past its declared size; refused as a ZIP bomb")
        return data


def check_members(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """Refuse the whole archive if any member is dangerous; say which and why."""
    if len(infos) > limits.max_entries:
        raise _refuse(f"the archive has more than {limits.max_entries} files")
    total = 0
    for info in infos:
        name = info.filename
        _check_name(name)
        if info.flag_bits & 0x1:
            raise _refuse(f"{name} is encrypted; upload the export as downloaded")
        if name.lower().endswith(NESTED_SUFFIXES):
            raise _refuse(f"{name} is an archive inside the archive; nested archives are refused")
        if info.file_size > limits.max_file:
            raise _refuse(f"{name} is larger than {limits.max_file} bytes")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            raise _refuse(f"{name} compresses {ratio:.0f}:1; refused as a ZIP bomb")
        total += info.file_size
        if total > limits.max_total:
            raise _refuse(f"the archive unpacks to more than {limits.max_total} bytes")


def _check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise _refuse(f"{name!r} points outside the archive (path traversal); refused")
    if "\x00" in name:
        raise _refuse("a file name in the archive contains a NUL byte; refused")


def is_zip(data: bytes) -> bool:
    """Tell a ZIP upload by its magic bytes, whatever its file name says."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def _refuse(message: str) -> SourceError:
    return SourceError(Failure.INVALID_EXPORT, message)
