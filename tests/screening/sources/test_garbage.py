"""Whatever bytes arrive, parsers either give posts or raise SourceError, nothing else."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.sources.bluesky import feed_item_post
from screening.sources.errors import SourceError
from screening.sources.exports import read_export
from screening.sources.mastodon import status_post
from screening.sources.rss import parse_feed
from screening.sources.text import html_to_text

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
FEED_START = b'<?xml version="1.0"?><rss version="2.0"><channel><item><title>'


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["x.zip", "tweets.js", "outbox.json", "a.csv"]))
def test_exports_raise_only_source_errors(data: bytes, name: str) -> None:
    try:
        read_export(name, data)
    except SourceError:
        pass


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=400))
def test_feeds_raise_only_source_errors(tail: bytes) -> None:
    try:
        parse_feed(FEED_START + tail, "https://blog.example/feed")
    except SourceError:
        pass


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_odd_json_shapes_are_skipped_not_crashed_on(value: object) -> None:
    status_post(value, "a@b.example")
    feed_item_post(value, "did:plc:x", "a.bsky.social")
    feed_item_post({"post": value}, "did:plc:x", "a.bsky.social")


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_characters="<"), max_size=200))
def test_text_never_keeps_a_script_element(noise: str) -> None:
    # Without "<" the noise cannot open a raw-text element that would turn the script into text.
    out = html_to_text(f"{noise}<script>alert(1)</script>{noise}")
    assert "alert(1)" not in out or "alert(1)" in noise


@pytest.mark.parametrize("data", [b"5", b"[]", b'"outbox"', b"null"])
def test_an_outbox_that_is_not_an_object_is_an_invalid_export(data: bytes) -> None:
    with pytest.raises(SourceError, match="not an ActivityPub outbox"):
        read_export("outbox.json", data)
