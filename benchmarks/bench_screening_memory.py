"""Worker memory over 200 screening runs: RSS with spaCy memory zones vs without, same process.

Each run classifies posts full of words the pipelines have never seen (as real candidates'
posts are), which is what grows a long-running worker's vocabulary and string store.
Run from the project root: `.venv/bin/python benchmarks/bench_screening_memory.py`.
"""

import json
import random
import string
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from screening import classifier as nlp  # noqa: E402

RUNS = 200
POSTS_PER_RUN = 60
VACANCY = nlp.Vacancy(id="v", criteria=("Python", "Django", "PostgreSQL", "Kubernetes"))


def novel_posts(rng: random.Random) -> list[nlp.Post]:
    """Posts mixing job words with words no run has seen before."""
    def word() -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=rng.randint(5, 12)))

    return [nlp.Post(text=f"Deployed the {word()} service with Django and {word()} on "
                          f"Kubernetes; {word()} {word()} {word()} {word()}.", id=str(i))
            for i in range(POSTS_PER_RUN)]


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def measure(classifier: nlp.Classifier, zoned: bool, seed: int) -> list[tuple[float, int]]:
    rng, samples = random.Random(seed), []
    for run in range(1, RUNS + 1):
        posts = novel_posts(rng)
        with classifier.memory_zone(VACANCY) if zoned else nullcontext():
            classifier.classify_many(posts, VACANCY)  # as screening.runs._classify does
        if run in (10, 50, 100, 150, 200):
            strings = sum(len(p.vocab.strings) for p in classifier.pipelines.values())
            samples.append((rss_mb(), strings))
    return samples


def variant(zoned: bool) -> list[tuple[float, int]]:
    """Measure one variant in a fresh process, so neither inherits the other's memory."""
    out = subprocess.run([sys.executable, __file__, "--zoned" if zoned else "--plain"],
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    zoned, plain = variant(True), variant(False)
    print(f"{RUNS} runs x {POSTS_PER_RUN} posts of novel words, each variant in its own process;"
          " after runs 10/50/100/150/200:")
    for name, samples in [("with memory_zone  ", zoned), ("without (baseline)", plain)]:
        print(f"{name} RSS MB: " + "  ".join(f"{r:7.1f}" for r, _ in samples)
              + "   strings: " + "  ".join(f"{n:6d}" for _, n in samples))
    grow_zoned, grow_plain = zoned[-1][0] - zoned[0][0], plain[-1][0] - plain[0][0]
    print(f"RSS growth from run 10 to 200: with zones {grow_zoned:+.1f} MB, "
          f"baseline {grow_plain:+.1f} MB")
    print(f"string store growth: with zones {zoned[-1][1] - zoned[0][1]:+d}, "
          f"baseline {plain[-1][1] - plain[0][1]:+d}")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        print(json.dumps(measure(nlp.Classifier.for_languages(), sys.argv[1] == "--zoned", 1)))
    else:
        main()
