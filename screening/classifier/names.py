"""First names and surnames for redaction, from Faker's person providers (MIT licence).

Faker ships curated first-name lists with their sex and surname lists per locale; we take
the locales of the market (NL, BE, UK, IE, US) and those of its largest communities.
Redaction also reads lexicons/redaction/names.yaml: names those lists miss (Jurre, Thanh).
"""

from __future__ import annotations

import importlib
from functools import cache

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.nl.stop_words import STOP_WORDS as NL_STOP_WORDS
from spacy.util import load_language_data, registry

from screening.classifier.lemmatizer import lookup_table
from screening.classifier.lexicon import load_mapping, load_word_list

_LOCALES = (
    "nl_NL", "nl_BE", "en_GB", "en_IE", "en_US", "en_IN", "fr_FR", "fr_BE", "de_DE",
    "es_ES", "it_IT", "pt_PT", "pl_PL", "tr_TR", "ar_AA", "en_NG", "da_DK", "sv_SE",
)
# Words that are first names in some list but mostly mean something else in our posts.
_NOT_NAMES = frozenset(
    "will may june april august mark bill grace hope joy faith rose iris ruby julia crystal "
    "page dawn summer autumn chase hunter sterling miles bob pat art dean major angel "
    "paris florence sydney victoria jordan austin dallas chelsea lincoln houston georgia "
    "mercedes jade amber holly ivy lily daisy olive violet pearl ginger robin sky "
    "van de der den ter het een en of".split()
)
_PARTICLES = frozenset("van de der den ter het een en of".split())


@cache
def _provider(locale: str):
    try:
        return importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ImportError:
        return None


def _lower_set(values) -> set[str]:
    """Lower-case single-word names; 'de Vries' and 'van den Berg' give 'vries' and 'berg'."""
    names = set()
    for value in values or ():
        word = str(value).split()[-1].lower() if str(value).strip() else ""
        if word.isalpha() or "'" in word:
            names.add(word)
    return names


@cache
def first_names() -> dict[str, str]:
    """Return lower-case first name -> 'male', 'female' or 'unknown'."""
    genders: dict[str, str] = {}
    for locale in _LOCALES:
        provider = _provider(locale)
        if provider is None:
            continue
        male = _lower_set(getattr(provider, "first_names_male", ()))
        female = _lower_set(getattr(provider, "first_names_female", ()))
        for name in male | female:
            sex = "male" if name in male and name not in female else "female"
            if name in male and name in female:
                sex = "unknown"
            if genders.get(name, sex) != sex:
                sex = "unknown"
            genders[name] = sex
    for word in _NOT_NAMES:
        genders.pop(word, None)
    return genders


@cache
def surnames() -> frozenset[str]:
    """Return lower-case surnames (single words)."""
    names: set[str] = set()
    for locale in _LOCALES:
        provider = _provider(locale)
        if provider is not None:
            names |= _lower_set(getattr(provider, "last_names", ()))
    return frozenset(names - _NOT_NAMES)


@cache
def context_first_names() -> frozenset[str]:
    """Return the lower-case first names the generated lists lack that decide what is withheld
    (`context/first_names.yaml`: the context rules read them, and redaction too)."""
    return frozenset(str(word).lower() for word in load_word_list("context/first_names.yaml"))


@cache
def given_names() -> frozenset[str]:
    """Return every lower-case first name redaction knows, sex or not: the generated lists,
    redaction's own (`redaction/names.yaml`) and the context rules' (`context_first_names`)."""
    extra = load_mapping("redaction/names.yaml")["first_names"]
    return frozenset({str(name).lower() for name in extra}
                     | context_first_names() | first_names().keys())


@cache
def name_words() -> frozenset[str]:
    """Return every lower-case first name and surname redaction knows."""
    extra = load_mapping("redaction/names.yaml")["surnames"]
    return frozenset({str(name).lower() for name in extra} | given_names() | surnames())


def dictionary_words() -> frozenset[str]:
    """Return the lower-case words of Dutch and English that spacy-lookups-data's lemma tables
    and spaCy's stop words know, and names.yaml's `words_in_lower_case`, less its `not_words`
    (names the tables list that are no word: 'lotte', 'daan'): names that are also words are
    among them ('jan', 'roos', 'noel'). Not cached: the lemma tables are (see
    `lookup_table`); the rest is read once by redaction, which keeps only what it derives."""
    words = set(EN_STOP_WORDS) | set(NL_STOP_WORDS)
    for lang in ("en", "nl"):
        table = lookup_table(lang)  # the lemmatizer's, already read in a classifying process
        words.update(table)
        words.update(table.values())
        # The lemma index lists the words that have no other form ('peace', 'else').
        for listed in load_language_data(registry.lookups.get(lang)["lemma_index"]).values():
            words.update(word.lower() for word in listed)
    listed = load_mapping("redaction/names.yaml")
    extra = {str(word).lower() for word in listed["words_in_lower_case"]}
    return frozenset((words - {str(name).lower() for name in listed["not_words"]}) | extra)


def ambiguous_names() -> frozenset[str]:
    """Return the names left out of the lists because they are mostly words (Mark, Paris)."""
    return _NOT_NAMES - _PARTICLES


def gender_of_handle(handle: str) -> str:
    """Guess the sex of a handle's owner from a first name standing alone at its start.

    A name glued to more letters counts only from four letters on ('sannezorgt'): 'marksmit'
    is not 'mar' and 'devjamie' is not 'dev'. A wrong guess would show a same-sex partner to
    the recruiter, so anything less than a clear name is 'unknown' (and withheld).
    """
    handle = handle.lower().lstrip("@")
    names = first_names()
    for size in range(min(len(handle), 12), 2, -1):
        rest = handle[size:]
        if size < 4 and rest and rest[0].isalpha():
            continue  # a short name running on into more letters is a guess, not a name
        sex = names.get(handle[:size])
        if sex is not None:
            return sex
    return "unknown"
