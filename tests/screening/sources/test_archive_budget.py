"""Attacks on the archive budget: ZIP bombs built here, stopped while they inflate."""

from __future__ import annotations

import io
import json
import random
import struct
import tracemalloc
import zipfile

import pytest

from screening.sources.archives import CHUNK, MB, ArchiveLimits
from screening.sources.errors import Failure, SourceError
from screening.sources.exports import read_export


def zip_of(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED, level: int = 9) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method, compresslevel=level) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def tweets_part(n: int, padding: int) -> bytes:
    """A valid X archive part: JSON whitespace is as good a filling as any."""
    return f"window.YTD.tweets.part{n} = [".encode() + b" " * padding + b"]"


@pytest.fixture
def inflated(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the bytes zipfile really inflates (a spy: every read still happens as it would)."""
    counted = [0]
    real_read = zipfile.ZipExtFile.read

    def read(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = real_read(self, n)
        counted[0] += len(data)
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", read)
    return counted


def refused_with_peak(data: bytes, limits: ArchiveLimits | None = None) -> tuple[str, int]:
    """Read `data` as an upload; return the refusal and the most memory it ever held."""
    tracemalloc.start()
    try:
        with pytest.raises(SourceError) as caught:
            read_export("upload.zip", data, limits=limits)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert caught.value.failure is Failure.INVALID_EXPORT
    return caught.value.message, peak


def test_bomb_of_small_members_stops_at_the_archive_ratio(inflated: list[int]) -> None:
    # The attack: about a hundred 1 MB parts, each too small for the old per-member ratio check.
    bomb = zip_of({f"data/tweets-part{n}.js": tweets_part(n, MB) for n in range(100)})
    assert len(bomb) < 200 * 1024
    message, peak = refused_with_peak(bomb)
    assert "more than 100 times its own size; refused as a ZIP bomb" in message
    # Stopped at 100 times the upload, a chunk at most past it: not at the end, nor at 64 MB.
    assert inflated[0] <= 100 * len(bomb) + CHUNK
    assert peak < 8 * MB


def test_one_member_bomb_stops_at_the_file_cap_not_at_its_end(inflated: list[int]) -> None:
    bomb = zip_of({"data/tweets.js": tweets_part(0, 100 * MB)})
    limits = ArchiveLimits(max_file=2 * MB, max_total=1024 * MB, max_ratio=10**9)
    message, peak = refused_with_peak(bomb, limits)
    assert "data/tweets.js unpacks to more than 2 MB" in message
    assert inflated[0] <= 2 * MB + CHUNK
    assert peak < 8 * MB


def test_total_cap_holds_where_every_member_and_the_ratio_pass(inflated: list[int]) -> None:
    # Stored, so the ratio is 1: only the total can stop these four 1 MB parts.
    files = {f"data/tweets-part{n}.js": tweets_part(n, MB) for n in range(4)}
    limits = ArchiveLimits(max_total=3 * MB, max_file=2 * MB)
    message, _peak = refused_with_peak(zip_of(files, zipfile.ZIP_STORED), limits)
    assert "the archive unpacks to more than 3 MB" in message
    assert inflated[0] <= 3 * MB + CHUNK


def test_default_budget_reads_a_real_sized_export() -> None:
    # Real archives compress about 10:1. Eight parts of 2.5 MB of varied tweets: 20 million
    # bytes of text from a few MB of upload pass every default bound.
    rng = random.Random(14)
    stems = ("deploy", "review", "python", "koffie", "team")
    words = [f"{w}{n}" for w in stems for n in range(400)]
    parts, count = {}, 0
    for n in range(8):
        tweets, size = [], 0
        while size < 2_500_000:
            count += 1
            text = " ".join(rng.choices(words, k=30))
            tweets.append(json.dumps({"tweet": {
                "created_at": "Thu Nov 03 08:50:26 +0000 2022", "id_str": str(count),
                "full_text": text, "entities": {"urls": [], "media": []}}}))
            size += len(tweets[-1])
        body = f"window.YTD.tweets.part{n} = [" + ",".join(tweets) + "]"
        parts[f"data/tweets-part{n}.js"] = body.encode()
    upload = zip_of(parts, level=1)
    assert sum(map(len, parts.values())) > 20_000_000 and len(upload) > 2 * MB
    assert len(read_export("twitter.zip", upload)) == count


def test_photos_are_never_inflated_so_they_cost_nothing() -> None:
    files = {
        "data/tweets.js": tweets_part(0, 10),
        "data/tweets_media/1.jpg": bytes(range(256)) * 8192,  # 2 MB, never read
    }
    limits = ArchiveLimits(max_total=1 * MB, max_file=1 * MB)
    assert read_export("twitter.zip", zip_of(files, zipfile.ZIP_STORED), limits=limits) == []


def test_too_many_entries_are_refused() -> None:
    archive = zip_of({f"data/tweets_media/{n}.jpg": b"" for n in range(2_001)})
    with pytest.raises(SourceError, match="more than 2000 files"):
        read_export("upload.zip", archive)


def lie_about_entries(data: bytes, count: int) -> bytes:
    """Write `count` into the end record's entry counts; the directory itself stays as it is."""
    data = bytearray(data)
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, count, count)
    return bytes(data)


