"""The special-category matcher: finds Art. 9 / Art. 10 data in a Doc, in Dutch and English.

Every post is matched against the lexicons of both languages, because mixed posts are common.
One PhraseMatcher on NORM (the lemma, see lemmatizer.py) finds, in one pass: the lexicon
terms (with their inflections in the pipeline's language), the words that make a hit
personal (I, my, family) or professional (patients, protocol), partner nouns, and the words
that context patterns need. Compound words ('vakbondslid', 'chemokuur') are checked against
the prefix and suffix rules once, when the vocabulary first sees them (newwords.py), and
added to the same matcher. A context pattern runs its spaCy Matcher, on a window around its
words, only when they occur in order and its category is not found yet: a Matcher call costs
about a microsecond a token.

Whether a hit is a fact about a person or a topic is decided in context.py; ambiguity
resolves toward withholding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from screening.classifier.context import Found, in_order
from screening.classifier.excerpt import sentences
from screening.classifier.lexicon import (
    FUNCTION_WORDS,
    CategoryLexicon,
    compile_pattern,
    load_special,
    load_word_list,
    required_steps,
)
from screening.classifier.names import context_first_names, first_names
from screening.classifier.newwords import watch

# A term written `=sentenced` matches that form only, not its lemma ('sentence' is also a
# word of writing): see lexicons/README.md.
EXACT = "="
# Bound on learned compound words kept in the matcher (a few per thousand words qualify).
MAX_LEARNED = 200_000


@dataclass(frozen=True, slots=True)
class Findings:
    """What the matcher found in a Doc: categories, and partner mentions for the author check."""

    categories: frozenset[str] = frozenset()
    partners: tuple[tuple[int, str], ...] = ()


NOTHING = Findings()
# Where a Doc keeps its findings. `doc._.special` reads them; the classifier reads the dict
# itself, because every `doc._` access builds an object.
USER_DATA_KEY = "fairscreen.special"


def findings_of(doc: Doc) -> Findings:
    """Return what the matcher found in `doc` (NOTHING if it found nothing)."""
    return doc.user_data.get(USER_DATA_KEY, NOTHING)


def _ensure_extensions() -> None:
    if not Doc.has_extension("special"):
        Doc.set_extension("special", getter=findings_of)


class SpecialCategoryMatcher:
    """Set `doc._.special`: the categories found and partner mentions (for the author check)."""

    def __init__(self, nlp: Language, name: str = "special_categories") -> None:
        _ensure_extensions()
        self.nlp = nlp
        self.vocab = nlp.vocab
        self.name = name
        self._built = False

    # -- building ---------------------------------------------------------------------------
    def initialize(self, get_examples=None, *, nlp: Language | None = None) -> None:
        """Compile the lexicons; runs after the lemmatizer so patterns get its lemmas."""
        self._build()

    def _build(self) -> None:
        self.matcher = PhraseMatcher(self.vocab, attr="NORM")
        self.exact = PhraseMatcher(self.vocab, attr="LOWER")
        self.kinds: dict[int, tuple] = {}
        self.trigger_keys: set[int] = set()
        self.prefixes: dict[str, list[str]] = {}
        self.suffixes: dict[str, list[str]] = {}
        self.patterns: list[tuple[str, str, Matcher, list[int], int]] = []
        # Step key -> the step keys of each pattern it belongs to: a pattern can fire only
        # when every one of its required steps occurs.
        self.step_needs: dict[int, list[frozenset[int]]] = {}
        self._learned: list[tuple[str, list[str]]] = []
        self._learned_count = 0
        for lexicon in load_special():
            self._add_lexicon(lexicon)
        self._add_words("@personal", ("personal",), "context/personal.en.yaml",
                        "context/personal.nl.yaml")
        self._add_words("@professional", ("professional",), "context/professional.en.yaml",
                        "context/professional.nl.yaml")
        self._affixes = (tuple(self.prefixes), tuple(self.suffixes))
        self._streets = street_words()
        self._street_ends = tuple(sorted(self._streets))
        watch(self.vocab, self._on_new_word)
        self._built = True

    def _key(self, key: str, kind: tuple) -> str:
        hashed = self.vocab.strings.add(key)
        self.kinds[hashed] = kind
        if kind[0] in ("hit", "partner"):
            self.trigger_keys.add(hashed)  # a match that can decide on its own
        return key

    def _add(self, key: str, kind: tuple, phrases) -> int:
        """Add phrases under `key`; return the key's hash, as the matcher reports it."""
        docs = [self.nlp.make_doc(phrase) for phrase in phrases]
        if docs:
            self.matcher.add(self._key(key, kind), docs)
        return self.vocab.strings[key]

    def _add_words(self, key: str, kind: tuple, *names: str) -> None:
        self._add(key, kind, [word for name in names for word in load_word_list(name)])

    def _add_lexicon(self, lexicon: CategoryLexicon) -> None:
        for tier, block in lexicon.blocks.items():
            key = f"{lexicon.category}|{tier}"
            kind = ("hit", lexicon.category, tier)
            terms = [t for t in block.terms if not t.startswith(EXACT)]
            if lexicon.language == "nl":  # the lookup table lacks most inflected forms
                terms += [form for term in terms for form in dutch_inflections(term)]
            self._add(key, kind, terms)
            exact = [t[len(EXACT):] for t in block.terms if t.startswith(EXACT)]
            if exact:  # the lemma would widen them to another word: 'sentenced', 'sentence'
                self.exact.add(self._key(key, kind), [self.nlp.make_doc(t) for t in exact])
            for prefix in block.prefixes:
                self.prefixes.setdefault(prefix.lower(), []).append(key)
            for suffix in block.suffixes:
                self.suffixes.setdefault(suffix.lower(), []).append(key)
            for text in block.patterns:
                self._add_pattern(key, text)
        for noun, sex in (lexicon.partners.get("nouns") or {}).items():
            self._add(f"@partner|{sex}", ("partner", sex), [noun])
        self._add("@possessive", ("possessive",), lexicon.partners.get("possessives") or ())

    def _add_pattern(self, key: str, text: str) -> None:
        pid = len(self.patterns)
        matcher = Matcher(self.vocab)
        matcher.add(key, compile_pattern(text))
        # Steps made of frequent words ('for|of') are assumed present: matching them in
        # every post would cost more than it saves. The others are found by the phrase
        # matcher, with their positions, and must occur in order and close together.
        places = [
            place for place, words in required_steps(text)
            if not words & FUNCTION_WORDS
        ]
        category, tier = key.split("|")
        self.patterns.append((category, tier, matcher, places, len(text.split())))
        needed = []
        for number, (place, words) in enumerate(required_steps(text)):
            if place in places:
                step = self._add(f"@step|{pid}|{number}", ("step", pid, place), sorted(words))
                needed.append(step)
        for step in needed:
            self.step_needs.setdefault(step, []).append(frozenset(needed))

    # -- new words, once each ---------------------------------------------------------------
    def _on_new_word(self, text: str) -> None:
        """Queue a new word that a prefix or suffix rule makes a hit (compounds)."""
        if (len(text) <= 3 or self._learned_count >= MAX_LEARNED
                or text.lower().endswith(self._street_ends)):
            return  # 'kerkstraat', 'moskeeweg': an address
        keys = [key for part in _compound_parts(text) for key in self._affix_keys(part)]
        if keys:
            self._learned.append((text, keys))

    def _affix_keys(self, word: str) -> list[str]:
        prefixes, suffixes = self._affixes
        keys: list[str] = []
        if word.startswith(prefixes):
            for prefix in prefixes:
                if word.startswith(prefix) and len(word) > len(prefix):
                    keys.extend(self.prefixes[prefix])
        if word.endswith(suffixes):
            for suffix in suffixes:
                if word.endswith(suffix) and len(word) > len(suffix):
                    keys.extend(self.suffixes[suffix])
        return keys

    def _learn(self) -> None:
        """Add queued compound words to the matcher (outside tokenization, before matching)."""
        learned, self._learned = self._learned, []
        for text, keys in learned:
            pattern = Doc(self.vocab, words=[text])
            for key in dict.fromkeys(keys):
                category, tier = key.split("|")
                self.matcher.add(self._key(key, ("hit", category, tier)), [pattern])
            self._learned_count += 1

    # -- per doc ----------------------------------------------------------------------------
    def __call__(self, doc: Doc) -> Doc:
        if not self._built:
            self._build()
        found = self.match(doc)
        if found is not None:
            self.set_annotations(doc, found)
        return doc

    def match(self, doc: Doc) -> Found | None:
        """Sort the matcher's one pass into hits, context words and pattern steps."""
        if self._learned:
            self._learn()
        matches = self.matcher(doc)
        if len(self.exact):
            matches += self.exact(doc)
        # Most posts hold only context words (I, my, patients) and maybe a step of a pattern
        # (have, out): nothing to decide unless a hit, a partner or a whole pattern's steps.
        keys = {key for key, _, _ in matches}
        if self.trigger_keys.isdisjoint(keys):
            step_needs = self.step_needs
            if not any(needed <= keys for key in keys.intersection(step_needs)
                       for needed in step_needs[key]):
                return None
        found = Found()
        kinds = self.kinds
        for key, start, end in matches:
            found.add(kinds[key], start, end)
        return found

    def _idiom(self, doc: Doc, spans: list[tuple[int, int]], start: int, end: int) -> bool:
        """Tell whether a hit lies inside a figure of speech: 'sales is in my DNA'."""
        first, last = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
        return any(s <= first and last <= e for s, e in spans)

    def _street(self, doc: Doc, start: int, end: int) -> bool:
        """Tell whether a hit names a street or a square: 'Church Road', 'Kerk Laan'."""
        return (end < len(doc) and doc[end].lower_ in self._streets
                and doc[start].text[:1].isupper())

    def set_annotations(self, doc: Doc, found: Found) -> None:
        """Keep the categories whose hits survive the context rules; patterns fill the gaps."""
        if found.hits:
            idioms = idiom_spans(doc.text)
            found.hits = [hit for hit in found.hits if not self._street(doc, hit[2], hit[3])
                          and not (idioms and self._idiom(doc, idioms, hit[2], hit[3]))]
        if found.hits or found.steps:
            found.named.extend(_named_people(doc))
        categories = found.categories(found.hits)
        for pid, steps in found.steps.items():
            category, tier, matcher, places, length = self.patterns[pid]
            # A Matcher call costs ~1 us a token: run it only when the pattern's words occur
            # in order, close together, for a category not found yet, and only around them.
            if category not in categories and in_order(steps, places):
                positions = [p for place in places for p in steps[place]]
                start = max(0, min(positions) - length)
                window = doc[start : max(positions) + length + 1]
                hits = [(category, tier, start + s, start + e) for _, s, e in matcher(window)]
                categories |= found.categories(hits)
        partners = found.partner_mentions()
        if categories or partners:
            doc.user_data[USER_DATA_KEY] = Findings(frozenset(categories), tuple(partners))


