"""Criminal data (Art. 10): criteria that ask about records are refused and explained, and the
classifier never receives a word about them, whichever way the vacancy was made."""

import pytest

from compliance.accounts import Role
from compliance.audit import AuditEvent
from screening import criminal_records
from screening.criminal_records import asks_about_records, classifier_vacancy, load_terms
from screening.models import Vacancy
from screening.vacancies import CriminalCriterionError, create_vacancy, update_vacancy
from tests.conftest import vacancy_values
from tests.screening.web.test_access_matrix import VACANCY_FORM

ASKING = [
    "VOG", "vog-aanvraag", "Verklaring Omtrent het Gedrag", "geen strafblad", "blanco strafblad",
    "Justitiële documentatie", "uittreksel uit het strafregister", "strafregisteruittreksel",
    "bewijs van goed zedelijk gedrag", "certificate of good conduct", "criminal record check",
    "No criminal record", "DBS check", "enhanced DBS", "background check on convictions",
    "unspent convictions", "police clearance", "extrait de casier judiciaire",
    "certificat de bonne vie et mœurs",
]
ORDINARY = [
    "security awareness", "law enforcement experience", "criminal law", "criminal justice",
    "strafrecht", "prison service", "offender management", "SQL DBs", "vogelbescherming",
    "background check processes", "compliance", "integriteit", "Python",
]
NOTICE_WORDS = ("certificate of conduct", "VOG", "uittreksel uit het strafregister")


@pytest.fixture
def recruiter(make_user, login):
    user = make_user(Role.RECRUITER)
    login(user)
    return user


@pytest.mark.parametrize("criterion", ASKING)
def test_a_criterion_asking_about_records_is_refused_and_explained(client, db, recruiter,
                                                                   criterion):
    before = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent))
    response = client.post("/vacancies/new",
                           data={**VACANCY_FORM, "criteria": f"Python\n{criterion}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    error = page.split('<p class="field-error" id="criteria-error">')[1].split("</p>")[0]
    assert f"“{criterion}”" in error and "Python" not in error
    assert "certificate of conduct" in error and "uittreksel uit het strafregister" in error
    notice = page.split('<p class="notice" id="criteria-notice" role="note">')[1].split("</p>")[0]
    assert all(word in notice for word in NOTICE_WORDS)
    assert 'aria-describedby="criteria-hint criteria-notice criteria-error"' in page
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Vacancy)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == before


@pytest.mark.parametrize("criterion", ORDINARY)
def test_ordinary_criteria_are_accepted_without_a_notice(client, db, recruiter, criterion):
    response = client.post("/vacancies/new",
                           data={**VACANCY_FORM, "criteria": f"Python\n{criterion}"}
                           if criterion != "Python" else VACANCY_FORM)
    assert response.status_code == 302
    vacancy = db.session.scalars(db.select(Vacancy)).one()
    page = client.get(f"/vacancies/{vacancy.id}/edit").get_data(as_text=True)
    assert 'class="notice"' not in page


def test_a_description_asking_for_a_vog_is_kept_and_gets_the_notice(client, db, recruiter):
    form = {**VACANCY_FORM, "description": "Beheer van ons netwerk. Een VOG is vereist."}
    assert client.post("/vacancies/new", data=form).status_code == 302
    vacancy = db.session.scalars(db.select(Vacancy)).one()
    edit = client.get(f"/vacancies/{vacancy.id}/edit").get_data(as_text=True)
    assert 'id="description-notice"' in edit and 'id="criteria-notice"' not in edit
    shown = client.get(f"/vacancies/{vacancy.id}").get_data(as_text=True)
    assert '<p class="notice" role="note">' in shown and "uittreksel uit het strafregister" in shown


def test_the_message_and_notice_are_in_dutch_for_a_dutch_recruiter(client, db, recruiter):
    recruiter.language = "nl"
    db.session.commit()
    page = client.post("/vacancies/new",
                       data={**VACANCY_FORM, "criteria": "strafblad"}).get_data(as_text=True)
    assert "Verwijder “strafblad”: bij de screening wordt nooit" in page
    assert "vraag de kandidaat dan om een bewijs van goed gedrag" in page


@pytest.mark.parametrize("operation", ["create", "update"])
def test_the_operations_refuse_such_criteria_for_every_caller(db, make_user, make_vacancy,
                                                              operation):
    owner = make_user(Role.RECRUITER)
    values = vacancy_values(criteria=["Python", "Verklaring omtrent het gedrag"])
    with pytest.raises(CriminalCriterionError) as caught:
        if operation == "create":
            create_vacancy(values, owner=owner)
        else:
            update_vacancy(make_vacancy(owner=owner), values, actor=owner)
    assert caught.value.field == "criteria"
    assert "“Verklaring omtrent het gedrag”" in caught.value.message


def test_what_reaches_the_classifier_never_asks_about_records(db, make_vacancy):
    vacancy = make_vacancy(description="Network operations. A VOG is required. Linux daily.")
    # A vacancy stored before criteria were checked, or written around the operations.
    vacancy.criteria = ["Python", "strafblad", "DBS check", "law enforcement experience"]
    vacancy.title = "Beheerder (VOG vereist)"
    db.session.commit()
    judged = classifier_vacancy(vacancy)
    assert judged.criteria == ("Python", "law enforcement experience")
    assert judged.description == "Network operations. Linux daily."
    assert not asks_about_records(" ".join((judged.title, judged.description, *judged.criteria)))


@pytest.mark.parametrize("term", load_terms())
def test_every_listed_term_is_refused_and_kept_from_the_classifier(term):
    spelled = term.removesuffix("*")
    assert asks_about_records(spelled), term
    assert asks_about_records(spelled.upper() + " vereist"), term


def test_the_terms_file_has_dutch_and_english(tmp_path):
    import yaml

    data = yaml.safe_load(criminal_records.TERMS_FILE.read_text(encoding="utf-8"))
    assert {"en", "nl"} <= set(data) and all(data[lang] for lang in ("en", "nl"))


def test_the_run_hands_the_classifier_the_gated_vacancy(app, db, make_candidate, monkeypatch):
    from screening import runs

    candidate = make_candidate()
    candidate.vacancy.criteria = ["Python", "VOG"]
    db.session.commit()
    # The run classifies against the criteria the candidate agreed to: gated all the same.
    seen = []
    classifier = runs.get_classifier()
    real = classifier.classify_many
    monkeypatch.setattr(classifier, "classify_many",
                        lambda items, vacancy: seen.append(vacancy) or real(items, vacancy))
    assert runs._classify([], candidate, ["Python", "VOG"]) == []
    assert seen[0].criteria == ("Python",)
