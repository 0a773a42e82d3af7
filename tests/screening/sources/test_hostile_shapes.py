"""Every reader fed the shapes an attacker would send: posts come back, or SourceError; no other.

The strategies follow each format's real field names, so the generated documents get past the
first type check and reach the code that reads nested fields, dates, links and text.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.sources import github, x_archive
from screening.sources.activitypub import PUBLIC, activities_to_posts
from screening.sources.bluesky import feed_item_post
from screening.sources.errors import UNEXPECTED, Failure, SourceError
from screening.sources.exports import read_export
from screening.sources.mastodon import status_post
from screening.sources.posts import MAX_ACCOUNT_CHARS, MAX_URL_CHARS, Post, SourceKind
from screening.sources.rss import parse_feed
from screening.sources.text import MAX_POST_CHARS
from screening.sources.x_archive import tweets_to_posts

EXAMPLES = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HUGE = "lorem ipsum " * 100_000  # 1.2 million characters, as in the attack
BIG = "lorem ipsum " * 1_000  # past the cap, small enough for hypothesis to print
BOM = b"\xef\xbb\xbf"

odd_strings = st.sampled_from([
    "", " ", "http://[", "http://[::1", "https://", "javascript:alert(1)", "//evil.example",
    "\x00", "\ud800", "\ufeff", "RT @someone", "<script>alert(1)</script>", "&#0;&amp;",
    "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "Mon Jan 01 00:00:00 +0100 0001",
    BIG, "x" * 5000, "a/" * 3000,
]) | st.text(max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | odd_strings,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=12,
)

POST = "Jan's post about his illness"


def either(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that is mostly well formed, sometimes any JSON value at all."""
    return st.one_of(good, good, json_values)