# Dutch adjectives and participles take an -e before a noun ('een lesbische collega', 'de
# veroordeelde', 'haar joodse oma'); the lemma table knows few of those forms.
_INFLECTED_ENDINGS = ("isch", "ig", "eel", "aal", "ief", "iek", "s", "d", "t")
_PARTICIPLE_STARTS = ("ge", "ver", "be", "her", "ont")
_DOUBLE_VOWEL = re.compile(r"([aeou])\1([^aeiou])$")


def dutch_inflections(term: str) -> list[str]:
    """Return the -e form of a Dutch adjective or participle: 'lesbisch' -> 'lesbische',
    'homoseksueel' -> 'homoseksuele', 'veroordeeld' -> 'veroordeelde'.

    Only words with an adjective's or participle's ending get one; for a noun among them the
    form is no word ('kerkdienste') and never matches.
    """
    if " " in term or "-" in term or len(term) < 4 or term.endswith("ss") \
            or not term.endswith(_INFLECTED_ENDINGS):
        return []
    if term.endswith(("d", "t")):  # a participle: 'gedoopt', 'veroordeeld', 'aangeklaagd'
        participle = term.startswith(_PARTICIPLE_STARTS) or "ge" in term[:-3]
        return [term + "e"] if participle else []  # not 'syndicat', 'activist'
    if term.endswith("ief"):
        return [term[:-1] + "ve"]
    double = _DOUBLE_VOWEL.search(term)
    if double:
        return [f"{term[: double.start()]}{double.group(1)}{double.group(2)}e"]
    return [term + "e"]


