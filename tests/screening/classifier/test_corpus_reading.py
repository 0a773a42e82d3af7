"""Reading the corpus format: reposts left out, connector field names, errors by line."""

import json

import pytest

from screening.classifier.corpus import CorpusError, read_posts
from screening.classifier.model import Vacancy

VACANCIES = {"v": Vacancy("v", ("Python",), "en")}


def _write(tmp_path, rows):
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_reposts_quotes_and_connector_fields(tmp_path):
    path = _write(tmp_path, [
        {"id": "a", "vacancy": "v", "text": "mine", "account": "karin", "gold": {}},
        {"id": "b", "vacancy": "v", "text": "boost", "is_own": False},
        {"id": "c", "vacancy": "v", "text": "quote", "quote": True},
        {"id": "d", "vacancy": "v", "text": "retweet", "repost": True},
    ])
    records = read_posts(path, VACANCIES)
    assert [r.post.is_own for r in records] == [True, False, False, False]
    assert records[0].post.author == "karin" and records[0].gold == {}


@pytest.mark.parametrize(
    "bad",
    ["{not json", json.dumps({"id": "x", "vacancy": "nope", "text": "t"}),
     json.dumps({"id": "x", "vacancy": "v"}), json.dumps(["a list"])],
)
def test_malformed_line_names_its_number(tmp_path, bad):
    path = _write(tmp_path, [{"id": "a", "vacancy": "v", "text": "ok"}, "", bad])
    with pytest.raises(CorpusError) as error:
        read_posts(path, VACANCIES)
    assert error.value.line == 3 and ":3:" in str(error.value)