def test_an_end_record_that_understates_its_entries_is_still_counted() -> None:
    archive = lie_about_entries(zip_of({f"{n}.txt": b"" for n in range(30)}), 1)
    with pytest.raises(SourceError, match="more than 20 files"):
        read_export("upload.zip", archive, limits=ArchiveLimits(max_entries=20))


def test_a_huge_directory_is_refused_before_it_is_parsed() -> None:
    # 4,000 entries with 600-character names: 2.5 MB of directory behind an end record saying 1.
    names = {f"{n:04d}" + "x" * 596: b"" for n in range(4_000)}
    archive = lie_about_entries(zip_of(names, zipfile.ZIP_STORED), 1)
    limits = ArchiveLimits(max_entries=1_000)
    message, peak = refused_with_peak(archive, limits)
    assert "more than 1000 files" in message
    # zipfile would hold 4,000 ZipInfo objects with their names; refused, it never builds one.
    assert peak < len(archive) + 512 * 1024


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_methods_that_inflate_without_bound_are_refused(method: int) -> None:
    archive = zip_of({"data/tweets.js": tweets_part(0, 10)}, method)
    with pytest.raises(SourceError, match="packed in a way exports are not"):
        read_export("upload.zip", archive)


def test_a_member_that_declares_less_than_it_holds_is_refused() -> None:
    data = bytearray(zip_of({"data/tweets.js": tweets_part(0, 5 * MB)}))
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 10)  # uncompressed size: 10 bytes
    with pytest.raises(SourceError, match="cannot be read"):
        read_export("upload.zip", bytes(data))


def test_a_single_file_over_the_file_cap_is_refused_unread() -> None:
    with pytest.raises(SourceError, match="larger than"):
        read_export("tweets.js", tweets_part(0, 2 * MB), limits=ArchiveLimits(max_file=MB))


def test_limits_come_from_the_configuration() -> None:
    limits = ArchiveLimits.from_config({
        "MAX_CONTENT_LENGTH": 10 * MB, "EXPORT_MAX_UNPACKED_MB": 8, "EXPORT_MAX_FILE_MB": 4,
        "EXPORT_MAX_ENTRIES": 50, "EXPORT_MAX_RATIO": 20,
    })
    assert limits == ArchiveLimits(max_upload=10 * MB, max_entries=50, max_total=8 * MB,
                                   max_file=4 * MB, max_ratio=20.0)
    assert ArchiveLimits.from_config({}) == ArchiveLimits()


@pytest.mark.parametrize(("name", "data"), [
    ("tweets.js", b"window.YTD.tweets.part0 = [" + b"{}," * 400_000 + b"{}]"),
    ("outbox.json", b'{"type": "OrderedCollection", "orderedItems": [' + b"[]," * 400_000
     + b"[]]}"),
], ids=["x-archive", "mastodon-archive"])
def test_json_dense_with_empty_objects_is_refused_before_it_is_parsed(name, data) -> None:
    # 1.2 MB that json.loads would turn into some 30 MB of empty objects.
    tracemalloc.start()
    try:
        with pytest.raises(SourceError, match="far more nested items than any real export"):
            read_export(name, data)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MB


def test_a_csv_of_endless_short_rows_is_refused() -> None:
    skills = b"Name\n" + b"a\n" * 100_001
    with pytest.raises(SourceError, match="Skills.csv has more than 100000 rows"):
        read_export("Skills.csv", skills)
