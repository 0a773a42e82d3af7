"""An upload whose auxiliary file is broken is read, and the candidate is told what was left out."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import io

from screening.runs import ScreeningRun
from tests.screening.case.conftest import (  # noqa: F401 (the case's fixtures)
    _server4,
    allow_loopback,
    app_config,
    blog,
    case_candidate,
    organisation,
    recruiter,
    server,
)
from tests.screening.sources.conftest import recorded
from tests.screening.sources.test_exports import make_zip
from tests.screening.web.test_portal import agree_to_x_archive

LEFT_OUT = ("data/account.js in your export could not be read, so it was left out; your posts "
            "were read without it.")


def upload(client, portal, data):
    return client.post(f"{portal}/upload", data={
        "kind": "x-archive", "export": (io.BytesIO(data), "twitter.zip")},
        content_type="multipart/form-data", follow_redirects=True)


def test_a_broken_account_js_is_named_beside_the_posts_read(client, db, login, recruiter,
                                                            make_vacancy, make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter, lookback_years=10,
                                            allowed_sources=["x-archive"]))
    portal = agree_to_x_archive(client, db, login, recruiter, candidate)
    archive = make_zip({"data/tweets.js": recorded("twitter/andreruffert-tweets.js"),
                        "data/account.js": b"window.YTD.account.part0 = [ {account: "})
    page = upload(client, portal, archive).get_data(as_text=True)
    assert "Your export was read." in page and LEFT_OUT in page
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.progress["x-archive"]["posts"] > 0
    assert run.progress["x-archive"]["skipped"] == ["data/account.js"]


def test_a_whole_archive_reports_nothing_left_out(client, db, login, recruiter, make_vacancy,
                                                  make_candidate):
    candidate = make_candidate(make_vacancy(owner=recruiter, lookback_years=10,
                                            allowed_sources=["x-archive"]))
    portal = agree_to_x_archive(client, db, login, recruiter, candidate)
    archive = make_zip({"data/tweets.js": recorded("twitter/andreruffert-tweets.js"),
                        "data/account.js": recorded("twitter/andreruffert-account.js")})
    page = upload(client, portal, archive).get_data(as_text=True)
    assert "Your export was read." in page and "left out" not in page
