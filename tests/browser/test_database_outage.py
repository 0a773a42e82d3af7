"""The pages a database outage answers, in a real browser: readable, accessible, and leading
back to where the reader can try again. The outage: another writer holds SQLite's lock."""

import sqlite3
from contextlib import contextmanager

from sqlalchemy import event

from compliance.accounts import Role, create_user
from compliance.db import db
from tests.browser.test_candidate_words import consent_link, read
from tests.conftest import PASSWORD, vacancy_values


@contextmanager
def locked(live_app):
    """Hold the database's write lock from a second connection, past the app's busy timeout."""
    def short_wait(dbapi_connection, _record) -> None:  # after the app's own 10 s timeout
        dbapi_connection.execute("PRAGMA busy_timeout=50")

    db.session.remove()
    db.engine.dispose()
    event.listen(db.engine, "connect", short_wait)
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        event.remove(db.engine, "connect", short_wait)


def test_a_candidate_whose_answer_could_not_be_saved_is_told_in_their_words(
        live_app, live_server, page, axe):
    page.goto(f"{live_server}/{consent_link(live_app, 'nl')}")
    read(page, axe, "nl")
    page.locator("#agree-x-archive-yes").check()
    with locked(live_app):
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Mijn antwoord versturen").click()
        assert answer.value.status == 503
        text = read(page, axe, "nl")
    assert "Dit lukte ons nu even niet" in text
    with page.expect_navigation():
        page.get_by_role("link", name="Terug naar je pagina").click()
    read(page, axe, "nl")  # the agreement form again: nothing of the answer was kept
    page.locator("#agree-x-archive-yes").check()
    page.get_by_role("button", name="Mijn antwoord versturen").click()
    page.wait_for_url("**/portal/**")
    read(page, axe, "nl")


def test_a_recruiter_whose_form_could_not_be_saved_goes_back_to_their_start(
        live_app, live_server, page, axe):
    from screening.vacancies import create_vacancy

    recruiter = create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER,
                            actor="system")
    vacancy = create_vacancy(vacancy_values(), owner=recruiter)
    db.session.commit()
    page.goto(f"{live_server}/login")
    axe.check()
    page.locator("#email").fill("rita@example.test")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/dashboard**")
    axe.check()
    page.goto(f"{live_server}/vacancies/{vacancy.id}/candidates/new")
    axe.check()
    page.locator("#name").fill("Robin de Vries")
    page.locator("#email").fill("robin@example.org")
    with locked(live_app):
        with page.expect_response(lambda r: r.request.method == "POST") as answer:
            page.get_by_role("button", name="Save").click()
        assert answer.value.status == 503
        axe.check()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "The service is briefly unavailable")
    page.get_by_role("link", name="Back to the start page").click()
    page.wait_for_url("**/dashboard**")
    axe.check()
