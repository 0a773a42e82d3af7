"""The classifier's plain data: posts, vacancies, verdicts and the closed vocabularies."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class SpecialCategory(StrEnum):
    """GDPR Art. 9 special categories plus Art. 10 criminal data, as named in the corpus."""

    RACIAL_ETHNIC_ORIGIN = "racial_ethnic_origin"
    POLITICAL_OPINION = "political_opinion"
    RELIGIOUS_BELIEF = "religious_belief"
    TRADE_UNION = "trade_union"
    GENETIC = "genetic"
    BIOMETRIC = "biometric"
    HEALTH = "health"
    SEX_LIFE_ORIENTATION = "sex_life_orientation"
    CRIMINAL = "criminal"


class Outcome(StrEnum):
    """What a recruiter may see of a post, in order of precedence."""

    WITHHELD = "withheld"
    RELEVANT = "relevant"
    IRRELEVANT = "irrelevant"
    # Written in a language without a pipeline: never shown, counted, and the candidate is told.
    NOT_ASSESSED = "not_assessed"


@dataclass(frozen=True, slots=True)
class Post:
    """One public post of a candidate, reduced to plain text by its source connector."""

    text: str
    author: str = ""
    lang: str | None = None
    published: str | None = None
    is_own: bool = True
    id: str = ""


@dataclass(frozen=True, slots=True)
class Vacancy:
    """The job a post is judged against; `criteria` are skills, tools and domain terms."""

    id: str
    criteria: tuple[str, ...]
    language: str = "en"
    title: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's decision on one post; withheld verdicts carry only their categories.

    `decided_by` names the layer and the rule or model label that decided, as
    `layer:rule` (`lexicon:health`, `model:criminal`, `personal:third_party`,
    `relevance:criteria`, `language:fr`): for audit counts and explanations, never text.
    """

    verdict: Outcome
    categories: tuple[SpecialCategory, ...] = ()
    matched: tuple[str, ...] = ()
    excerpt: str | None = None
    language: str | None = None
    decided_by: str = ""
    # The relevance rule that matched a post the model layer then held back
    # (`relevance:field`): what caution cost, for the evaluation; empty otherwise.
    shown_by: str = ""

    def to_json(self, post_id: str) -> dict[str, object]:
        """Return the CLI's output record for this verdict."""
        # A post in a language without a pipeline is not shown: in the CLI's three verdicts
        # (a contract other tools read) that is 'withheld', with no category.
        shown_as = Outcome.WITHHELD if self.verdict is Outcome.NOT_ASSESSED else self.verdict
        return {
            "id": post_id,
            "verdict": shown_as.value,
            "categories": [c.value for c in self.categories],
            "matched": list(self.matched),
            "excerpt": self.excerpt,
        }