@cache
def street_words() -> frozenset[str]:
    """Return the words of both languages that make a name before them an address."""
    return frozenset(str(word).lower() for lang in ("en", "nl")
                     for word in load_word_list(f"context/streets.{lang}.yaml"))


@cache
def _idioms() -> re.Pattern | None:
    expressions = [str(e) for lang in ("en", "nl")
                   for e in load_word_list(f"context/idioms.{lang}.yaml")]
    return re.compile("|".join(f"(?:{e})" for e in expressions), re.I) if expressions else None


def idiom_spans(text: str) -> list[tuple[int, int]]:
    """Return the character spans of the figures of speech in `text` in which a special
    word says nothing about anyone (`context/idioms.<lang>.yaml`)."""
    idioms = _idioms()
    return [m.span() for m in idioms.finditer(text)] if idioms else []


def _named_people(doc: Doc) -> list[int]:
    """Return the tokens that name someone: a known first name (the generated lists and
    `context/first_names.yaml`), capitalised.

    The same facts about an identifiable colleague or friend are personal data too: 'the
    face templates of Mo, Lien and Jens' is not a topic. At the start of a sentence a
    capital proves nothing, but 'Ben' or 'Wil' there then errs toward withholding.
    """
    found = []
    for i, orth in enumerate(doc.to_array(ORTH).tolist()):
        is_name = _NAME_WORDS.get(orth)
        if is_name is None:
            is_name = _NAME_WORDS[orth] = _is_first_name(doc.vocab.strings[orth])
            if len(_NAME_WORDS) >= _NAME_WORDS_MAX:
                _NAME_WORDS.clear()
        if is_name:
            found.append(i)
    return found


