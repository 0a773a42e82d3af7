"""Read an uploaded ZIP in memory under one budget, refusing bombs, traversal and nested archives.

The sizes a ZIP declares are the attacker's word: the budget counts the bytes that really come
out of the inflater, chunk by chunk, and stops at the first chunk over any bound.
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from screening.sources.errors import Failure, Problem, SourceError

NESTED_SUFFIXES = (".zip", ".jar", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z", ".rar", ".zst")
# Exports are stored or deflated. zipfile inflates bzip2 and LZMA a whole read at a time, with
# no bound on the output, so a few KB of either could explode before the budget saw a byte.
INFLATABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
MB = 1024 * 1024
CHUNK = 64 * 1024
MIN_BYTES_PER_CONTAINER = 16
# Rows of one CSV file: LinkedIn's largest file (shares) has thousands; a row parses to a dict
# of a few hundred bytes, so a file of short lines would otherwise take 100 times its size.
MAX_CSV_ROWS = 100_000
# A central directory entry is 46 bytes plus its name, extra field and comment; allowing 1 KiB
# an entry bounds how much directory zipfile parses before the entries can be counted.
_DIRECTORY_BYTES_PER_ENTRY = 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """The budget of one uploaded export, sized to real exports without their photos and videos.

    `max_total` and `max_file` bound the bytes inflated (only the members that are read: a
    photo in an X archive is never inflated); `max_ratio` bounds those bytes against the size
    of the upload once more than `ratio_floor` bytes came out, so a small real export whose
    JSON compresses well still passes.
    """

    max_upload: int = 50 * MB
    max_entries: int = 2_000
    max_total: int = 64 * MB
    max_file: int = 48 * MB
    max_ratio: float = 100.0
    ratio_floor: int = 1 * MB

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ArchiveLimits:
        """Build the budget from the app's EXPORT_* settings (sizes in MB) and its upload cap."""
        default = cls()
        return cls(
            max_upload=int(config.get("MAX_CONTENT_LENGTH") or default.max_upload),
            max_entries=int(config.get("EXPORT_MAX_ENTRIES", default.max_entries)),
            max_total=int(float(config.get("EXPORT_MAX_UNPACKED_MB", default.max_total / MB)) * MB),
            max_file=int(float(config.get("EXPORT_MAX_FILE_MB", default.max_file / MB)) * MB),
            max_ratio=float(config.get("EXPORT_MAX_RATIO", default.max_ratio)),
        )


class ArchiveBudget:
    """What one archive may still inflate; every member read draws on the same budget."""

    def __init__(self, limits: ArchiveLimits, upload_size: int) -> None:
        self.limits = limits
        self.upload_size = max(upload_size, 1)
        self.total = 0

    def charge(self, name: str, member_bytes: int, chunk: int) -> None:
        """Count `chunk` more inflated bytes of `name`; refuse as soon as a bound is crossed."""
        self.total += chunk
        limits = self.limits
        if member_bytes > limits.max_file:
            raise _refuse(f"{shown_name(name)} unpacks to more than {_mb(limits.max_file)}",
                          Problem.MEMBER_TOO_LARGE, file=shown_name(name),
                          limit=limits.max_file)
        if self.total > limits.max_total:
            raise _refuse(f"the archive unpacks to more than {_mb(limits.max_total)}",
                          Problem.ARCHIVE_TOO_LARGE, limit=limits.max_total)
        if self.total > limits.ratio_floor and self.total > limits.max_ratio * self.upload_size:
            raise _refuse(
                f"the archive unpacks to more than {limits.max_ratio:g} times its own size; "
                "refused as a ZIP bomb", Problem.ZIP_BOMB, ratio=limits.max_ratio
            )


class SafeZip:
    """A ZIP whose directory passed every check; members are inflated under one budget."""

    def __init__(self, data: bytes, limits: ArchiveLimits | None = None) -> None:
        self.limits = limits or ArchiveLimits()
        if len(data) > self.limits.max_upload:
            raise _refuse(f"the upload is larger than {_mb(self.limits.max_upload)}",
                          Problem.UPLOAD_TOO_LARGE, limit=self.limits.max_upload)
        check_directory_size(data, self.limits)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise _refuse("the upload is not a readable ZIP archive", Problem.NOT_A_ZIP) from exc
        check_members(infos, self.limits)
        self._members = {info.filename: info for info in infos if not info.is_dir()}
        self.budget = ArchiveBudget(self.limits, len(data))

    @property
    def names(self) -> list[str]:
        return list(self._members)

    def find(self, basename: str) -> str | None:
        """Return the member named `basename` in any folder, preferring the shallowest."""
        hits = [n for n in self._members if posixpath.basename(n).lower() == basename.lower()]
        return min(hits, key=lambda n: n.count("/"), default=None)

    def read(self, name: str) -> bytes:
        """Inflate one member chunk by chunk, charging every chunk to the archive's budget."""
        info = self._members[name]
        chunks: list[bytes] = []
        size = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    size += len(chunk)
                    self.budget.charge(name, size, len(chunk))
                    chunks.append(chunk)
        except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError, OSError) as exc:
            # zipfile stops at the declared size and then finds the CRC wrong: a member that
            # says less than it holds ends up here too.
            raise _refuse(f"{shown_name(name)} in the archive cannot be read",
                          Problem.MEMBER_UNREADABLE, file=shown_name(name)) from exc
        return b"".join(chunks)


