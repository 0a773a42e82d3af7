"""The `flask screening classify|evaluate` commands, through the app's CLI runner."""

import json

from .conftest import CORPUS

VACANCIES = str(CORPUS / "vacancies.json")


def _posts(tmp_path, lines):
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_classify_writes_one_line_per_post(runner, tmp_path):
    posts = _posts(
        tmp_path,
        [
            json.dumps({"id": "a", "vacancy": "v-backend-en", "author": "me",
                        "text": "Shipped our Django REST API with pytest.", "gold": {}}),
            json.dumps({"id": "b", "vacancy": "v-backend-en", "author": "me",
                        "text": "Proud Unite member."}),
        ],
    )
    out = tmp_path / "out.jsonl"
    result = runner.invoke(
        args=["screening", "classify", "--vacancies", VACANCIES, "--posts", posts,
              "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["verdict"] for r in rows] == ["relevant", "withheld"]
    assert rows[1] == {"id": "b", "verdict": "withheld", "categories": ["trade_union"],
                       "matched": [], "excerpt": None}
    assert set(rows[0]) == {"id", "verdict", "categories", "matched", "excerpt"}


def test_malformed_line_reports_its_number_and_leaves_no_output(runner, tmp_path):
    good = json.dumps({"id": "a", "vacancy": "v-backend-en", "text": "hi"})
    posts = _posts(tmp_path, [good, good, "{not json"])
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "out.jsonl"
    result = runner.invoke(
        args=["screening", "classify", "--vacancies", VACANCIES, "--posts", posts,
              "--output", str(out)]
    )
    assert result.exit_code != 0
    assert ":3:" in result.output
    assert list(folder.iterdir()) == []


def test_evaluate_prints_the_measures(runner):
    result = runner.invoke(
        args=["screening", "evaluate", "--vacancies", VACANCIES,
              "--posts", str(CORPUS / "posts.jsonl")]
    )
    assert result.exit_code == 0, result.output
    for heading in ("special-category recall", "relevant precision", "relevant recall",
                    "PII leaked into excerpts: 0", "confusion matrix", "health"):
        assert heading in result.output
