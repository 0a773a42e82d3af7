"""Reduce untrusted HTML from posts and feeds to plain text."""

from __future__ import annotations

import html
import re
import unicodedata

import nh3

# Tags whose end (or, for <br>, presence) separates text; without a break here the words on
# either side would be glued together once the tags are gone.
_BREAKS = re.compile(
    r"<\s*(?:br|hr)\b[^>]*>|<\s*/\s*(?:p|div|li|h[1-6]|blockquote|pre|tr|td|th|dd|dt)\s*>",
    re.IGNORECASE,
)
# Elements whose content is not text a reader sees; an <iframe .../> written as if it closed
# itself swallows everything after it as raw text, so it is closed first.
_HIDDEN = {"script", "style", "iframe", "noembed", "noframes", "template", "xmp", "object"}
_SELF_CLOSED = re.compile(r"<\s*(iframe|object|noembed|noframes|xmp)\b([^>]*?)/\s*>", re.IGNORECASE)
# Lone surrogates arrive through JSON escapes ("\ud800"); they cannot be encoded, so nh3
# and any later UTF-8 write would fail on them.
_SURROGATES = re.compile("[\ud800-\udfff]")
# Control characters carry no words; C0 ones other than tab and line breaks are dropped.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# The most text of one post the classifier reads (spaCy refuses a million characters outright),
# and the most markup a reader reduces to get there (inline images may fill most of a page).
MAX_POST_CHARS = 10_000
MAX_SOURCE_CHARS = 200 * MAX_POST_CHARS


def html_to_text(markup: str) -> str:
    """Strip every tag (dropping script and style content) and decode entities."""
    markup = _SURROGATES.sub("\ufffd", markup[:MAX_SOURCE_CHARS])
    if "<" not in markup and "&" not in markup:
        return normalise_space(markup)
    marked = _BREAKS.sub("\n", _SELF_CLOSED.sub(r"<\1\2></\1>", markup))
    cleaned = nh3.clean(marked, tags=set(), clean_content_tags=_HIDDEN)
    return normalise_space(html.unescape(cleaned))


def normalise_space(text: str) -> str:
    """Fold compatibility characters (styled letters) and collapse spaces, keeping paragraphs."""
    text = _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text[:MAX_SOURCE_CHARS]))
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n"))
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def without_controls(text: str) -> str:
    """Drop C0 control characters (not tab or line breaks) and replace lone surrogates."""
    return _CONTROLS.sub("", _SURROGATES.sub("\ufffd", text))


def clip(text: str, limit: int = MAX_POST_CHARS) -> str:
    """Cut `text` to at most `limit` characters, at the last space if there is one near the end."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    return (cut[:space] if space > limit // 2 else cut[:limit]).rstrip()