def check_json_density(data: bytes, name: str) -> None:
    """Refuse JSON with more objects and arrays than any real export, before parsing it.

    Parsed, `[{},{},...]` takes 25 times its bytes; real exports hold one object or array in
    90 to 330 bytes. At most one in MIN_BYTES_PER_CONTAINER keeps a parse within a few times
    the bytes the budget allowed.
    """
    containers = data.count(b"{") + data.count(b"[")
    if containers > len(data) // MIN_BYTES_PER_CONTAINER + 16:
        raise _refuse(f"{shown_name(name)} holds far more nested items than any real export",
                      Problem.TOO_NESTED, file=shown_name(name))


def check_directory_size(data: bytes, limits: ArchiveLimits) -> None:
    """Refuse an archive whose end record announces too many entries, before zipfile parses them.

    The count in the end record may lie; the directory's size bounds how many entries zipfile
    can find, so both are checked, and `check_members` counts the entries it really found.
    """
    announced = _end_record(data)
    if announced is None:
        return  # no end record: zipfile refuses it
    entries, directory_size = announced
    if entries > limits.max_entries or (
        directory_size > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY
    ):
        raise _refuse(f"the archive has more than {limits.max_entries} files",
                      Problem.TOO_MANY_FILES, count=limits.max_entries)


def _end_record(data: bytes) -> tuple[int, int] | None:
    """Return (entries, directory size) from the (ZIP64) end of central directory record."""
    start = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if start < 0 or len(data) < start + 22:
        return None
    entries, directory_size = struct.unpack_from("<HI", data, start + 10)
    locator = start - 20
    if (entries == 0xFFFF or directory_size == 0xFFFFFFFF) and locator >= 0 and (
        data[locator : locator + 4] == b"PK\x06\x07"
    ):
        (offset,) = struct.unpack_from("<Q", data, locator + 8)
        if offset + 56 <= len(data) and data[offset : offset + 4] == b"PK\x06\x06":
            entries, directory_size = struct.unpack_from("<QQ", data, offset + 32)
    return entries, directory_size


def check_members(infos: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    """Refuse the whole archive if any member is dangerous; say which and why."""
    if len(infos) > limits.max_entries:
        raise _refuse(f"the archive has more than {limits.max_entries} files",
                      Problem.TOO_MANY_FILES, count=limits.max_entries)
    for info in infos:
        name = info.filename
        _check_name(name)
        if info.flag_bits & 0x1:
            raise _refuse(f"{shown_name(name)} is encrypted; upload the export as downloaded",
                          Problem.ENCRYPTED, file=shown_name(name))
        if name.lower().endswith(NESTED_SUFFIXES):
            raise _refuse(
                f"{shown_name(name)} is an archive inside the archive; nested archives are refused",
                Problem.NESTED_ARCHIVE, file=shown_name(name))
        if info.compress_type not in INFLATABLE:
            raise _refuse(f"{shown_name(name)} is packed in a way exports are not; refused",
                          Problem.PACKING, file=shown_name(name))


def _check_name(name: str) -> None:
    parts = name.replace("\\", "/").split("/")
    if name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":"):
        raise _refuse(f"{shown_name(name)!r} points outside the archive (path traversal); refused",
                      Problem.PATH_TRAVERSAL, file=shown_name(name))
    if "\x00" in name:
        raise _refuse("a file name in the archive contains a NUL byte; refused", Problem.NUL_NAME)


def is_zip(data: bytes) -> bool:
    """Tell a ZIP upload by its magic bytes, whatever its file name says."""
    return data[:4] in (b"PK\x03\x04", b"PK\x05\x06")


def shown_name(name: str) -> str:
    """Name a member in a message, shortened: a name may be 64 KB long."""
    return name if len(name) <= 120 else name[:117] + "..."


def _mb(size: int) -> str:
    return f"{size / MB:g} MB"


def _refuse(message: str, problem: Problem, **facts) -> SourceError:
    return SourceError(Failure.INVALID_EXPORT, message, problem, **facts)
