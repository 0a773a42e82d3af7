"""A lookup lemmatizer over spacy-lookups-data's `lemma_lookup` tables, resolved once per word.

spaCy's own `lemmatizer` in lookup mode looks every token up in Python, which costs two thirds
of the tokenizer's throughput. A lookup lemma depends on the word alone, so this component
looks it up once per vocabulary entry: it installs the table as the vocabulary's NORM getter
(every new lexeme gets its lemma as its norm, cached by spaCy), and per Doc copies the norms
into `token.lemma` with one array operation. Matchers may use either LEMMA or NORM.
"""

from __future__ import annotations

from functools import cache

from spacy.attrs import LEMMA, NORM
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import load_language_data, registry
from spacy.vocab import Vocab

from screening.classifier.newwords import set_norm_getter


@cache
def lookup_table(lang: str) -> dict[str, str]:
    """Return spacy-lookups-data's `lemma_lookup` for `lang`, lower-cased word -> lemma, read
    once per process (every pipeline of the language and redaction's dictionary share it)."""
    # Read the table file as a plain dict keyed by the word: building spaCy's hashed Table
    # costs most of the pipeline's load time.
    raw = load_language_data(registry.lookups.get(lang)["lemma_lookup"])
    return {word.lower(): lemma.lower() for word, lemma in raw.items()}


class LookupLemmatizer:
    """Give every token its lower-cased lookup lemma; unknown words keep their lower case."""

    def __init__(self, vocab: Vocab, name: str = "fairscreen_lemmatizer") -> None:
        self.vocab = vocab
        self.name = name
        self.table: dict[str, str] = {}

    def load_table(self, lang: str) -> None:
        """Load `lemma_lookup` for `lang` and make it the vocabulary's NORM (no network)."""
        table = lookup_table(lang)
        self.table = table

        def norm(text: str) -> str:
            lower = text.lower()
            return table.get(lower, lower)

        set_norm_getter(self.vocab, norm)
        for lexeme in self.vocab:
            lexeme.norm_ = norm(lexeme.orth_)

    def lemmatize(self, word: str) -> str:
        """Return the lookup lemma of one word."""
        return self.vocab[word].norm_

    def __call__(self, doc: Doc) -> Doc:
        if not self.table:
            self.load_table(doc.lang_)
        if len(doc):
            doc.from_array([LEMMA], doc.to_array([NORM]))
        return doc

    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Load the table when the pipeline is initialised rather than on first use."""
        self.load_table(nlp.lang if nlp is not None else self.vocab.lang)

    def to_disk(self, path, *, exclude=()) -> None:
        """Store nothing: the table comes from spacy-lookups-data on load."""

    def from_disk(self, path, *, exclude=()) -> LookupLemmatizer:
        """Reload the table from spacy-lookups-data."""
        self.load_table(self.vocab.lang)
        return self


@Language.factory("fairscreen_lemmatizer")
def make_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    """Build the once-per-word lookup lemmatizer."""
    return LookupLemmatizer(nlp.vocab, name)