def _is_first_name(text: str) -> bool:
    if text[:1].islower():  # most words: not a name, whatever follows
        return False
    if text.endswith(_POSSESSIVE):  # the Dutch tokenizer keeps it: "Sanne's"
        text = text[:-2]
    return text.istitle() and (text.lower() in first_names()
                               or text.lower() in context_first_names())


# Word (its ORTH key) -> whether it is a capitalised first name; decided once per spelling,
# since most tokens are words seen before. Holds hashes and booleans, never text.
_NAME_WORDS: dict[int, bool] = {}
_NAME_WORDS_MAX = 200_000

_POSSESSIVE = ("'s", "’s")


_NAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+"
_WORD = re.compile(r"[\w'’-]+")


@dataclass(frozen=True, slots=True)
class _CoupleRule:
    """The sex_life_orientation lexicons' couple words, two names joined by their 'and', and a
    name joined to the author's 'I' by it."""

    words: frozenset[str]
    pair: re.Pattern
    with_author: re.Pattern


@cache
def _couple_rule() -> _CoupleRule | None:
    words: set[str] = set()
    joiners: set[str] = set()
    for lexicon in load_special():
        words |= {str(w).lower() for w in lexicon.partners.get("couple_words") or ()}
        joiners |= {str(w).lower() for w in lexicon.partners.get("joiners") or ()}
    if not words or not joiners:
        return None
    joined = "|".join(map(re.escape, sorted(joiners)))
    return _CoupleRule(frozenset(words),
                       re.compile(rf"\b({_NAME})\s+(?:{joined})\s+({_NAME})\b"),
                       re.compile(rf"\b({_NAME})\s+(?:{joined})\s+(?:ik|I)\b"))


def _couple_sentences(text: str, pattern: re.Pattern, words: frozenset[str]) -> Iterator[str]:
    """The sentences of a post that hold a couple word and a match of `pattern`. Substring
    tests first (most posts have no couple word): the sentences only then."""
    lower = text.lower()
    if not any(word in lower for word in words) or not pattern.search(text):
        return
    for start, end in sentences(text):
        sentence = text[start:end]
        padded = f" {' '.join(_WORD.findall(sentence.lower()))} "
        if any(f" {word} " in padded for word in words):
            yield sentence


def names_same_sex_couple(text: str) -> bool:
    """Tell whether a post names two people of the same sex as a couple, in one sentence.

    'Wout en Jelle trouwen in juni', 'bridal hair for Lotte and Maaike': two first names of
    the same known sex, joined by 'and', with a couple word (married, samenlevingscontract)
    in the same sentence, reveal their orientation as surely as 'my husband' from a man.
    """
    rule = _couple_rule()
    if rule is None:
        return False
    names = first_names()
    for sentence in _couple_sentences(text, rule.pair, rule.words):
        for first, second in rule.pair.findall(sentence):
            sex = names.get(first.lower())
            if sex not in (None, "unknown") and names.get(second.lower()) == sex:
                return True
    return False


