"""A consumer runs several screenings in threads: they share one classifier and its zones."""

import random
import string
import threading

from screening.classifier import Post, Vacancy


def test_runs_in_several_threads_classify_side_by_side(lexicon_layer):
    """A memory zone that ends frees the strings another thread's zone still reads (spaCy's
    E018 KeyError), unless zones take turns."""
    errors: list[BaseException] = []

    def screen(seed: int) -> None:
        rng = random.Random(seed)
        vacancy = Vacancy(id=f"v{seed}", criteria=("design", "writing", "blog"))
        for _ in range(15):
            posts = [Post(id=str(i), text="Wrote about design for the blog: " + " ".join(
                "".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(30)))
                for i in range(8)]
            try:
                with lexicon_layer.memory_zone(vacancy):
                    verdicts = lexicon_layer.classify_many(posts, vacancy)
                assert len(verdicts) == len(posts)
            except BaseException as error:  # collected: a thread's failure fails the test
                errors.append(error)

    threads = [threading.Thread(target=screen, args=(seed,)) for seed in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
