"""A consumer runs several screenings in threads: they share one classifier and its zones."""

import random
import string
import threading

from screening.classifier import Classifier, Post, Vacancy
from screening.classifier import classifier as classifier_module


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


def test_a_process_builds_one_classifier_per_set_of_pipelines(monkeypatch):
    """Every app and thread of a process share it: loading the pipelines costs a second and
    a half, so two threads that ask at once must not both load them."""
    monkeypatch.setattr(classifier_module, "_SHARED", {})
    built: list[dict] = []
    started = threading.Event()

    def slow_build(cls, languages=("en", "nl"), names=None):
        built.append(dict(names))
        started.wait(0.2)  # the other threads ask while this one is still loading
        return object()

    monkeypatch.setattr(Classifier, "for_languages", classmethod(slow_build))
    names = {"en": "/models/en", "nl": None}
    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(Classifier.shared(names)))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(built) == 1 and len(set(map(id, got))) == 1
    assert Classifier.shared(dict(names)) is got[0]  # the same names in another dict
    other = Classifier.shared({"en": "/models/other", "nl": None})
    assert other is not got[0] and len(built) == 2
    for n in range(classifier_module.MAX_SHARED):  # the oldest goes first when full
        Classifier.shared({"en": f"/models/{n}", "nl": None})
    Classifier.shared(names)
    assert len(built) == 3 + classifier_module.MAX_SHARED
