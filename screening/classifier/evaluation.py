"""Measure the classifier against gold labels: the issue's targets, computed in-process."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from screening.classifier.corpus import Record
from screening.classifier.model import Outcome, SpecialCategory, Verdict

OUTCOMES = [o.value for o in Outcome]
GOLD_OUTCOMES = [Outcome.WITHHELD.value, Outcome.RELEVANT.value, Outcome.IRRELEVANT.value]
# What a recruiter is never shown, whichever layer decided it.
HELD_BACK = (Outcome.WITHHELD, Outcome.NOT_ASSESSED)


def wilson(successes: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    """Return the Wilson score 95% interval of a proportion (0, 1 when n is 0)."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = p + z * z / (2 * n)
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    denominator = 1 + z * z / n
    return max(0.0, (centre - margin) / denominator), min(1.0, (centre + margin) / denominator)


@dataclass
class Report:
    """Per-category recall, shown special posts, false withholds, relevance, leaks."""

    category_withheld: Counter = field(default_factory=Counter)
    category_named: Counter = field(default_factory=Counter)
    category_support: Counter = field(default_factory=Counter)
    special_shown: list[str] = field(default_factory=list)
    leaks: list[tuple[str, str]] = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)
    decided_by: Counter = field(default_factory=Counter)
    # Relevant posts not shown, by what kept them back (see `missed_because`).
    missed: Counter = field(default_factory=Counter)

    def __add__(self, other: Report) -> Report:
        return Report(
            self.category_withheld + other.category_withheld,
            self.category_named + other.category_named,
            self.category_support + other.category_support,
            self.special_shown + other.special_shown,
            self.leaks + other.leaks,
            self.confusion + other.confusion,
            self.decided_by + other.decided_by,
            self.missed + other.missed,
        )

    @property
    def category_recall(self) -> dict[str, float]:
        return {c: self.category_withheld[c] / n for c, n in self.category_support.items() if n}

    @property
    def relevant_precision(self) -> float:
        predicted = sum(self.confusion[(g, Outcome.RELEVANT.value)] for g in GOLD_OUTCOMES)
        return self.confusion[("relevant", "relevant")] / predicted if predicted else 0.0

    @property
    def relevant_support(self) -> int:
        return sum(self.confusion[("relevant", p)] for p in OUTCOMES)

    @property
    def relevant_recall(self) -> float:
        actual = self.relevant_support
        return self.confusion[("relevant", "relevant")] / actual if actual else 0.0

    @property
    def false_withholds(self) -> int:
        """Relevant posts held back as special (or unassessed): the cost of caution."""
        return sum(self.confusion[("relevant", o.value)] for o in HELD_BACK)

    @property
    def false_withhold_rate(self) -> float:
        support = self.relevant_support
        return self.false_withholds / support if support else 0.0

    def meets_targets(self) -> bool:
        """Return whether the issue's quality targets hold."""
        return (
            all(r == 1.0 for r in self.category_recall.values())
            and not self.special_shown
            and self.relevant_precision >= 0.90
            and self.relevant_recall >= 0.85
            and self.false_withhold_rate <= 0.10
            and not self.leaks
        )

    def lines(self, *, details: bool = True) -> list[str]:
        """Render the report as text lines."""
        out = ["special-category recall (withheld / gold, Wilson 95% interval; named: the "
               "category was reported):"]
        for category in SpecialCategory:
            support = self.category_support[category.value]
            if not support:
                continue
            withheld = self.category_withheld[category.value]
            low, high = wilson(withheld, support)
            out.append(
                f"  {category.value:22} {withheld / support:6.1%}  [{low:5.1%}, {high:5.1%}]"
                f"  named {self.category_named[category.value] / support:6.1%}  (n={support})"
            )
        out.append(f"special posts shown to the recruiter: {len(self.special_shown)}")
        if details:
            out.extend(f"  {post_id}" for post_id in self.special_shown)
        out.append(
            f"false withholds: {self.false_withholds} of {self.relevant_support} relevant posts "
            f"({self.false_withhold_rate:.1%})"
        )
        out.append(f"relevant precision {self.relevant_precision:.3f}")
        out.append(f"relevant recall    {self.relevant_recall:.3f}")
        out.append(f"PII leaked into excerpts: {len(self.leaks)}")
        if self.missed:
            out.append("relevant posts not shown, by what kept them back:")
            out.extend(f"  {cause:44} {self.missed[cause]}" for cause in MISSED
                       if self.missed[cause])
        if details:
            out.extend(f"  {post_id}: {pii!r}" for post_id, pii in self.leaks)
            out.append("confusion matrix (rows gold, columns predicted):")
            out.append(" " * 12 + "".join(f"{o:>14}" for o in OUTCOMES))
            for gold in GOLD_OUTCOMES:
                row = "".join(f"{self.confusion[(gold, pred)]:>14}" for pred in OUTCOMES)
                out.append(f"{gold:>12}{row}")
            out.append("decided by (layer:rule, posts):")
            out.extend(f"  {rule:32} {n}" for rule, n in sorted(self.decided_by.items()))
        return out


# The causes of a relevant post not shown, in the order the report lists them.
MISSED = ("lexicons", "model layer, after a relevance rule matched",
          "no relevance rule matched", "personal-disclosure gate", "language not assessed",
          "other")


def missed_because(verdict: Verdict) -> str:
    """Name what kept a post from the recruiter. A post no relevance rule matched is named
    so even when the model layer's objection for such posts (far stricter, and deciding
    nothing a recruiter would see) gave its `decided_by`."""
    layer = verdict.decided_by.partition(":")[0]
    if layer == "model":
        return MISSED[1] if verdict.shown_by else MISSED[2]
    return {"lexicon": MISSED[0], "relevance": MISSED[2], "personal": MISSED[3],
            "language": MISSED[4]}.get(layer, MISSED[5])


def evaluate(records: list[Record], verdicts: list[Verdict]) -> Report:
    """Compare verdicts with the records' gold labels."""
    report = Report()
    for record, verdict in zip(records, verdicts, strict=True):
        gold = record.gold or {}
        report.confusion[(gold.get("verdict"), verdict.verdict.value)] += 1
        report.decided_by[verdict.decided_by or "unknown"] += 1
        categories = gold.get("categories") or ()
        for category in categories:
            report.category_support[category] += 1
            report.category_withheld[category] += verdict.verdict in HELD_BACK
            report.category_named[category] += category in verdict.categories
        shown = verdict.verdict is Outcome.RELEVANT
        if gold.get("verdict") == Outcome.RELEVANT.value and not shown:
            report.missed[missed_because(verdict)] += 1
        if categories and shown:
            report.special_shown.append(record.post.id)
        if verdict.excerpt:
            report.leaks.extend(
                (record.post.id, pii) for pii in gold.get("pii") or () if pii in verdict.excerpt
            )
    return report
