"""Measure the classifier against gold labels: the issue's targets, computed in-process."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from screening.classifier.corpus import Record
from screening.classifier.model import Outcome, SpecialCategory, Verdict

OUTCOMES = [o.value for o in Outcome]


@dataclass
class Report:
    """Per-category recall, relevant precision/recall, leaks and the confusion matrix."""

    category_recall: dict[str, float] = field(default_factory=dict)
    category_support: dict[str, int] = field(default_factory=dict)
    category_named: dict[str, float] = field(default_factory=dict)
    relevant_precision: float = 0.0
    relevant_recall: float = 0.0
    leaks: list[tuple[str, str]] = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)

    def meets_targets(self) -> bool:
        """Return whether the issue's quality targets hold."""
        return (
            all(r == 1.0 for r in self.category_recall.values())
            and self.relevant_precision >= 0.90
            and self.relevant_recall >= 0.85
            and not self.leaks
        )

    def lines(self) -> list[str]:
        """Render the report as text lines."""
        out = ["special-category recall (withheld / gold; named: the category was reported):"]
        for category, recall in self.category_recall.items():
            named = self.category_named[category]
            support = self.category_support[category]
            out.append(f"  {category:22} {recall:6.1%}  named {named:6.1%}  (n={support})")
        out.append(f"relevant precision {self.relevant_precision:.3f}")
        out.append(f"relevant recall    {self.relevant_recall:.3f}")
        out.append(f"PII leaked into excerpts: {len(self.leaks)}")
        out.extend(f"  {post_id}: {pii!r}" for post_id, pii in self.leaks)
        out.append("confusion matrix (rows gold, columns predicted):")
        out.append(" " * 12 + "".join(f"{o:>12}" for o in OUTCOMES))
        for gold in OUTCOMES:
            row = "".join(f"{self.confusion[(gold, pred)]:>12}" for pred in OUTCOMES)
            out.append(f"{gold:>12}{row}")
        return out


def evaluate(records: list[Record], verdicts: list[Verdict]) -> Report:
    """Compare verdicts with the records' gold labels."""
    report = Report()
    withheld: Counter = Counter()
    named: Counter = Counter()
    support: Counter = Counter()
    for record, verdict in zip(records, verdicts, strict=True):
        gold = record.gold or {}
        report.confusion[(gold.get("verdict"), verdict.verdict.value)] += 1
        for category in gold.get("categories") or ():
            support[category] += 1
            withheld[category] += verdict.verdict is Outcome.WITHHELD
            named[category] += category in verdict.categories
        if verdict.excerpt:
            report.leaks.extend(
                (record.post.id, pii) for pii in gold.get("pii") or () if pii in verdict.excerpt
            )
    for category in SpecialCategory:
        if support[category.value]:
            report.category_support[category.value] = support[category.value]
            report.category_recall[category.value] = withheld[category.value] / support[category]
            report.category_named[category.value] = named[category.value] / support[category]
    true_pos = report.confusion[("relevant", "relevant")]
    predicted = sum(report.confusion[(g, "relevant")] for g in OUTCOMES)
    actual = sum(report.confusion[("relevant", p)] for p in OUTCOMES)
    report.relevant_precision = true_pos / predicted if predicted else 0.0
    report.relevant_recall = true_pos / actual if actual else 0.0
    return report
