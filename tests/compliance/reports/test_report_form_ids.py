"""The reports page holds six forms with the same fields: every id on it is unique, every label
names a field that exists, and a refused request shows its errors in the form it came from."""

from collections import Counter
from html.parser import HTMLParser

import pytest

from compliance.accounts import Role


class Ids(HTMLParser):
    """Collect the ids, the labels' targets, the ids fields are described by, the in-page
    links, and which form each field error sits in."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.label_for: list[str] = []
        self.described: list[str] = []
        self.anchors: list[str] = []
        self.errors_in: list[str | None] = []
        self.form: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "form":
            self.form = attrs.get("id")
        if tag == "label" and attrs.get("for"):
            self.label_for.append(attrs["for"])
        self.described += (attrs.get("aria-describedby") or "").split()
        if tag == "a" and (attrs.get("href") or "").startswith("#"):
            self.anchors.append(attrs["href"][1:])
        if "field-error" in (attrs.get("class") or "").split():
            self.errors_in.append(self.form)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None


def read(html: str) -> Ids:
    parser = Ids()
    parser.feed(html)
    repeated = [i for i, n in Counter(parser.ids).items() if n > 1]
    assert not repeated, f"ids used more than once: {repeated}"
    missing = [i for i in parser.label_for + parser.described + parser.anchors
               if i not in parser.ids]
    assert not missing, f"pointing at no element: {missing}"
    return parser


@pytest.fixture
def legal(make_user, login, make_candidate):
    make_candidate()  # so that the candidate and vacancy lists have an option
    user = make_user(Role.LEGAL)
    login(user)
    return user


def test_every_id_on_the_reports_page_is_unique_and_every_label_finds_its_field(client, legal):
    page = client.get("/legal/reports")
    assert page.status_code == 200
    parser = read(page.text)
    languages = [i for i in parser.label_for if i.endswith("-lang")]
    assert languages == ["audit-candidate-lang", "audit-vacancy-lang", "audit-period-lang",
                         "access-lang", "ropa-lang", "dpia-lang"]
    assert 'id="lang"' not in page.text
    # Each field still posts under its own name: the ids changed, the form's contract did not.
    assert page.text.count('name="lang"') == 6 and page.text.count('name="candidate"') == 2


@pytest.mark.parametrize(("form", "key", "field"), [
    ({"kind": "dpia", "lang": "en"}, "dpia", "vacancy"),
    ({"kind": "access", "lang": "en"}, "access", "candidate"),
    ({"kind": "audit", "lang": "en", "since": "2026-02-01", "until": "2026-01-01"},
     "audit-period", "until"),
])
def test_a_refused_request_shows_its_error_in_its_own_form(client, legal, form, key, field):
    response = client.post("/legal/reports", data=form)
    assert response.status_code == 422
    parser = read(response.text)  # the summary's link reaches the field it names
    assert f"{key}-{field}" in parser.anchors
    assert parser.errors_in == [f"{key}-kind"]
    assert f'id="{key}-{field}-error"' in response.text
    assert f'aria-describedby="{key}-{field}-error"' in response.text
