"""Count what a labelled corpus holds, against what the development corpus must cover.

`python -m screening.classifier.corpus_stats` prints the figures for the whole development
corpus (the two shared corpora and the project's own); tests assert the same minimums.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from screening.classifier.corpus import Record
from screening.classifier.model import SpecialCategory, Vacancy


@dataclass
class CorpusStats:
    """Posts, vacancies, languages, categories and the kinds of hard cases a corpus holds."""

    posts: int = 0
    vacancies: int = 0
    verdicts: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    categories: Counter = field(default_factory=Counter)
    implicit: Counter = field(default_factory=Counter)
    third_party: int = 0
    sensitive_topic: int = 0
    relevant_without_criteria: int = 0
    with_pii: int = 0
    pii_forms: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [f"posts {self.posts} over {self.vacancies} vacancies",
               "verdicts " + ", ".join(f"{k} {v}" for k, v in sorted(self.verdicts.items())),
               "languages " + ", ".join(f"{k} {v}" for k, v in sorted(self.languages.items())),
               "special categories (posts, of which marked implicit):"]
        out.extend(f"  {c.value:22} {self.categories[c.value]:5}  {self.implicit[c.value]:5}"
                   for c in SpecialCategory)
        out.append(f"withheld for a third person's data: {self.third_party}")
        out.append(f"professional posts on a sensitive topic revealing nothing: "
                   f"{self.sensitive_topic}")
        out.append(f"relevant posts without any criterion verbatim: "
                   f"{self.relevant_without_criteria}")
        out.append(f"posts with third-party details: {self.with_pii} ("
                   + ", ".join(f"{k} {v}" for k, v in sorted(self.pii_forms.items())) + ")")
        return out


def _pii_form(pii: str) -> str:
    if "@" in pii:
        return "e-mail" if re.search(r"\w@\w", pii) and not pii.startswith("@") else "handle"
    if sum(ch.isdigit() for ch in pii) >= 6:
        return "phone"
    if re.search(r"\b[A-Z]\.", pii):
        return "initials"
    if re.search(r"\b(van|de|der|den|ter|ten|te|'t)\b", pii, re.IGNORECASE) and " " in pii:
        return "tussenvoegsel"
    if "-" in pii:
        return "hyphenated"
    return "full name" if " " in pii else "single name"


def stats(vacancies: dict[str, Vacancy], records: Sequence[Record]) -> CorpusStats:
    """Count a corpus."""
    out = CorpusStats(posts=len(records), vacancies=len({r.vacancy for r in records}))
    for record in records:
        gold = record.gold or {}
        out.verdicts[gold.get("verdict")] += 1
        out.languages[record.post.lang] += 1
        for category in gold.get("categories") or ():
            out.categories[category] += 1
            out.implicit[category] += gold.get("form") == "implicit"
        out.third_party += bool(gold.get("third_party"))
        out.sensitive_topic += bool(gold.get("sensitive_topic"))
        if gold.get("verdict") == "relevant":
            text = record.post.text.lower()
            criteria = vacancies[record.vacancy].criteria
            out.relevant_without_criteria += not any(c.lower() in text for c in criteria)
        if gold.get("pii"):
            out.with_pii += 1
            out.pii_forms.update(_pii_form(p) for p in gold["pii"])
    return out


def main() -> int:
    from screening.classifier.training import load_corpus

    vacancies, records = load_corpus()
    print("\n".join(stats(vacancies, records).lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
