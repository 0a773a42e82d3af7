"""Tell Dutch from English, and both from other languages, by counting function words.

Only Dutch and English have pipelines. A post whose function words are mostly those of
another language (French, German, Spanish, Italian, Portuguese, Turkish, Polish) is never
assessed with the wrong pipeline: the classifier counts it as not assessed and shows nothing.
"""

from __future__ import annotations

# Characters looked at: the opening of a post tells its language, and long posts cost time.
SAMPLE = 200

# Frequent function words that the other language does not share.
_NL = frozenset(
    "de het een en van ik je jij we wij ze zij hij niet dat die dit is zijn was met voor op "
    "aan bij naar uit ook maar nog al om dan als er wat wie hoe waar heb hebben heeft ben "
    "wordt worden werd kan kunnen moet mijn onze ons jouw hun geen meer wel nu door over "
    "tot na veel vandaag morgen gisteren weer echt even eens toch want omdat zo mee deze "
    "elke iedereen alles niets iets samen jaar week dag nieuwe goede trots eerste".split()
)
_EN = frozenset(
    "the a an and of i you we they he she it not that this these those is are was were be "
    "been with for on at to from by my our your their his her no more just now through "
    "about after today tomorrow yesterday again really still because so what who how where "
    "have has had can could should would will do does did into out up all any some every "
    "new first proud thanks week year day".split()
)


# Function words of other languages that neither Dutch nor English uses as words.
_OTHER = {
    "fr": frozenset("le la les un une des du est et je tu il elle nous vous ils sont avec pour "
                    "pas sur dans qui que ce cette mon ma mes notre votre leur très mais ou "
                    "aujourd'hui c'est j'ai au aux été fait".split()),
    "de": frozenset("der die das und ist ich du wir ihr sie nicht mit für auf dem den ein eine "
                    "einen zu von bei auch heute sehr aber oder wie was noch schon mein meine "
                    "unser unsere ist sind haben habe".split()),
    "es": frozenset("el la los las y es un una que con para por del en mi mis muy pero hoy "
                    "este esta estoy somos tengo nuestro nuestra como más".split()),
    "it": frozenset("il lo gli le una che con per del della sono è non mio mia oggi molto ma "
                    "questo questa siamo ho abbiamo nostro nostra come più".split()),
    "pt": frozenset("o os as um uma que com para do da dos das não meu minha hoje muito mas "
                    "este esta estou somos tenho nosso nossa como mais".split()),
    "tr": frozenset("ve bir bu için ile çok ben sen biz siz ama değil daha gibi olarak".split()),
    "pl": frozenset("i w na z jest nie się to że do jak ale dla jestem bardzo dzisiaj".split()),
}
# Another language wins only with this many of its own function words and more than Dutch
# and English together: a French word in a Flemish post keeps the post Dutch.
OTHER_MIN = 3


def detect_language(text: str, hint: str | None = None) -> str:
    """Return 'nl', 'en' or another language's code; nl/en ties go to the hint, then English."""
    # Distinct words, split and intersected in C: cheap enough to run on every post. Words
    # with punctuation attached are missed, which function words rarely have.
    words = set(text[:SAMPLE].lower().split())
    nl = len(words & _NL)
    en = len(words & _EN)
    if nl + en < 4:
        counts = {lang: len(words & vocabulary) for lang, vocabulary in _OTHER.items()}
        other = max(counts, key=counts.__getitem__)
        if counts[other] >= OTHER_MIN and counts[other] > nl + en:
            return other
    if nl > en:
        return "nl"
    if en > nl:
        return "en"
    return hint if hint in ("nl", "en") else "en"
