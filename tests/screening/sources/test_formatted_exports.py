"""Exports as tools leave them: formatted data files still give their posts; a broken
auxiliary file is left out with its name reported, a broken posts file is still refused."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from screening.sources import tolerant_json
from screening.sources.errors import Failure, SourceError
from screening.sources.exports import read_export, read_export_with_skips
from tests.screening.sources.conftest import recorded
from tests.screening.sources.test_exports import make_zip

BOM = b"\xef\xbb\xbf"
_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


def js(value: Any, indent: str = "") -> str:
    """Write a value as prettier writes a JavaScript literal (quoteProps as-needed,
    trailingComma all, the quote needing fewer escapes), written out independently of the
    reader under test."""
    inner = indent + "  "
    if isinstance(value, dict) and value:
        keys = [k if _IDENTIFIER.fullmatch(k) else js(k) for k in value]
        pairs = zip(keys, value.values(), strict=True)
        lines = [f"{inner}{k}: {js(v, inner)},\n" for k, v in pairs]
        return "{\n" + "".join(lines) + indent + "}"
    if isinstance(value, list) and value:
        return "[\n" + "".join(f"{inner}{js(v, inner)},\n" for v in value) + indent + "]"
    if isinstance(value, str) and value.count('"') > value.count("'"):
        return "'" + "".join(_single_quoted(c) for c in value) + "'"
    return json.dumps(value, ensure_ascii=False)


def _single_quoted(char: str) -> str:
    if char in "\\'":
        return "\\" + char
    if char < " " or "\ud800" <= char <= "\udfff":
        return f"\\u{ord(char):04x}"
    return char


def formatted_ytd(original: bytes) -> bytes:
    """Reformat a recorded `window.YTD` file as an editor would save it: BOM, CRLF, prettier."""
    prefix, _, body = original.decode("utf-8").partition(" = ")
    text = f"{prefix} = {js(json.loads(body))};\n".replace("\n", "\r\n")
    return BOM + text.encode("utf-8")


TWEETS = recorded("twitter/andreruffert-tweets.js")
ACCOUNT = recorded("twitter/andreruffert-account.js")


def test_the_formatted_files_really_are_what_a_formatter_writes() -> None:
    tweets = formatted_ytd(TWEETS).decode("utf-8")
    assert tweets.startswith("\ufeffwindow.YTD.tweets.part0 = [\r\n  {\r\n    tweet: {\r\n")
    assert "source: '<a href=\"http://twitter.com/download/iphone\"" in tweets
    assert ",\r\n]" in tweets and tweets.endswith("];\r\n")
    with pytest.raises(ValueError):
        json.loads(tweets.partition(" = ")[2].rstrip().rstrip(";"))


def test_a_formatted_x_archive_gives_the_same_posts() -> None:
    as_exported = {"data/tweets.js": TWEETS, "data/account.js": ACCOUNT}
    original = read_export("x.zip", make_zip(as_exported))
    files = {"data/tweets.js": formatted_ytd(TWEETS), "data/account.js": formatted_ytd(ACCOUNT)}
    read = read_export_with_skips("x.zip", make_zip(files))
    assert len(original) == 50 and read.posts == original and read.skipped == []
    assert read.posts[0].account == "andreruffert"


def test_a_formatted_bare_tweets_js_gives_the_same_posts() -> None:
    assert read_export("tweets.js", formatted_ytd(TWEETS)) == read_export("tweets.js", TWEETS)


def test_a_formatted_mastodon_outbox_gives_the_same_posts() -> None:
    outbox = recorded("mastodon/masto-export-philhawksworth-outbox.json")
    formatted = BOM + js(json.loads(outbox)).replace("\n", "\r\n").encode("utf-8")
    assert b"orderedItems: [" in formatted and b'"@context"' in formatted
    original = read_export("outbox.json", outbox)
    assert original and read_export("outbox.json", formatted) == original
    assert read_export("a.zip", make_zip({"outbox.json": formatted})) == original


@pytest.mark.parametrize(
    "account",
    [
        b"window.YTD.account.part0 = [ { account: { username: 'andreruffert' ",
        b"window.YTD.account.part0 = {}",
        b"var account = []",
        b"\xff\xfe\x00garbage",
    ],
    ids=["truncated", "not-a-list", "no-prefix", "not-utf8"],
)
def test_a_broken_account_js_leaves_the_posts_and_is_named(account: bytes) -> None:
    read = read_export_with_skips("x.zip", make_zip({"data/tweets.js": TWEETS,
                                                      "data/account.js": account}))
    assert len(read.posts) == 50 and read.skipped == ["data/account.js"]
    assert all(p.account == "x-archive" for p in read.posts)
    assert read.posts[0].url == "https://x.com/i/web/status/1588091220244369409"


def test_a_broken_tweets_js_is_still_refused_beside_a_good_account_js() -> None:
    broken = formatted_ytd(TWEETS)[:-2000]
    with pytest.raises(SourceError) as caught:
        read_export_with_skips("x.zip", make_zip({"data/tweets.js": broken,
                                                  "data/account.js": ACCOUNT}))
    assert caught.value.failure is Failure.INVALID_EXPORT
    assert caught.value.message == "data/tweets.js is not valid JSON after its prefix"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ('{a: "x, }", b_2: [1, 2,],}', {"a": "x, }", "b_2": [1, 2]}),
        ("{'k': 'it\\'s \"so\"'}", {"k": "it's \"so\""}),
        ('{"a:": "{b: 1,}",\r\n  $c: null,\r\n}', {"a:": "{b: 1,}", "$c": None}),
        ('[\r\n  "\\u00e9\\n",\r\n]', ["\u00e9\n"]),
    ],
)
def test_what_a_formatter_changes_is_read_and_strings_are_left_alone(text: str, value: Any) -> None:
    assert tolerant_json.loads(text) == value
    assert tolerant_json.loads(BOM + text.encode("utf-8")) == value


@pytest.mark.parametrize(
    "text",
    ["[1,,]", "[,]", "[ ,\r\n]", "{,}", "{a b: 1}", "[1 /* note */]", "// note\n[1]", "{a: 1",
     "'open", "{a: '\\x41'}", "[1] + [2]", "{a: undefined}", "", "[" * 100_000],
)
def test_what_is_not_json_stays_an_error(text: str) -> None:
    with pytest.raises(ValueError):
        tolerant_json.loads(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12) | st.sampled_from(['say "hi"', "it's", "\\'", '",}', "a: 1,]"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6) | st.from_regex(_IDENTIFIER, fullmatch=True), inner,
                      max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_any_value_a_formatter_wrote_reads_back(value: Any) -> None:
    assert tolerant_json.loads(js(value)) == value
    assert tolerant_json.loads(js(value).replace("\n", "\r\n")) == value
