"""Load the lexicon data files that legal counsel reviews (see lexicons/README.md).

A special-category file holds two blocks: `withhold` (the words reveal the category by
themselves) and `when_personal` (they do only when a personal word is near). Each block has
`terms` (words and phrases), `prefixes` and `suffixes` (parts of compound words) and
`patterns` (word sequences, see `compile_pattern`), every entry mapped to its reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml

LEXICON_DIR = Path(__file__).parent / "lexicons"
TIERS = ("withhold", "when_personal")


@dataclass(frozen=True)
class Block:
    """One tier of one category file."""

    terms: dict[str, str | None] = field(default_factory=dict)
    prefixes: dict[str, str | None] = field(default_factory=dict)
    suffixes: dict[str, str | None] = field(default_factory=dict)
    patterns: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class CategoryLexicon:
    """The words revealing one special category in one language."""

    category: str
    language: str
    blocks: dict[str, Block]
    partners: dict[str, str] = field(default_factory=dict)


def _block(data: dict | None) -> Block:
    data = data or {}
    return Block(**{key: dict(data.get(key) or {}) for key in Block.__dataclass_fields__})


@cache
def load_special(directory: Path = LEXICON_DIR) -> tuple[CategoryLexicon, ...]:
    """Read every `special/<category>.<lang>.yaml` file."""
    lexicons = []
    for path in sorted((directory / "special").glob("*.yaml")):
        data = _yaml(path)
        lexicons.append(
            CategoryLexicon(
                category=data["category"],
                language=data["language"],
                blocks={tier: _block(data.get(tier)) for tier in TIERS},
                partners=dict(data.get("partners") or {}),
            )
        )
    return tuple(lexicons)


@cache
def load_word_list(name: str, directory: Path = LEXICON_DIR) -> dict[str, str | None]:
    """Read a flat `word: reason` file such as `context/personal.en.yaml`."""
    return dict(_yaml(directory / name).get("words") or {})


@cache
def load_mapping(name: str, directory: Path = LEXICON_DIR) -> dict:
    """Read a structured lexicon file as it is."""
    return _yaml(directory / name)


@dataclass(frozen=True)
class Field:
    """One field's glossary: synonym groups, related terms, and its everyday vocabulary."""

    name: str
    groups: tuple[tuple[str, ...], ...]
    related: dict[str, tuple[str, ...]]
    terms: frozenset[str]

    @property
    def words(self) -> frozenset[str]:
        """Every word and phrase of the field: its groups and its vocabulary."""
        return frozenset(w for group in self.groups for w in group) | self.terms


@cache
def load_glossary(directory: Path = LEXICON_DIR) -> tuple[Field, ...]:
    """Read `relevance/glossary/<field>.yaml` (or the single `relevance/glossary.yaml`)."""
    folder = directory / "relevance" / "glossary"
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else [
        directory / "relevance" / "glossary.yaml"]
    fields = []
    for path in paths:
        data = _yaml(path) or {}
        fields.append(Field(
            name=str(data.get("field") or path.stem),
            groups=tuple(tuple(str(w).lower() for w in group)
                         for group in data.get("groups") or ()),
            related={str(k).lower(): tuple(str(v) for v in values)
                     for k, values in (data.get("related") or {}).items()},
            terms=frozenset(str(w).lower() for w in data.get("terms") or ()),
        ))
    return tuple(fields)


def _yaml(path: Path):
    # libyaml's loader when PyYAML has it: the pure-Python one costs a tenth of a second.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506


def compile_pattern(text: str) -> list[list[dict]]:
    """Turn 'sober|clean for NUM|a years|months' into spaCy Matcher patterns on LOWER.

    Steps are separated by spaces: `a|b` is one word out of a set, `NUM` any number (also
    among words: `NUM|a|two`), `*` any one word; a trailing `?` makes a step optional. A
    step mixing NUM and words becomes two patterns, since a token pattern tests one attribute.
    """
    patterns: list[list[dict]] = [[]]
    for step in text.split():
        optional = step.endswith("?") and len(step) > 1
        words = (step[:-1] if optional else step).split("|")
        choices: list[dict] = []
        if "NUM" in words:
            choices.append({"LIKE_NUM": True})
        rest = [word.lower() for word in words if word not in ("NUM", "*")]
        if "*" in words:
            choices = [{}]
        elif rest:
            choices.append({"LOWER": {"IN": rest}})
        if optional:
            choices = [dict(choice, OP="?") for choice in choices]
        patterns = [pattern + [choice] for pattern in patterns for choice in choices]
    return patterns


def required_steps(text: str) -> list[tuple[int, set[str]]]:
    """Return (place, word set) of the pattern's required word steps: each must occur.

    Steps that may be a number or any word are left out: no word list can tell them.
    """
    return [
        (place, set(step.lower().split("|")))
        for place, step in enumerate(text.split())
        if not step.endswith("?") and "NUM" not in step.split("|") and step != "*"
    ]


# Words (and signs) too frequent to say anything about a post on their own.
FUNCTION_WORDS = frozenset(
    "a an the my our i me we you he she his her for of to in on at with and or is am are was "
    "as be been de het een mijn ik me we je hij zij ze van voor met en of in op aan bij is ben "
    "was als te - % year years month months week weeks day days jaar maanden maand weken "
    "dagen man vrouw".split()
)
