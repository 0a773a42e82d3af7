"""Data exports read in memory, and the archive checks that refuse hostile ZIPs."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

import pytest

from screening.sources.archives import ArchiveLimits
from screening.sources.errors import Failure, SourceError
from screening.sources.exports import read_export
from screening.sources.linkedin import repair_commentary
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import recorded

EXPORTED = datetime(2025, 8, 1, tzinfo=UTC)


def make_zip(files: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def read(name: str, data: bytes, **kwargs) -> list:
    return read_export(name, data, exported_at=EXPORTED, **kwargs)


def test_x_archive_zip_names_the_account_and_marks_retweets() -> None:
    data = make_zip(
        {
            "data/tweets.js": recorded("twitter/andreruffert-tweets.js"),
            "data/account.js": recorded("twitter/andreruffert-account.js"),
            "data/tweets_media/1.jpg": b"\xff\xd8\xff" + b"\0" * 100,
        }
    )
    posts = read("twitter-2022-11-10.zip", data)
    assert len(posts) == 50
    assert sum(not p.is_own for p in posts) == 17
    first = posts[0]
    assert first.source is SourceKind.X_ARCHIVE and first.account == "andreruffert"
    assert first.url == "https://x.com/andreruffert/status/1588091220244369409"
    assert first.text == "Good morning #LeadDevBerlin \U0001f44b"  # media link dropped
    assert first.published == datetime(2022, 11, 3, 8, 50, 26, tzinfo=UTC)
    assert all("t.co/" not in p.text for p in posts if p.is_own)
    assert {p.lang for p in posts} <= {"en", "de", None}


def test_bare_tweets_js_is_read() -> None:
    posts = read("tweets.js", recorded("twitter/andreruffert-tweets.js"))
    assert len(posts) == 50 and posts[0].url.startswith("https://x.com/i/web/status/")


@pytest.mark.parametrize(
    ("path", "count"),
    [
        ("linkedin/bsdpunk-resumetools-Profile.csv", 1),
        ("linkedin/bsdpunk-resumeconversion-Positions.csv", 15),
        ("linkedin/abhishekwebcode-Skills.csv", 1),
        ("linkedin/sanand0-Shares.csv", 202),
    ],
)
def test_linkedin_csv_files_are_read(path: str, count: int) -> None:
    posts = read(path.rsplit("-", 1)[-1], recorded(path))
    assert len(posts) == count
    assert all(p.source is SourceKind.LINKEDIN_EXPORT and p.is_own for p in posts)
    assert all(p.published <= EXPORTED for p in posts)


def test_linkedin_zip_and_renamed_csv_are_recognised() -> None:
    files = {
        "Profile.csv": recorded("linkedin/bsdpunk-resumetools-Profile.csv"),
        "Positions.csv": recorded("linkedin/bsdpunk-resumeconversion-Positions.csv"),
        "Skills.csv": recorded("linkedin/abhishekwebcode-Skills.csv"),
        "Shares.csv": recorded("linkedin/sanand0-Shares.csv"),
    }
    assert len(read("Basic_LinkedInDataExport.zip", make_zip(files))) == 219
    assert len(read("my-positions.csv", files["Positions.csv"])) == 15


def test_linkedin_share_quoting_is_repaired() -> None:
    posts = read("Shares.csv", recorded("linkedin/sanand0-Shares.csv"))
    first = posts[0]
    assert first.published == datetime(2025, 7, 1, 14, 33, 22, tzinfo=UTC)
    assert '"' not in first.text.split("\n")[0]
    assert "\nWHAT? A 10-day residential meditation." in first.text  # styled letters folded
    assert repair_commentary('say "hi"\nthere') == 'say "hi"\nthere'
    assert repair_commentary('one"\n""\n"two') == "one\n\ntwo"


def test_positions_are_dated_by_their_end() -> None:
    posts = read("Positions.csv", recorded("linkedin/bsdpunk-resumeconversion-Positions.csv"))
    current = next(p for p in posts if p.text.startswith("Sr Linux Engineer at PHS4J"))
    assert current.published == EXPORTED
    micfo = next(p for p in posts if "Micfo" in p.text)
    assert micfo.published == datetime(2017, 5, 1, tzinfo=UTC)


def test_mastodon_archive_keeps_public_posts_and_marks_boosts() -> None:
    outbox = recorded("mastodon/masto-export-philhawksworth-outbox.json")
    for name, data in [("outbox.json", outbox), ("archive.zip", make_zip({"outbox.json": outbox}))]:
        posts = read(name, data)
        assert len(posts) == 49
        assert sum(not p.is_own for p in posts) == 1
        assert {p.account for p in posts} == {"philhawksworth@indieweb.social"}


def test_window_applies_to_exports() -> None:
    tweets = recorded("twitter/andreruffert-tweets.js")
    since = datetime(2022, 11, 1, tzinfo=UTC)
    recent = read("tweets.js", tweets, window=Window(since))
    assert 0 < len(recent) < 50 and all(p.published >= since for p in recent)
    assert len(read("tweets.js", tweets, window=Window(limit=5))) == 5


SMALL = ArchiveLimits(max_file=4 * 1024 * 1024, ratio_floor=64 * 1024, max_entries=20)


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"data/tweets.js": b"\0" * (3 * 1024 * 1024)}, "ZIP bomb"),
        ({"../../etc/cron.d/x": b"x"}, "path traversal"),
        ({"/etc/passwd": b"x"}, "path traversal"),
        ({"C:/Windows/x.txt": b"x"}, "path traversal"),
        ({"data/inner.zip": b"PK\x03\x04"}, "nested"),
        ({"outbox.json.gz": b"x"}, "nested"),
        ({f"f{n}.txt": b"x" for n in range(25)}, "more than 20 files"),
        ({"readme.txt": b"hello"}, "not a recognised export"),
    ],
    ids=["bomb", "traversal", "absolute", "drive", "zip-in-zip", "gz", "many", "other"],
)
def test_hostile_or_unknown_archives_are_refused(files: dict[str, bytes], message: str) -> None:
    with pytest.raises(SourceError) as caught:
        read("upload.zip", make_zip(files), limits=SMALL)
    assert caught.value.failure is Failure.INVALID_EXPORT
    assert message in caught.value.message


def test_total_size_limit_counts_every_member_read() -> None:
    part = b"window.YTD.tweets.part0 = [" + b" " * (1024 * 1024) + b"]"
    files = {f"data/tweets-part{n}.js": part for n in range(4)}
    limits = ArchiveLimits(max_total=3 * 1024 * 1024, max_file=2 * 1024 * 1024)
    with pytest.raises(SourceError, match="the archive unpacks to more than 3 MB"):
        read("x.zip", make_zip(files, zipfile.ZIP_STORED), limits=limits)


def test_member_inflating_past_its_declared_size_is_refused() -> None:
    data = bytearray(make_zip({"data/tweets.js": b"window.YTD.tweets.part0 = []" + b" " * 5000}))
    # Shrink the declared size in the central directory only; the data itself says more.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (10).to_bytes(4, "little")
    with pytest.raises(SourceError) as caught:
        read("x.zip", bytes(data))
    assert caught.value.failure is Failure.INVALID_EXPORT


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("archive.zip", b"PK\x03\x04 truncated"),
        ("tweets.js", b"window.YTD.tweets.part0 = [ {broken"),
        ("outbox.json", b'{"type": "Note"}'),
        ("outbox.json", b"\xff\xfe not json"),
        ("Shares.csv", b"Date,Something\n1,2\n"),
        ("photo.png", b"\x89PNG\r\n"),
    ],
    ids=["bad-zip", "bad-js", "not-outbox", "not-json", "unknown-csv", "png"],
)
def test_malformed_exports_are_refused(name: str, data: bytes) -> None:
    with pytest.raises(SourceError) as caught:
        read(name, data)
    assert caught.value.failure is Failure.INVALID_EXPORT
