"""The context rules: whether a special-category hit is a fact about a person or a topic.

A health or biometric hit counts unless a professional word (patients, protocol) is closer to
it than any personal word (I, my, family), within PROFESSIONAL_WINDOW tokens: a nurse's wound
care or a security engineer's access readers are the job. A possessive makes a work word one
person ('my client is pregnant'), no longer a topic. The other categories' words are not
made a topic by a nearby work word ('gestemd voor de apotheek open ging', a colleague refused
'because of a previous conviction' on a site): there, when in doubt, a post is held back.
A `when_personal` hit also needs a personal word within PERSONAL_WINDOW tokens, or someone
named by their first name within NAME_WINDOW tokens ('the face templates of Mo, Lien and
Jens'). Context patterns are only worth a token Matcher call when their words occur in order
and close together.
"""

from __future__ import annotations

from bisect import bisect_left

# How far (in tokens) a personal word may be from a `when_personal` hit.
PERSONAL_WINDOW = 12
# How far (in tokens) a first name may be from a `when_personal` hit: a name is a weaker sign
# than 'my' (a trainer's name beside 'de overgang naar het nieuwe jaar'), so only close by.
NAME_WINDOW = 5
# A professional word this close, and closer than any personal word, makes a hit a topic...
PROFESSIONAL_WINDOW = 4
# ... in these categories only (see lexicons/README.md, context/professional).
PROFESSIONAL_TOPICS = frozenset({"health", "biometric"})


class Found:
    """What one Doc revealed: hits (category, tier, start, end), context words, pattern steps."""

    __slots__ = ("hits", "personal", "named", "professional", "partners", "possessives", "steps")

    def __init__(self) -> None:
        self.hits: list[tuple[str, str, int, int]] = []
        self.personal: list[int] = []
        self.named: list[int] = []
        self.professional: list[int] = []
        self.partners: list[tuple[int, str]] = []
        self.possessives: set[int] = set()
        self.steps: dict[int, dict[int, list[int]]] = {}

    def add(self, kind: tuple, start: int, end: int) -> None:
        name = kind[0]
        if name == "hit":
            self.hits.append((kind[1], kind[2], start, end))
        elif name == "personal":
            self.personal.append(start)
        elif name == "professional":
            self.professional.append(start)
        elif name == "step":
            self.steps.setdefault(kind[1], {}).setdefault(kind[2], []).append(start)
        elif name == "partner":
            self.partners.append((start, kind[1]))
        elif name == "possessive":
            self.possessives.add(start)

    def categories(self, hits: list[tuple[str, str, int, int]]) -> set[str]:
        """Return the categories of the hits that survive the context rules."""
        found: set[str] = set()
        self.personal.sort()
        self.named.sort()
        self.professional.sort()
        # 'my client', 'onze nieuwe klant': after a possessive, the work's word is a person
        self.professional = [p for p in self.professional
                             if p - 1 not in self.possessives and p - 2 not in self.possessives]
        for category, tier, start, end in hits:
            professional = self.professional if category in PROFESSIONAL_TOPICS else []
            if category not in found and _counts(
                tier, start, end, self.personal, professional, self.named
            ):
                found.add(category)
        return found

    def partner_mentions(self) -> list[tuple[int, str]]:
        """Return (token index, sex) for 'my husband', 'mijn vriendin', ..."""
        return [
            (i, sex) for i, sex in self.partners
            if i - 1 in self.possessives or i - 2 in self.possessives
        ]


def in_order(steps: dict[int, list[int]], places: list[int]) -> bool:
    """Tell whether each required step occurs after the previous one, within reach."""
    if len(steps) < len(places):
        return False
    reachable = set(steps[places[0]])
    for before, place in zip(places, places[1:], strict=False):
        gap = place - before
        reachable = {p for p in steps[place] if any(0 < p - r <= gap for r in reachable)}
        if not reachable:
            return False
    return True


def _distance(positions: list[int], start: int, end: int) -> int:
    """Return the distance in tokens from the nearest position to the span [start, end)."""
    if not positions:
        return 1 << 30
    i = bisect_left(positions, start)
    best = 1 << 30
    if i < len(positions):
        best = max(0, positions[i] - end + 1)
    if i > 0:
        best = min(best, start - positions[i - 1])
    return best


def _counts(tier: str, start: int, end: int, personal: list[int], professional: list[int],
            named: list[int] = ()) -> bool:
    to_personal = _distance(personal, start, end)
    # A hit's own words are no one's name ('Ramadan' is also a first name), nor the work
    # around it ('who started the course in a wheelchair' is about someone, not a course).
    named = [p for p in named if not start <= p < end]
    professional = [p for p in professional if not start <= p < end]
    to_named = _distance(named, start, end)
    to_professional = _distance(professional, start, end)
    if to_professional <= PROFESSIONAL_WINDOW and to_professional < min(to_personal, to_named):
        return False
    if tier == "when_personal":
        return to_personal <= PERSONAL_WINDOW or to_named <= NAME_WINDOW
    return True
