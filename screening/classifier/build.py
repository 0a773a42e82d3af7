"""Build the model layer from the committed config and corpus (`make model`).

Leave-one-vacancy-out cross-validation over the whole development corpus sets the model
layer's thresholds: first the relevance rules' (the most relevant posts shown at a relevant
precision of at least 0.90), then the special-category ones (the highest that withhold every
special-category post of every fold);
then each language's model is trained on every post and written to `trained/<lang>`, with
the checksum of the config and corpus, the thresholds and the cross-validated figures in
its meta.json, and the figures in `trained/CROSSVAL.md`. `--if-stale` rebuilds only when the
checksum no longer matches (`make setup` runs it, as it compiles the translation catalogues).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import spacy

from screening.classifier.crossval import (
    build_workers,
    choose_relevance,
    nested_report,
    reports,
    score_folds,
    strictest_thresholds,
    trained_folds,
)
from screening.classifier.pipeline import TRAINED_DIR
from screening.classifier.training import (
    LANGUAGES,
    corpus_checksum,
    corpus_files,
    load_corpus,
    train_models,
)

REPORT = TRAINED_DIR / "CROSSVAL.md"


def recorded_checksum(lang: str) -> str | None:
    """Return the checksum a built model recorded, or None when there is no model."""
    meta = TRAINED_DIR / lang / "meta.json"
    if not meta.is_file():
        return None
    return (json.loads(meta.read_text(encoding="utf-8")).get("fairscreen") or {}).get("checksum")


def stale() -> list[str]:
    """Return the languages whose model does not match today's config and corpus."""
    current = corpus_checksum()
    return [lang for lang in LANGUAGES if recorded_checksum(lang) != current]


def build(folds: int | None = None, progress=print, keep: Path | None = None,
          workers: int = 1) -> dict:
    """Cross-validate, set the thresholds, train on everything, write the models (`keep`:
    a folder where the folds' models stay, and are reused while their training is the same;
    `workers`: how many processes train and score folds at once)."""
    vacancies, records = load_corpus()
    k = folds or len({r.vacancy for r in records})
    progress(f"cross-validating over {k} folds of {len(records)} posts")
    with trained_folds(records, k, progress=progress, keep=keep, workers=workers) as folds:
        progress("choosing the relevance rules' thresholds")
        relevance = choose_relevance(score_folds(folds, vacancies, records,
                                                 workers=workers))
        progress(f"classifying the held-out posts with {relevance}")
        scored = score_folds(folds, vacancies, records, relevance, workers)
    thresholds = {**strictest_thresholds(scored), **relevance}
    per_fold, pooled = reports(scored, thresholds)
    nested = nested_report(scored, thresholds)
    summary = {
        "checksum": corpus_checksum(),
        "thresholds": thresholds,
        "built": datetime.now(UTC).isoformat(timespec="seconds"),
        "posts": len(records),
        "vacancies": len(vacancies),
        "crossval": {
            "folds": len(per_fold),
            "special_shown": len(pooled.special_shown),
            "category_recall": pooled.category_recall,
            "relevant_precision": round(pooled.relevant_precision, 4),
            "relevant_recall": round(pooled.relevant_recall, 4),
            "false_withhold_rate": round(pooled.false_withhold_rate, 4),
            "pii_leaks": len(pooled.leaks),
        },
        "nested": {
            "special_shown": len(nested.special_shown),
            "relevant_precision": round(nested.relevant_precision, 4),
            "relevant_recall": round(nested.relevant_recall, 4),
            "false_withhold_rate": round(nested.false_withhold_rate, 4),
        },
    }
    progress("training on every post")
    with tempfile.TemporaryDirectory(prefix="fairscreen-build-") as folder:
        paths = train_models(records, Path(folder))
        for lang, path in paths.items():
            nlp = spacy.load(path)
            nlp.meta["fairscreen"] = summary
            nlp.meta["name"] = f"fairscreen_{lang}"
            staged = TRAINED_DIR / f".{lang}.new"
            shutil.rmtree(staged, ignore_errors=True)
            nlp.to_disk(staged)
            shutil.rmtree(TRAINED_DIR / lang, ignore_errors=True)
            staged.rename(TRAINED_DIR / lang)
    REPORT.write_text(_report(summary, pooled.lines(details=False), per_fold, nested),
                      encoding="utf-8")
    return summary


def _report(summary: dict, pooled: list[str], per_fold, nested) -> str:
    lines = [
        "# Cross-validated figures of the built model",
        "",
        f"Leave-one-vacancy-out over {summary['vacancies']} vacancies and {summary['posts']} "
        f"posts; thresholds {json.dumps(summary['thresholds'])} (set so that every "
        "special-category post of every fold is withheld). Written by `make model`.",
        "",
        "## Pooled",
        "",
        "```",
        *pooled,
        "```",
        "",
        "## Nested estimate",
        "",
        "The thresholds above are set by the worst special post of every fold, so the pooled "
        "figures show no special post by construction. Here each held-out vacancy is judged "
        "at the model layer's thresholds set from the other vacancies only, as an unseen "
        "vacancy would be: the special posts shown estimate what a new set would show.",
        "",
        "```",
        f"special posts shown to the recruiter: {len(nested.special_shown)}",
        *(f"  {post_id}" for post_id in nested.special_shown),
        f"false withholds: {nested.false_withholds} of {nested.relevant_support} relevant "
        f"posts ({nested.false_withhold_rate:.1%})",
        f"relevant precision {nested.relevant_precision:.3f}",
        f"relevant recall    {nested.relevant_recall:.3f}",
        "```",
        "",
        "## Per fold",
        "",
        "| fold | special shown | false withholds | relevant precision | relevant recall |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for number, report in enumerate(per_fold, start=1):
        lines.append(
            f"| {number} | {len(report.special_shown)} | {report.false_withholds}"
            f"/{report.relevant_support} | {report.relevant_precision:.3f} "
            f"| {report.relevant_recall:.3f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--if-stale", action="store_true",
                        help="build only when the config or corpus changed")
    parser.add_argument("--folds", type=int, default=None,
                        help="vacancy folds (default: one per vacancy)")
    parser.add_argument("--keep-folds", type=Path, default=None, metavar="DIR",
                        help="keep the folds' models in DIR and reuse those whose posts, "
                             "config and code are unchanged (after a lexicon change, the "
                             "build then only scores again)")
    parser.add_argument("--workers", type=int, default=None, metavar="N",
                        help="processes that train and score folds at once (default: one per CPU)")
    args = parser.parse_args(argv)
    missing = [str(p) for pair in corpus_files() for p in pair if not p.is_file()]
    if missing:
        print(f"model: corpus files missing, model left as it is: {', '.join(missing)}")
        return 0 if args.if_stale else 1
    if args.if_stale and not stale():
        print("model: up to date with its config and corpus")
        return 0
    summary = build(args.folds, keep=args.keep_folds,
                    workers=args.workers or build_workers())
    print(f"model: built, thresholds {summary['thresholds']}, figures in {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