def spouses_of_author(text: str) -> list[str]:
    """Return the sex of each person named as the author's spouse: 'Toen Ferdi en ik in 2012
    trouwden', 'Sam and I got married': a first name joined to 'I' by 'and', with a couple word
    in the same sentence. Whether that reveals the author's orientation depends on the
    author's sex, as with 'my husband' (classifier._of_own_sex)."""
    rule = _couple_rule()
    if rule is None:
        return []
    names = first_names()
    return [names.get(name.lower(), "unknown")
            for sentence in _couple_sentences(text, rule.with_author, rule.words)
            for name in rule.with_author.findall(sentence)]


@cache
def _partner_rule() -> re.Pattern | None:
    """The sex_life_orientation lexicons' third-person possessives joined to a partner noun of
    the same sex ('his husband', 'haar vrouw'), as one expression over both languages."""
    pairs: list[str] = []
    for lexicon in load_special():
        third = lexicon.partners.get("third_person") or {}
        sexes = lexicon.partners.get("nouns") or {}
        for sex in ("male", "female"):
            owners = [str(word) for word in third.get(sex) or ()]
            nouns = [str(noun) for noun in third.get("nouns") or () if sexes.get(noun) == sex]
            if owners and nouns:
                pairs.append(rf"(?:{'|'.join(map(re.escape, owners))})\s+"
                             rf"(?:{'|'.join(map(re.escape, nouns))})")
    if not pairs:
        return None
    return re.compile(rf"(?<![\w'’])(?:{'|'.join(pairs)})(?!\w)", re.IGNORECASE)


def names_same_sex_partner(text: str) -> bool:
    """Tell whether a post gives someone a partner of their own sex: 'his husband', 'her
    wife', 'zijn man', 'haar vrouw'.

    'My husband' reveals the author's orientation only with the author's sex, which the
    handle may not tell; 'his' and 'her' carry the sex of the one they point to, a named
    colleague or a brother, so the pair says it alone.
    """
    rule = _partner_rule()
    return rule is not None and rule.search(text) is not None


# A file holding someone's biometric sample: its name joins a modality to a template word or to
# a first name ('jurre_face_template.json', 'gezicht_samira.npy', 'sanne_r_index.bin').
_FILE_PARTS = re.compile(r"[a-z]+")
_WRAPPING = "()[]{}<>\"'`.,;:!?"
_MODALITIES = frozenset({"face", "gezicht", "iris", "fingerprint", "vingerafdruk", "palm",
                         "retina", "voiceprint", "stemprint", "faceprint"})
_NAMED_MODALITIES = frozenset({"index", "thumb", "duim", "finger", "vinger", "wijsvinger",
                               "voice", "stem", "hand", "ear", "oor"})
_SAMPLE_WORDS = frozenset({"template", "templates", "scan", "scans", "sample", "samples",
                           "embedding", "embeddings", "enrolment", "enrollment", "minutiae",
                           "print", "prints"})


def names_biometric_sample_file(text: str) -> bool:
    """Tell whether a post names a file that holds someone's biometric sample.

    A face template or a fingerprint scan shared in a repository is biometric data whoever it
    belongs to, and posts show it by the file's name rather than in words. A file counts when
    its name joins a modality (face, iris) to a template word or a first name, or a finger or a
    voice to a first name: 'index_template.html' is not somebody's finger.

    Words are split on white space and read once each: a post is hostile input, and a regular
    expression over whole paths would backtrack for minutes on a long run of 'a_a_a_'.
    """
    if "_" not in text:
        return False
    for word in text.split():
        if "_" not in word or "." not in word:
            continue
        stem, _dot, extension = word.strip(_WRAPPING).rpartition(".")
        if "_" not in stem or not 2 <= len(extension) <= 5 or not extension.isalnum():
            continue
        parts = set(_FILE_PARTS.findall(stem.lower()))
        strong, weak = parts & _MODALITIES, parts & _NAMED_MODALITIES
        if not strong and not weak:
            continue
        if strong and parts & _SAMPLE_WORDS:
            return True
        if any(part in first_names() for part in parts - strong - weak - _SAMPLE_WORDS):
            return True
    return False


def _compound_parts(text: str) -> list[str]:
    lower = text.lower()
    parts = [lower]
    if "-" in lower:
        parts.extend(p for p in lower.split("-") if p)
    return parts


@Language.factory("special_categories")
def make_special_categories(nlp: Language, name: str) -> SpecialCategoryMatcher:
    """Build the special-category matcher over the packaged lexicons."""
    return SpecialCategoryMatcher(nlp, name)
