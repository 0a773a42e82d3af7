"""Tell listeners about every word the vocabulary sees for the first time.

spaCy computes a word's lexical attributes once, when its lexeme is created. Wrapping the
NORM getter turns that into a hook: components that classify words by rules (compound
parts, criteria inside hashtags) look at each new word once and add it to their
PhraseMatcher, so that per Doc no Python code runs over the tokens.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.attrs import NORM
from spacy.vocab import Vocab

Listener = Callable[[str], None]


class NormWatcher:
    """The vocabulary's NORM getter, calling listeners before the real getter."""

    def __init__(self, inner: Callable[[str], str]) -> None:
        self.inner = inner
        self.listeners: list[Listener] = []

    def __call__(self, text: str) -> str:
        for listener in self.listeners:
            listener(text)
        return self.inner(text)


def _watcher(vocab: Vocab) -> NormWatcher:
    current = vocab.lex_attr_getters.get(NORM)
    if not isinstance(current, NormWatcher):
        current = NormWatcher(current or str.lower)
        vocab.lex_attr_getters[NORM] = current
    return current


def set_norm_getter(vocab: Vocab, getter: Callable[[str], str]) -> None:
    """Replace the NORM getter, keeping the listeners."""
    _watcher(vocab).inner = getter


def watch(vocab: Vocab, listener: Listener) -> None:
    """Call `listener` with every new word from now on, and now with every known one."""
    _watcher(vocab).listeners.append(listener)
    for lexeme in list(vocab):
        listener(lexeme.orth_)


def unwatch(vocab: Vocab, listener: Listener) -> None:
    """Stop calling `listener`."""
    listeners = _watcher(vocab).listeners
    if listener in listeners:
        listeners.remove(listener)
