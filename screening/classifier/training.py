"""Train the classifier's model layer: one multi-label text classifier per language.

The model is a build artefact, like the translation catalogues: `trained/config.cfg` and the
labelled corpus go in, `trained/<lang>/` comes out, with the checksum of both recorded in its
meta.json so a test can tell a stale model. Training is `spacy train` itself (the CLI's own
function), on DocBins written from the corpus. The labels are the nine special categories,
`special` (any of them) and `relevant` (professional content that bore on its vacancy), so
the model learns what the rules say rather than one vacancy's words.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
from collections.abc import Iterable, Sequence
from contextlib import redirect_stderr, redirect_stdout
from io import StringIO
from pathlib import Path

import spacy
from spacy.tokens import DocBin

from screening.classifier import textcat as _textcat  # noqa: F401  (registers the architecture)
from screening.classifier.corpus import Record, read_posts, read_vacancies
from screening.classifier.language import detect_language
from screening.classifier.model import SpecialCategory, Vacancy

TRAINED_DIR = Path(__file__).parent / "trained"
CONFIG = TRAINED_DIR / "config.cfg"
PROJECT_CORPUS = Path(__file__).parent / "corpus"
SPECIAL_LABEL = "special"
RELEVANT_LABEL = "relevant"
LABELS = (*(c.value for c in SpecialCategory), SPECIAL_LABEL, RELEVANT_LABEL)
LANGUAGES = ("en", "nl")
SEED = 1337


def shared_dir() -> Path:
    """Return the shared folder beside the project (the two shared corpora live there)."""
    return Path(__file__).resolve().parents[3] / "shared"


def corpus_files() -> list[tuple[Path, Path]]:
    """Return the (vacancies, posts) file pairs of the development corpus, in a fixed order."""
    shared = shared_dir()
    return [
        (shared / "corpus" / "vacancies.json", shared / "corpus" / "posts.jsonl"),
        (shared / "corpus-v2" / "vacancies.json", shared / "corpus-v2" / "posts.jsonl"),
        (PROJECT_CORPUS / "vacancies.json", PROJECT_CORPUS / "posts.jsonl"),
    ]


def load_corpus(
    files: Sequence[tuple[Path, Path]] | None = None,
) -> tuple[dict[str, Vacancy], list[Record]]:
    """Read every vacancies/posts pair into one set of vacancies and one list of records."""
    vacancies: dict[str, Vacancy] = {}
    records: list[Record] = []
    for vacancies_path, posts_path in files or corpus_files():
        these = read_vacancies(vacancies_path)
        vacancies.update(these)
        records.extend(read_posts(posts_path, these))
    return vacancies, records


def checksum(files: Iterable[Path]) -> str:
    """Return the SHA-256 over the config and the given files, in order (their bytes only)."""
    digest = hashlib.sha256(CONFIG.read_bytes())
    for path in files:
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()


LEXICONS = Path(__file__).parent / "lexicons"


def corpus_checksum() -> str:
    """Return the checksum a model built from today's config, corpus and lexicons records.

    The lexicons count too: the thresholds are set for what the lexicon layer lets through.
    """
    # Redaction's lists change what an excerpt hides, not which posts are withheld; the
    # README explains the lexicons and changes nothing.
    lexicons = sorted(p for p in LEXICONS.rglob("*")
                      if p.is_file() and p.suffix != ".md"
                      and "redaction" not in p.relative_to(LEXICONS).parts)
    return checksum([*(path for pair in corpus_files() for path in pair), *lexicons])


def language_of(record: Record) -> str:
    """Return the pipeline a post goes to: the one the classifier would pick."""
    return detect_language(record.post.text, record.post.lang)


def cats_of(record: Record) -> dict[str, float]:
    """Return the training targets of one labelled post."""
    gold = record.gold or {}
    categories = set(gold.get("categories") or ())
    cats = {c.value: float(c.value in categories) for c in SpecialCategory}
    cats[SPECIAL_LABEL] = float(gold.get("verdict") == "withheld")
    cats[RELEVANT_LABEL] = float(gold.get("verdict") == "relevant")
    return cats


def train_language(records: Sequence[Record], lang: str, output: Path, seed: int = SEED) -> Path:
    """Train one language's model on `records` with `spacy train`; return its directory."""
    from spacy.cli.train import train as spacy_train

    chosen = [r for r in records if language_of(r) == lang]
    rng = random.Random(seed)
    dev = rng.sample(chosen, max(1, len(chosen) // 10))
    # The DocBins and spaCy's two checkpoints: ~8 MB a language, 124 times a build.
    with tempfile.TemporaryDirectory(prefix=f"fairscreen-train-{lang}-") as folder:
        work = Path(folder)
        blank = spacy.blank(lang)
        for name, part in (("train.spacy", chosen), ("dev.spacy", dev)):
            docs = DocBin()
            for record in part:
                doc = blank.make_doc(record.post.text)
                doc.cats = cats_of(record)
                docs.add(doc)
            docs.to_disk(work / name)
        overrides = {
            "paths.train": str(work / "train.spacy"),
            "paths.dev": str(work / "dev.spacy"),
            "nlp.lang": lang,
            "system.seed": seed,
        }
        with redirect_stdout(StringIO()), redirect_stderr(StringIO()):
            spacy_train(CONFIG, work / "out", overrides=overrides, use_gpu=-1)
        trained = spacy.load(work / "out" / "model-last")
    # The corpora were a build's temporary files: a model that names them would differ from
    # the same model built again.
    trained.config["paths"].update({"train": None, "dev": None})
    output.mkdir(parents=True, exist_ok=True)
    trained.to_disk(output)
    return output


def train_models(
    records: Sequence[Record], output: Path, seed: int = SEED,
    languages: Iterable[str] = LANGUAGES,
) -> dict[str, Path]:
    """Train every language's model under `output/<lang>`."""
    return {lang: train_language(records, lang, output / lang, seed) for lang in languages}