def shaped(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """An object with any subset of `fields`, each maybe of the wrong type; or no object."""
    obj = st.fixed_dictionaries({}, optional={k: either(v) for k, v in fields.items()})
    return st.one_of(obj, obj, obj, json_values)


iso_times = st.sampled_from(["2024-05-01T10:00:00Z", "2024-05-01T10:00:00.000+02:00",
                             "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
texts = st.one_of(odd_strings, st.text(max_size=200), st.just(BIG))
urls = st.one_of(odd_strings, st.sampled_from(["https://x.example/a", "https://t.co/abc"]))


def assert_posts(posts: Any) -> None:
    """What a reader gives is always a list of bounded posts in UTC."""
    assert isinstance(posts, list)
    for post in posts:
        assert isinstance(post, Post) and isinstance(post.text, str)
        assert len(post.text) <= MAX_POST_CHARS and "\x00" not in post.text
        assert isinstance(post.url, str) and len(post.url) <= MAX_URL_CHARS
        assert isinstance(post.account, str) and len(post.account) <= MAX_ACCOUNT_CHARS
        assert post.published.tzinfo is not None and post.published.utcoffset().total_seconds() == 0
        post.text.encode("utf-8")  # no lone surrogate survives


def posts_or_source_error(read: Any, *args: Any) -> None:
    """Posts, or the reader's own SourceError: not the safety net's, which would hide a bug."""
    try:
        posts = read(*args)
    except SourceError as error:
        assert error.message != UNEXPECTED
        return
    assert_posts(posts)


# X archive ---------------------------------------------------------------------------------

links = shaped(url=urls, expanded_url=urls, display_url=texts)
tweets = shaped(
    created_at=st.sampled_from(["Thu Nov 03 08:50:26 +0000 2022", "Mon Jan 01 00:00:00 +0100 0001",
                                "Fri Dec 31 23:59:59 -0100 9999"]),
    full_text=texts, text=texts, id_str=st.sampled_from(["1588091220244369409", "x", "1" * 40]),
    id=st.integers(), lang=st.sampled_from(["en", "nl", "und"]), retweeted=st.booleans(),
    entities=shaped(urls=st.lists(links, max_size=3), media=st.lists(links, max_size=3)),
)
archive_items = st.lists(st.one_of(tweets, st.fixed_dictionaries({"tweet": tweets})), max_size=4)
accounts_js = st.lists(shaped(account=shaped(username=st.sampled_from(["jan", "a b", "../x"]))),
                       max_size=2)


def ytd(thing: str, items: Any, prefix: bytes = b"") -> bytes:
    return prefix + f"window.YTD.{thing}.part0 = ".encode() + json.dumps(items).encode()


@EXAMPLES
@given(archive_items)
def test_archive_tweets_of_any_shape_become_posts_or_are_skipped(items: list[Any]) -> None:
    assert_posts(tweets_to_posts(items, None))
    assert_posts(tweets_to_posts(items, "jan"))


@EXAMPLES
@given(archive_items, accounts_js, st.sampled_from([b"", BOM, b"\xff\xfe", b"\xc3("]))
def test_x_archives_of_any_shape_give_posts_or_source_error(
    items: list[Any], account: list[Any], prefix: bytes
) -> None:
    posts_or_source_error(read_export, "tweets.js", ytd("tweets", items, prefix))
    archive = zip_bytes({"data/tweets.js": ytd("tweets", items, prefix),
                         "data/account.js": ytd("account", account)})
    posts_or_source_error(read_export, "twitter.zip", archive)


# ActivityPub: Mastodon archives and live outboxes ------------------------------------------

notes = shaped(content=texts, summary=texts, url=urls, id=urls, attributedTo=urls,
               contentMap=st.dictionaries(st.sampled_from(["en", "nl-NL", "x" * 50]), texts,
                                          max_size=2))
audiences = st.one_of(st.sampled_from(sorted(PUBLIC)), st.lists(json_values, max_size=2),
                      st.lists(st.sampled_from(sorted(PUBLIC)), max_size=2))
activities = shaped(type=st.sampled_from(["Create", "Announce", "Like"]), published=iso_times,
                    to=audiences, cc=audiences, actor=urls,
                    object=st.one_of(notes, urls, st.lists(json_values, max_size=2), st.integers()))
outboxes = shaped(type=st.just("OrderedCollection"),
                  orderedItems=st.lists(activities, max_size=4))


@EXAMPLES
@given(st.lists(activities, max_size=4))
def test_activities_of_any_shape_become_posts_or_are_skipped(items: list[Any]) -> None:
    assert_posts(activities_to_posts(items, "jan@x.example", SourceKind.ACTIVITYPUB))


@EXAMPLES
@given(outboxes, st.sampled_from([b"", BOM, b"\xff", b"\xc3("]))
def test_mastodon_archives_of_any_shape_give_posts_or_source_error(
    outbox: Any, prefix: bytes
) -> None:
    data = prefix + json.dumps(outbox).encode()
    posts_or_source_error(read_export, "outbox.json", data)
    posts_or_source_error(read_export, "archive.zip", zip_bytes({"outbox.json": data}))


# Mastodon API, Bluesky, GitHub -------------------------------------------------------------

statuses = shaped(visibility=st.sampled_from(["public", "unlisted", "private"]),
                  created_at=iso_times, content=texts, spoiler_text=texts, url=urls, uri=urls,
                  language=st.sampled_from(["en", "nl", "x" * 40]),
                  reblog=shaped(content=texts, url=urls, language=st.just("en")))


@EXAMPLES
@given(statuses)
def test_mastodon_statuses_of_any_shape(status: Any) -> None:
    post = status_post(status, "jan@x.example")
    assert_posts([] if post is None else [post])


records = shaped(text=texts, createdAt=iso_times, langs=st.lists(json_values, max_size=2))
feed_items = shaped(
    post=shaped(record=records, uri=st.sampled_from(["at://did:plc:x/app.bsky.feed.post/3k", "x"]),
                indexedAt=iso_times, author=shaped(did=st.just("did:plc:x"), handle=texts)),
    reason=shaped(**{"$type": st.just("app.bsky.feed.defs#reasonRepost"), "indexedAt": iso_times}),
)


@EXAMPLES
@given(feed_items)
def test_bluesky_feed_items_of_any_shape(item: Any) -> None:
    post = feed_item_post(item, "did:plc:x", "jan.bsky.social")
    assert_posts([] if post is None else [post])


bodies = shaped(body=texts, title=texts, html_url=urls, name=texts)
payloads = shaped(action=st.just("opened"), comment=bodies, issue=bodies, pull_request=bodies,
                  release=bodies, review=bodies,
                  commits=st.lists(shaped(message=texts, sha=texts,
                                          author=shaped(name=st.just("jan"))), max_size=3))
events = shaped(type=st.sampled_from(sorted(github._HANDLERS)), created_at=iso_times,
                payload=payloads, repo=shaped(name=texts))
repos = shaped(description=texts, name=texts, html_url=urls, fork=st.booleans(),
               pushed_at=iso_times, created_at=iso_times)


@EXAMPLES
@given(st.lists(events, max_size=4), st.lists(repos, max_size=3), urls)
def test_github_events_and_repositories_of_any_shape(
    event_list: list[Any], repo_list: list[Any], html_url: Any
) -> None:
    web = github._origin(html_url) or "https://github.com"
    assert_posts(github._EventReader("jan", web, {"jan"}).posts(event_list))
    assert_posts(github._repo_posts("jan")(repo_list))


# RSS and Atom, LinkedIn CSV ----------------------------------------------------------------

xml_texts = st.one_of(texts, st.sampled_from(["<![CDATA[<p>x</p>]]>", "&lt;b&gt;", "&#0;"]))
feed_dates = st.sampled_from(["Mon, 01 Jan 0001 00:00:00 +0100", "Fri, 31 Dec 9999 23:59:59 -0100",
                              "Thu, 03 Nov 2022 08:50:26 GMT", "2022-11-03T08:50:26Z", "never"])


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


@EXAMPLES
@given(st.lists(st.tuples(xml_texts, xml_texts, feed_dates, urls), max_size=3),
       st.sampled_from([b"", BOM, b"\xff\xfe"]), st.booleans(), st.binary(max_size=8))
def test_feeds_of_any_shape(
    entries: list[tuple[str, str, str, str]], prefix: bytes, atom: bool, junk: bytes
) -> None:
    if atom:
        items = "".join(f"<entry><title>{xml_escape(t)}</title><content type='html'>"
                        f"{xml_escape(b)}</content><updated>{d}</updated>"
                        f"<link href='{xml_escape(u)}'/></entry>" for t, b, d, u in entries)
        doc = f'<feed xmlns="http://www.w3.org/2005/Atom">{items}</feed>'
    else:
        items = "".join(f"<item><title>{xml_escape(t)}</title><description>{xml_escape(b)}"
                        f"</description><pubDate>{d}</pubDate><link>{xml_escape(u)}</link></item>"
                        for t, b, d, u in entries)
        doc = f'<rss version="2.0"><channel>{items}</channel></rss>'
    data = prefix + doc.encode("utf-8", "surrogatepass") + junk
    posts_or_source_error(parse_feed, data, "https://blog.example/feed")


linkedin_headers = st.sampled_from([
    ["Date", "ShareLink", "ShareCommentary"], ["First Name", "Last Name", "Headline", "Summary"],
    ["Company Name", "Title", "Started On", "Finished On", "Description"], ["Name"], ["x"],
])


@EXAMPLES
@given(linkedin_headers, st.lists(st.lists(texts | st.sampled_from(["2024-05-01 10:00:00",
                                                                     "Jan 0001", "2024-13"]),
                                           max_size=6), max_size=3),
       st.sampled_from([b"", BOM, b"\xff\xfe"]), st.sampled_from(["Shares.csv", "x.zip"]))
def test_linkedin_files_of_any_shape(
    header: list[str], rows: list[list[str]], prefix: bytes, name: str
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [header, *rows]:
        writer.writerow(row)
    data = prefix + buffer.getvalue().encode("utf-8", "surrogatepass")
    if name.endswith(".zip"):
        data = zip_bytes({"Basic_LinkedInDataExport/Shares.csv": data})
    posts_or_source_error(read_export, name, data)


# The shapes the attack found, one by one ---------------------------------------------------

ATTACKS = {
    "entities-list": ytd("tweets", [{"tweet": {"created_at": "Thu Nov 03 08:50:26 +0000 2022",
                                               "full_text": "hi", "entities": [{"urls": []}]}}]),
    "entities-string": ytd("tweets", [{"tweet": {"created_at": "Thu Nov 03 08:50:26 +0000 2022",
                                                 "full_text": "hi", "entities": "urls"}}]),
}


def outbox_of(*items: dict[str, Any]) -> bytes:
    return json.dumps({"type": "OrderedCollection", "orderedItems": list(items)}).encode()


PUBLIC_TO = ["https://www.w3.org/ns/activitystreams#Public"]
ATTACKS |= {
    "announce-list": outbox_of({"type": "Announce", "published": "2024-05-01T10:00:00Z",
                                "to": PUBLIC_TO, "object": ["https://x.example/1"]}),
    "announce-number": outbox_of({"type": "Announce", "published": "2024-05-01T10:00:00Z",
                                  "to": PUBLIC_TO, "object": 5}),
    "actor-broken-url": outbox_of({"type": "Create", "published": "2024-05-01T10:00:00Z",
                                   "to": PUBLIC_TO, "actor": "http://[",
                                   "object": {"content": "<p>hello</p>"}}),
    "million-characters": outbox_of({"type": "Create", "published": "2024-05-01T10:00:00Z",
                                     "to": PUBLIC_TO, "object": {"content": HUGE}}),
}


@pytest.mark.parametrize("data", ATTACKS.values(), ids=ATTACKS.keys())
def test_the_attack_run_shapes_are_read(data: bytes) -> None:
    name = "tweets.js" if data.startswith(b"window") else "outbox.json"
    posts = read_export(name, data)
    assert len(posts) == 1
    assert_posts(posts)
    assert posts[0].published.tzinfo is UTC


def test_a_million_characters_are_cut_at_a_word_boundary() -> None:
    posts = read_export("outbox.json", ATTACKS["million-characters"])
    assert 9_000 < len(posts[0].text) <= MAX_POST_CHARS
    assert posts[0].text.endswith("ipsum") or posts[0].text.endswith("lorem")


def test_a_reader_bug_is_a_clear_error_and_no_post_reaches_the_log(monkeypatch, caplog) -> None:
    def broken(items: Any, username: Any) -> list[Post]:
        raise AttributeError(POST)  # the frames are logged: a literal would show

    monkeypatch.setattr(x_archive, "tweets_to_posts", broken)
    with pytest.raises(SourceError) as caught:
        read_export("tweets.js", ytd("tweets", []))
    assert caught.value.failure is Failure.INVALID_EXPORT and caught.value.message == UNEXPECTED
    assert "AttributeError" in caplog.text and "illness" not in caplog.text


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_nul_in_a_linkedin_skill_never_reaches_a_post():
    """Found by hypothesis: the skills were joined as they were, NUL and all."""
    data = b"Name\r\n\x00\r\nPython\r\n"
    posts = read_export("Skills.csv", data)
    assert_posts(posts)
    assert [post.text for post in posts] == ["Skills: Python"]
