"""The whole case in Debian's Chromium, with a real task consumer and recorded sources."""

import json
import re
import shutil
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from compliance.accounts import Role, create_user
from compliance.db import db
from compliance.organisation import update_settings
from compliance.outbox import OutboxMessage
from screening.app import create_app
from screening.sources.addresses import ALLOW_PRIVATE_ENV
from tests.browser.conftest import ARTIFACTS, Axe
from tests.conftest import PASSWORD, ROOT, IsolatedClient, base_config
from tests.screening.case.conftest import FAST, POSTS, feed
from tests.screening.sources.conftest import RecordedServer, _server4, recorded, reply  # noqa: F401

JSON = "application/json; charset=utf-8"


@pytest.fixture
def sources(_server4):  # noqa: F811
    server = _server4
    server.routes.clear()
    server.route("/feed.xml", lambda h: reply(h, 200, feed(POSTS), "application/rss+xml"))
    server.serve("/users/sigmavirus24", recorded("github/github3py-user-sigmavirus24.json"), JSON)
    server.serve("/users/sigmavirus24/events/public",
                 recorded("github/github3py-user-public-events-sigmavirus24-page1.json"), JSON)
    server.serve("/users/sigmavirus24/repos",
                 recorded("github/github3py-user-repos-dstufft-page1.json"), JSON)
    return server


@pytest.fixture
def case_app(tmp_path, sqlite_template, monkeypatch, sources):
    path = tmp_path / "e2e.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")
    app = create_app(base_config(
        f"sqlite:///{path}", WTF_CSRF_ENABLED=True, SESSION_COOKIE_SECURE=True,
        HUEY_IMMEDIATE=False, SOURCE_CLIENT_SETTINGS=FAST,
        SOURCE_BASE_URLS={"github": sources.base}))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app


@pytest.fixture
def case_server(case_app):
    server = make_server("127.0.0.1", 0, case_app, threaded=True)
    case_app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    consumer = case_app.extensions["huey"].create_consumer(workers=1, worker_type="thread",
                                                          periodic=False)
    consumer.start()
    yield case_app.config["PUBLIC_URL"]
    consumer.stop(graceful=True)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


def latest_link(kind: str, which: str) -> str:
    db.session.rollback()
    message = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.kind == kind)
                                 .order_by(OutboxMessage.id.desc())).first()
    return re.search(rf"https?://\S+/{which}/[\w-]+", str(message.body)).group(0)


