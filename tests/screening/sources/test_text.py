"""Untrusted HTML reduced to plain text."""

import pytest

from screening.sources.text import html_to_text

CASES = [
    ("<p>one</p><p>two</p>", "one\ntwo"),
    ("a<br>b<br/>c", "a\nb\nc"),
    ("Fish &amp; chips &#8217; &eacute; &lt;b&gt;", "Fish & chips \u2019 \u00e9 <b>"),
    ("&amp;lt;script&amp;gt;", "&lt;script&gt;"),
    ("<script>alert(1)</script>kept<style>p { color: red }</style>", "kept"),
    ("<img src=x onerror=alert(1)>caption", "caption"),
    ("before <iframe src='https://evil.example' /> after", "before after"),
    ("before <iframe src='x'>inner</iframe> after", "before after"),
    ("<!-- hidden -->shown", "shown"),
    ("<p>  lots   of\t\tspace  </p>", "lots of space"),
    ("\U0001d5ea\U0001d5db\U0001d5d4\U0001d5e7 plain", "WHAT plain"),
    ("<a href='javascript:x'>link text</a>", "link text"),
    ("unclosed <b>bold", "unclosed bold"),
    ("<p>lone \ud800 surrogate</p>", "lone \ufffd surrogate"),
]


@pytest.mark.parametrize(("markup", "text"), CASES)
def test_html_becomes_plain_text(markup: str, text: str) -> None:
    assert html_to_text(markup) == text
