"""A run's counts per source: what became of the candidate's posts, never their text."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SourceTally:
    """One source's counts in a run.

    `looked_at` counts the posts the classifier assessed (shown, withheld or irrelevant);
    `not_assessed` those in a language without a pipeline, which nobody looked at;
    `decided_by` how many posts each rule or model label decided (`lexicon:health`: 2).
    """

    looked_at: int = 0
    shown: int = 0
    irrelevant: int = 0
    withheld: dict[str, int] = field(default_factory=dict)
    not_assessed: int = 0
    decided_by: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"looked_at": self.looked_at, "shown": self.shown, "irrelevant": self.irrelevant,
                "withheld": self.withheld, "not_assessed": self.not_assessed,
                "decided_by": self.decided_by}


def summarise(counts: dict[str, Any]) -> dict[str, int]:
    """Add the per-source counts up into the totals shown to people."""
    totals = {"looked_at": 0, "shown": 0, "withheld": 0, "irrelevant": 0, "not_assessed": 0}
    for tally in counts.values():
        totals["looked_at"] += tally.get("looked_at", 0)
        totals["shown"] += tally.get("shown", 0)
        totals["irrelevant"] += tally.get("irrelevant", 0)
        totals["withheld"] += sum(tally.get("withheld", {}).values())
        # Runs stored before languages without a pipeline were counted have no such key.
        totals["not_assessed"] += tally.get("not_assessed", 0)
    return totals


def rule_counts(counts: dict[str, Any]) -> dict[str, int]:
    """Add up, over the sources, how many posts each rule or model label decided."""
    totals: dict[str, int] = {}
    for tally in counts.values():
        for rule, number in tally.get("decided_by", {}).items():
            totals[rule] = totals.get(rule, 0) + number
    return dict(sorted(totals.items()))