def test_recruiter_candidate_and_erasure_in_a_browser(case_app, case_server, sources, browser,
                                                      tmp_path):
    create_user("rita@example.test", "Rita Recruiter", PASSWORD, Role.RECRUITER, actor="system")
    update_settings({"controller_name": "Acme B.V.", "controller_address": "Damrak 1",
                     "dpo_contact": "dpo@acme.test"}, actor="system")
    db.session.commit()
    ARTIFACTS.mkdir(exist_ok=True)
    shots = iter(range(1, 100))

    def shoot(page, name):
        page.screenshot(path=str(ARTIFACTS / f"e2e-{next(shots):02d}-{name}.png"), full_page=True)

    recruiter = browser.new_context(locale="en-GB").new_page()
    staff = Axe(recruiter)
    recruiter.goto(f"{case_server}/login")
    staff.check()
    recruiter.get_by_label("E-mail address").fill("rita@example.test")
    recruiter.get_by_label("Password").fill(PASSWORD)
    with recruiter.expect_navigation():
        recruiter.get_by_role("button", name="Log in").click()
    staff.check()
    with recruiter.expect_navigation():
        recruiter.get_by_role("link", name="New vacancy").click()
    staff.check()
    recruiter.get_by_label("Title").fill("Python backend developer")
    recruiter.get_by_label("Language of the vacancy").select_option("en")
    recruiter.get_by_label("Job-relevant criteria").fill("Python\nDjango\nPostgreSQL\npytest")
    recruiter.get_by_label("Blog or feed (RSS/Atom)").check()
    recruiter.get_by_label("GitHub").check()
    recruiter.get_by_label("Lookback (years)").fill("10")
    for label, text in [("Purpose", "Check published engineering work."),
                        ("Necessity", "The role is judged on public code."),
                        ("Less intrusive alternatives", "Interview only."),
                        ("Balancing of interests", "Confirmed accounts only.")]:
        recruiter.get_by_label(label).fill(text)
    with recruiter.expect_navigation():
        recruiter.get_by_role("button", name="Save").click()
    staff.check()
    with recruiter.expect_navigation():
        recruiter.get_by_role("link", name="Add a candidate").click()
    staff.check()
    recruiter.get_by_label("Name").fill("Jamie Jansen")
    recruiter.get_by_label("E-mail address").fill("jamie@example.org")
    recruiter.get_by_label("Language for messages to the candidate").select_option("en")
    with recruiter.expect_navigation():
        recruiter.get_by_role("button", name="Save").click()
    staff.check()
    with recruiter.expect_navigation():
        recruiter.get_by_role("button", name="Ask for agreement").click()
    staff.check()
    assert recruiter.get_by_text("The request for agreement is on its way").is_visible()
    shoot(recruiter, "recruiter-asked")

    candidate = browser.new_context(locale="en-GB").new_page()
    own = Axe(candidate)
    candidate.goto(latest_link("consent_request", "consent"))
    own.check()
    shoot(candidate, "consent-page")
    candidate.locator("#agree-rss-yes").check()
    candidate.locator("#account-rss").fill(sources.url("/feed.xml"))
    candidate.locator("#agree-github-yes").check()
    candidate.locator("#account-github").fill("sigmavirus24")
    candidate.get_by_role("button", name="Send my answer").click()
    candidate.wait_for_url("**/portal/**")
    own.check()
    shoot(candidate, "portal-before-run")

    recruiter.reload()
    staff.check()
    recruiter.get_by_role("button", name="Start the screening").click()
    recruiter.wait_for_url("**/run")
    shoot(recruiter, "run-progress")
    recruiter.get_by_text("Done.").wait_for(timeout=60_000)
    staff.check()  # the run page refreshes itself until done: checked as it stands then
    shoot(recruiter, "run-done")
    with recruiter.expect_navigation():
        recruiter.get_by_role("link", name="Read the findings").click()
    staff.check()
    assert recruiter.get_by_text("A decision may not rest on this alone.").is_visible()
    page_text = recruiter.content()
    assert "Django" in page_text and "burn-out" not in page_text
    shoot(recruiter, "findings")

    candidate.goto(latest_link("screened_notice", "portal"))
    own.check()
    candidate.locator("textarea").first.fill("I led the testing work on that migration.")
    with candidate.expect_navigation():
        candidate.get_by_role("button", name="Save context").first.click()
    own.check()
    assert candidate.get_by_text("Your context is saved.").is_visible()
    shoot(candidate, "portal-with-context")
    recruiter.reload()
    staff.check()
    assert recruiter.get_by_text("I led the testing work").is_visible()

    with candidate.expect_navigation():
        candidate.get_by_role("link", name="See everything we hold about you").click()
    own.check()
    assert candidate.get_by_role("heading", name="Access report").is_visible()
    shoot(candidate, "access-report")
    candidate.go_back()
    own.check()
    with candidate.expect_download() as download:
        candidate.get_by_role("link", name="Download a copy of your data (JSON)").click()
    data = json.loads(download.value.path().read_text())
    assert data["candidate"]["email"] == "jamie@example.org"
    with candidate.expect_download() as download:
        candidate.get_by_role("link", name="Download the signed access report (PDF)").click()
    report = download.value.path()
    assert report.read_bytes().startswith(b"%PDF")
    shutil.copy(report, ARTIFACTS / "e2e-access-report.pdf")
    # Verified in a process of its own, as counsel would outside the app (and away from
    # Playwright's event loop, which pyHanko's asyncio.run cannot share).
    script = ("import sys; from compliance.reports.verify import verify_pdf; "
              "r = verify_pdf(open(sys.argv[1], 'rb').read(), trusted_cert=open(sys.argv[2], "
              "'rb').read()); print([(c.name, c.ok) for c in r.checks]); sys.exit(not r.ok)")
    cert = case_app.config["REPORT_SIGNING_CERT_FILE"]
    verified = subprocess.run([sys.executable, "-c", script, str(report), cert], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    with candidate.expect_navigation():
        candidate.get_by_role("link", name="Erase my data now").click()
    own.check()
    assert candidate.get_by_text("This cannot be undone.").is_visible()
    with candidate.expect_navigation():
        candidate.get_by_role("button", name="Yes, erase my data now").click()
    own.check()
    assert candidate.get_by_text("Your data has been erased.").is_visible()
    shoot(candidate, "erased")
    recruiter.goto(f"{case_server}/dashboard")
    staff.check()
    assert not staff.unchecked() and not own.unchecked(), (staff.unchecked(), own.unchecked())
    assert "Jamie Jansen" not in recruiter.content()

    result = case_app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
