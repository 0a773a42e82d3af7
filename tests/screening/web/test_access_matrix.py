"""Every route x every role x own/other object: one table, one place that decides."""

import pytest

from compliance.accounts import Role
from compliance.audit import AuditAction, AuditEvent
from screening.models import Candidate, Vacancy
from tests.conftest import log_in, vacancy_values

VACANCY_FORM = {**{k: v for k, v in vacancy_values().items() if k not in ("criteria",
                   "allowed_sources", "assignee_ids")},
                "criteria": "Python\nSQL", "allowed_sources": ["rss"]}
CANDIDATE_FORM = {"name": "Kim de Boer", "email": "kim@example.org", "language": "nl"}

# route: (method, path, form). {v} is the vacancy, {c} its candidate, {u} another user.
ROUTES = {
    "dashboard": ("GET", "/dashboard", None),
    "vacancy_new_form": ("GET", "/vacancies/new", None),
    "vacancy_new": ("POST", "/vacancies/new", VACANCY_FORM),
    "vacancy_show": ("GET", "/vacancies/{v}", None),
    "vacancy_edit_form": ("GET", "/vacancies/{v}/edit", None),
    "vacancy_edit": ("POST", "/vacancies/{v}/edit", VACANCY_FORM),
    "candidate_new_form": ("GET", "/vacancies/{v}/candidates/new", None),
    "candidate_new": ("POST", "/vacancies/{v}/candidates/new", CANDIDATE_FORM),
    "candidate_show": ("GET", "/candidates/{c}", None),
    "candidate_edit_form": ("GET", "/candidates/{c}/edit", None),
    "candidate_edit": ("POST", "/candidates/{c}/edit", CANDIDATE_FORM),
    "candidate_decide": ("POST", "/candidates/{c}/decision", {"decision": "hired"}),
    "consent_request": ("POST", "/candidates/{c}/consent-request", None),
    "screening_start": ("POST", "/candidates/{c}/screening", None),
    "screening_progress": ("GET", "/candidates/{c}/run", None),
    "findings": ("GET", "/candidates/{c}/findings", None),
    "legal_rights": ("GET", "/legal/rights", None),
    "admin_users": ("GET", "/admin/users", None),
    "admin_user_edit": ("POST", "/admin/users/{u}", {"role": "legal", "active": "1"}),
    "admin_settings": ("GET", "/admin/settings", None),
    "admin_invite": ("POST", "/admin/users/invite", {"email": "invited@example.test",
                                                     "name": "Invited", "role": "recruiter"}),
    "admin_second_factor_reset": ("POST", "/admin/users/{u}/second-factor/reset", None),
    "preferences": ("GET", "/preferences", None),
}

# Who is asking: the vacancy's owner, an assigned recruiter, a recruiter of another vacancy,
# legal counsel, an administrator.
WHO = ("owner", "assigned", "other", "legal", "admin")
OBJECT_ROUTES = {"vacancy_show", "vacancy_edit_form", "vacancy_edit", "candidate_new_form",
                 "candidate_new", "candidate_show", "candidate_edit_form", "candidate_edit",
                 "candidate_decide", "consent_request", "screening_start", "screening_progress",
                 "findings"}
READ_ROUTES = {"dashboard", "vacancy_show", "candidate_show", "preferences",
               "screening_progress"}
LEGAL_ROUTES = {"legal_rights"}
ADMIN_ROUTES = {"admin_users", "admin_user_edit", "admin_settings",
                "admin_invite", "admin_second_factor_reset"}


def expected(route: str, who: str) -> int:
    method = ROUTES[route][0]
    ok = 302 if method == "POST" else 200
    if route == "preferences":
        return 200
    if route in ADMIN_ROUTES:
        return ok if who == "admin" else 403
    if route in LEGAL_ROUTES:
        return ok if who == "legal" else 403
    if who == "admin":
        return 403
    if who == "legal":
        return 200 if route in READ_ROUTES else 403
    if who == "other" and route in OBJECT_ROUTES:
        return 404
    return ok


CASES = [(route, who, expected(route, who)) for route in ROUTES for who in WHO]


@pytest.fixture
def world(db, make_user, make_vacancy, make_candidate):
    owner = make_user(Role.RECRUITER)
    assigned = make_user(Role.RECRUITER)
    people = {
        "owner": owner,
        "assigned": assigned,
        "other": make_user(Role.RECRUITER),
        "legal": make_user(Role.LEGAL),
        "admin": make_user(Role.ADMIN),
    }
    vacancy = make_vacancy(owner=owner, assignee_ids=[assigned.id])
    candidate = make_candidate(vacancy)
    make_vacancy(owner=people["other"])  # the other recruiter has a vacancy of their own
    return people, {"v": vacancy.id, "c": candidate.id, "u": people["other"].id}


@pytest.mark.parametrize(("route", "who", "status"), CASES,
                         ids=[f"{r}-{w}" for r, w, _ in CASES])
def test_route_role_matrix(client, db, login, world, route, who, status):
    people, ids = world
    method, path, form = ROUTES[route]
    login(people[who])
    before = _snapshot(db)
    response = client.open(path.format(**ids), method=method, data=form)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    if status in (403, 404):
        assert _snapshot(db) == before, "a refused request changed data"
    if status == 403:
        last = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert last.action == AuditAction.ACCESS_DENIED


@pytest.mark.parametrize("route", list(ROUTES))
def test_anonymous_is_sent_to_login(client, world, route):
    _people, ids = world
    method, path, form = ROUTES[route]
    response = client.open(path.format(**ids), method=method, data=form)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_missing_objects_answer_404_for_their_would_be_owner(client, login, world):
    people, _ids = world
    login(people["owner"])
    assert client.get("/vacancies/999999").status_code == 404
    assert client.get("/candidates/999999").status_code == 404
    assert client.get("/vacancies/9223372036854775808").status_code == 404  # beyond INTEGER


def test_dashboard_lists_only_the_recruiters_own_vacancies(app, world):
    people, ids = world
    link = f'/vacancies/{ids["v"]}"'
    for who, shown in [("other", False), ("assigned", True), ("owner", True), ("legal", True)]:
        client = app.test_client()
        log_in(client, people[who])
        assert (link in client.get("/dashboard").get_data(as_text=True)) is shown, who


def _snapshot(db):
    db.session.rollback()  # end the test's own transaction, so the requests' commits show
    vacancies = [(v.id, v.title, v.status, tuple(v.criteria), len(v.assessments))
                 for v in db.session.scalars(db.select(Vacancy).order_by(Vacancy.id))]
    candidates = [(c.id, c.name, c.email, c.state, c.decision)
                  for c in db.session.scalars(db.select(Candidate).order_by(Candidate.id))]
    return vacancies, candidates
