"""The vacancy page says how each criterion is matched and which related terms could be added."""

from html.parser import HTMLParser

import pytest

from compliance.accounts import Role


class Tables(HTMLParser):
    """Collect each table's rows as lists of (tag, text) cells, with the table's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[dict, list[list[tuple[str, str, dict]]]]] = []
        self.cell: tuple[str, dict] | None = None
        self.text = ""

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs), []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("th", "td"):
            self.cell, self.text = (tag, dict(attrs)), ""

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell:
            self.tables[-1][1][-1].append((self.cell[0], self.text.strip(), self.cell[1]))
            self.cell = None

    def handle_data(self, data):
        if self.cell:
            self.text += data


def matching_table(page: str) -> list[list[tuple[str, str, dict]]]:
    parser = Tables()
    parser.feed(page)
    found = [rows for attrs, rows in parser.tables
             if attrs.get("aria-labelledby") == "criteria-matching"]
    assert len(found) == 1, "one table of the criteria's matching"
    assert 'id="criteria-matching"' in page  # the heading that labels it
    return found[0]


@pytest.fixture
def vacancy(make_vacancy, make_user):
    return make_vacancy(owner=make_user(Role.RECRUITER),
                        criteria=["PostgreSQL", "Kubernetes", "Terraform", "Basket weaving"])


def test_recruiter_sees_the_variants_and_suggestions_of_each_criterion(client, login, vacancy):
    login(vacancy.owner)
    rows = matching_table(client.get(f"/vacancies/{vacancy.id}").get_data(as_text=True))
    head, *body = rows
    assert [(tag, text, attrs.get("scope")) for tag, text, attrs in head] == [
        ("th", "Criterion", "col"), ("th", "Also matches", "col"), ("th", "You could add", "col")]
    assert all(row[0][0] == "th" and row[0][2].get("scope") == "row" for row in body)
    cells = {row[0][1]: (row[1][1], row[2][1]) for row in body}
    assert list(cells) == ["PostgreSQL", "Kubernetes", "Terraform", "Basket weaving"]
    assert {"postgres", "psql"} <= set(cells["PostgreSQL"][0].split(", "))
    assert {"k8s", "kubectl"} <= set(cells["Kubernetes"][0].split(", "))
    suggested = cells["Kubernetes"][1].split(", ")
    assert "Helm" in suggested
    assert "Terraform" not in suggested  # already a criterion: nothing to add
    assert cells["Basket weaving"] == ("–", "–")


def test_read_only_readers_see_the_matching_but_no_suggestions(client, login, make_user,
                                                                vacancy):
    login(make_user(Role.LEGAL))
    page = client.get(f"/vacancies/{vacancy.id}").get_data(as_text=True)
    rows = matching_table(page)
    assert [text for _tag, text, _attrs in rows[0]] == ["Criterion", "Also matches"]
    assert "You could add" not in page and "Helm" not in page


def test_the_matching_is_explained_in_dutch(client, db, login, vacancy):
    login(vacancy.owner)
    vacancy.owner.language = "nl"
    db.session.commit()
    page = client.get(f"/vacancies/{vacancy.id}").get_data(as_text=True)
    head = matching_table(page)[0]
    assert [text for _tag, text, _attrs in head] == ["Criterium", "Komt ook overeen met",
                                                     "U kunt toevoegen"]
