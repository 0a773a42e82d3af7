"""Feeds: the recorded real ones, and hostile XML."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from screening.sources import rss
from screening.sources.errors import Failure, SourceError
from screening.sources.http import GuardedClient
from screening.sources.posts import SourceKind, Window
from tests.screening.sources.conftest import RecordedServer, recorded

FEEDS = [
    ("rss/rsparser-natasha-wordpress.xml", "application/rss+xml; charset=UTF-8", 10),
    ("rss/rsparser-489-medium.rss", "text/xml; charset=UTF-8", 10),
    ("rss/rsparser-rubenerd-hugo.rss", "application/rss+xml", 10),
    ("atom/rsparser-daringfireball.atom", "application/atom+xml", 48),
    ("atom/rsparser-onefoottsunami-wordpress.atom", "application/atom+xml", 25),
    ("atom/rsparser-4fsodonline-blogger.atom", "application/atom+xml; charset=UTF-8", 25),
]
EVERYTHING = Window(limit=10_000)


def fetch(guarded: GuardedClient, url: str, window: Window = EVERYTHING) -> list:
    return list(rss.fetch(guarded, url, window))


@pytest.mark.parametrize(("path", "content_type", "entries"), FEEDS)
def test_recorded_feeds_become_plain_text_posts(
    server: RecordedServer, guarded: GuardedClient, path: str, content_type: str, entries: int
) -> None:
    url = server.serve("/feed", recorded(path), content_type)
    posts = fetch(guarded, url)
    assert len(posts) == entries
    for post in posts:
        assert post.source is SourceKind.RSS and post.account == url and post.is_own
        assert post.published.tzinfo is UTC
        assert post.text and post.url.startswith("http")
        assert "<p>" not in post.text and "&amp;" not in post.text and "&#8217;" not in post.text
    assert [p.published for p in posts] == sorted((p.published for p in posts), reverse=True)


def test_html_entities_are_decoded_and_paragraphs_kept(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    url = server.serve("/df", recorded("atom/rsparser-daringfireball.atom"), "application/atom+xml")
    first = fetch(guarded, url)[0]
    assert first.text.startswith("The Talk Show: \u2018I Do Like Throwing a Baby\u2019\n\n")
    assert "America\u2019s favorite 3-star podcast" in first.text
    assert first.lang == "en"
    assert first.published == datetime(2017, 6, 27, 0, 54, 17, tzinfo=UTC)


def test_window_and_limit_apply(server: RecordedServer, guarded: GuardedClient) -> None:
    url = server.serve("/df", recorded("atom/rsparser-daringfireball.atom"), "application/atom+xml")
    since = datetime(2017, 6, 20, tzinfo=UTC)
    recent = fetch(guarded, url, Window(since=since))
    assert recent and all(p.published >= since for p in recent)
    assert len(recent) < 48
    assert len(fetch(guarded, url, Window(limit=5))) == 5


ITEM = "<item><title>t</title><link>https://blog.example/1</link>"
DATE = "<pubDate>Tue, 10 Jan 2023 21:53:01 +0000</pubDate>"


def feed(item_body: str, prolog: str = '<?xml version="1.0" encoding="utf-8"?>') -> bytes:
    return (
        f'{prolog}<rss version="2.0"><channel><title>x</title>{item_body}</channel></rss>'.encode()
    )


def test_scripts_and_styles_are_dropped(server: RecordedServer, guarded: GuardedClient) -> None:
    html = (
        "&lt;p&gt;Hello&lt;script&gt;alert(1)&lt;/script&gt;"
        "&lt;style&gt;p{}&lt;/style&gt; world&lt;/p&gt;"
    )
    body = feed(f"{ITEM}{DATE}<description>{html}</description></item>")
    [post] = fetch(guarded, server.serve("/f", body, "application/rss+xml"))
    assert post.text == "t\n\nHello world"


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><pubDate>Tue, 10 Jan 2023 21:53:01 +0000</pubDate></item>
</channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title>
<item><title>&secret;</title><pubDate>Tue, 10 Jan 2023 21:53:01 +0000</pubDate></item>
</channel></rss>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused(
    server: RecordedServer, guarded: GuardedClient, body: str
) -> None:
    url = server.serve("/evil", body.encode(), "application/rss+xml")
    with pytest.raises(SourceError) as caught:
        fetch(guarded, url)
    assert caught.value.failure is Failure.GARBAGE


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"not": "a feed"}', "application/json"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"),
        (b"", "application/rss+xml"),
        (b"<!doctype html><html><body><h1>Blog</h1><p>Hi</p></body></html>", "text/html"),
    ],
    ids=["json", "png", "empty", "html-page"],
)
def test_non_feeds_are_garbage(
    server: RecordedServer, guarded: GuardedClient, body: bytes, content_type: str
) -> None:
    url = server.serve("/nf", body, content_type)
    with pytest.raises(SourceError) as caught:
        fetch(guarded, url)
    assert caught.value.failure is Failure.GARBAGE


def test_truncated_feed_keeps_what_was_complete(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    whole = recorded("rss/rsparser-rubenerd-hugo.rss")
    url = server.serve("/cut", whole[: len(whole) // 2], "application/rss+xml")
    posts = fetch(guarded, url)
    assert 0 < len(posts) < 10
    assert all(p.published.tzinfo is UTC for p in posts)


def test_latin1_feed_is_decoded(server: RecordedServer, guarded: GuardedClient) -> None:
    text = f"{ITEM}{DATE}<description>Caf\u00e9 cr\u00e8me \u00e0 Li\u00e8ge</description></item>"
    body = feed(text, '<?xml version="1.0" encoding="ISO-8859-1"?>').decode().encode("latin-1")
    [post] = fetch(guarded, server.serve("/l1", body, "application/rss+xml"))
    assert post.text.endswith("Caf\u00e9 cr\u00e8me \u00e0 Li\u00e8ge")


def test_charset_from_the_content_type_is_used(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    text = f"{ITEM}{DATE}<description>\u201cquoted\u201d \u20ac5</description></item>"
    body = feed(text, '<?xml version="1.0"?>').decode().encode("windows-1252")
    url = server.serve("/cp", body, "text/xml; charset=windows-1252")
    [post] = fetch(guarded, url)
    assert post.text.endswith("\u201cquoted\u201d \u20ac5")


def test_undated_entries_are_left_out(server: RecordedServer, guarded: GuardedClient) -> None:
    body = feed(f"{ITEM}</item>{ITEM}{DATE}</item>")
    assert len(fetch(guarded, server.serve("/u", body, "application/rss+xml"))) == 1


MASTODON_RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0"
 xmlns:media="http://search.yahoo.com/mrss/">
<channel><title>Jan</title><description>Public posts from @jan@social.example</description>
<link>https://social.example/@jan</link>
<item><guid isPermaLink="true">https://social.example/@jan/111</guid>
<link>https://social.example/@jan/111</link><pubDate>Sat, 11 Nov 2023 10:00:00 +0000</pubDate>
<description>&lt;p&gt;Nieuwe &lt;a href="https://social.example/tags/python"
 class="mention hashtag"&gt;#&lt;span&gt;python&lt;/span&gt;&lt;/a&gt; release&lt;/p&gt;
</description>
<media:content url="https://files.social.example/a.png" type="image/png"/>
<category>python</category></item>
</channel></rss>"""


def test_mastodon_profile_feed_without_titles(
    server: RecordedServer, guarded: GuardedClient
) -> None:
    url = server.serve("/@jan.rss", MASTODON_RSS.encode(), "application/rss+xml; charset=utf-8")
    [post] = fetch(guarded, url)
    assert post.text == "Nieuwe #python release"
    assert post.url == "https://social.example/@jan/111"
    assert post.published == datetime(2023, 11, 11, 10, tzinfo=UTC)
