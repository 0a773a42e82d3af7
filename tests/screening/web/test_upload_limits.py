"""Attacks on the candidate's export upload: oversize bodies, bombs, huge posts, the disk."""
# ruff: noqa: F811 (the case's fixtures are imported, then named as test arguments)

import io
import json
import os
import sys
import zipfile

import pytest

from compliance.audit import AuditAction, AuditEvent
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
from tests.screening.web.test_portal import agree_to_x_archive

MB = 1024 * 1024
TWEET_TIME = "Thu Nov 03 08:50:26 +0000 2022"
BOUNDARY = "fairscreen-upload-boundary"


@pytest.fixture
def language() -> str:
    return "en"


@pytest.fixture
def portal(client, db, login, recruiter, make_vacancy, make_candidate, language) -> str:
    vacancy = make_vacancy(owner=recruiter, lookback_years=10, allowed_sources=["x-archive"],
                           criteria=["JavaScript", "CSS", "web components", "HTML"])
    candidate = make_candidate(vacancy, language=language)
    return agree_to_x_archive(client, db, login, recruiter, candidate)


def upload(client, portal: str, data: bytes, name: str, **kwargs):
    """Post the form as a browser would; encoded here, because the test client would spool a
    body over 500 KiB to a temporary file of its own."""
    head = (f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nx-archive\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="export"; filename="{name}"'
            f"\r\nContent-Type: application/octet-stream\r\n\r\n")
    body = head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    return client.post(f"{portal}/upload", data=body,
                       content_type=f"multipart/form-data; boundary={BOUNDARY}", **kwargs)


def nothing_kept(db) -> bool:
    db.session.rollback()
    runs = db.session.scalar(db.select(db.func.count()).select_from(ScreeningRun))
    uploads = db.session.scalar(db.select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == AuditAction.EXPORT_UPLOADED))
    return runs == 0 and uploads == 0


def tweets_js(*texts: str) -> bytes:
    items = [{"tweet": {"created_at": TWEET_TIME, "id_str": str(n), "full_text": text}}
             for n, text in enumerate(texts, 1)]
    return b"window.YTD.tweets.part0 = " + json.dumps(items).encode()


def test_the_upload_page_states_the_limits_in_words(client, portal):
    page = client.get(portal).get_data(as_text=True)
    assert 'id="export-hint"' in page
    for words in ("Files up to 50 MB", "at most 64 MB in at most 2,000 files",
                  "no more than 100 times its own size", "not photos or videos",
                  "data/tweets.js", "longer than 10,000 characters"):
        assert words in page


@pytest.mark.parametrize("language", ["nl"])
def test_a_dutch_candidate_reads_the_limits_in_dutch(client, portal):
    page = client.get(portal).get_data(as_text=True)
    assert "Bestanden tot 50 MB" in page and "in hoogstens 2.000 bestanden" in page


@pytest.mark.parametrize("csrf", [False, True], ids=["view", "csrf-check"])
def test_a_50_mb_upload_is_told_the_limit_beside_the_field(app, client, db, portal, csrf):
    # With CSRF on (as in production) the body is refused while the token is looked for.
    app.config["WTF_CSRF_ENABLED"] = csrf
    response = upload(client, portal, b"\0" * (50 * MB), "twitter.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert 'id="export-error"' in page
    assert "This file is larger than 50 MB, the most you can upload here." in page
    assert "Upload your data export" in page  # the portal itself, not a bare error page
    assert nothing_kept(db)


@pytest.mark.parametrize("language", ["nl"])
def test_the_oversize_message_follows_the_configured_limit(app, client, db, portal):
    app.config["MAX_CONTENT_LENGTH"] = 2 * MB
    response = upload(client, portal, b"\0" * (3 * MB), "twitter.zip")
    assert response.status_code == 413
    assert "groter dan 2 MB" in response.get_data(as_text=True)


def test_the_oversize_page_leads_back_to_the_portal_never_to_the_staff_login(app, client,
                                                                           portal):
    app.config["MAX_CONTENT_LENGTH"] = 2 * MB
    page = upload(client, portal, b"\0" * (3 * MB), "twitter.zip").get_data(as_text=True)
    assert f'href="{portal}"' in page and "/login" not in page
    forged = upload(client, "/portal/forged-token", b"\0" * (3 * MB), "x.zip")
    assert "/login" not in forged.get_data(as_text=True)  # the dead-link page: a fresh link


def test_an_oversize_body_on_a_forged_link_reveals_nothing(app, client):
    app.config["WTF_CSRF_ENABLED"] = True  # else the view's 404 for the link comes first
    response = upload(client, "/portal/forged-token", b"\0" * (51 * MB), "x.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "larger than 50 MB" in page and "Upload your data export" not in page


def test_a_zip_bomb_upload_is_refused_beside_the_field_and_keeps_nothing(client, db, portal):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for n in range(100):
            bomb.writestr(f"data/tweets-part{n}.js",
                          f"window.YTD.tweets.part{n} = [".encode() + b" " * MB + b"]")
    response = upload(client, portal, buffer.getvalue(), "twitter.zip")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="export-error"' in page and "more than 100 times its own size" in page
    assert nothing_kept(db)


def test_an_archive_over_the_configured_budget_is_refused(app, client, db, portal):
    app.config["EXPORT_MAX_UNPACKED_MB"] = 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("data/tweets.js", tweets_js("x " * MB))
    response = upload(client, portal, buffer.getvalue(), "twitter.zip")
    assert response.status_code == 422
    assert "the ZIP file unpacks to more than 1 MB" in response.get_data(as_text=True)
    assert "at most 1 MB in at most" in response.get_data(as_text=True)
    assert nothing_kept(db)


def test_no_file_is_a_field_message_and_the_platform_stays_chosen(client, db, portal):
    response = client.post(f"{portal}/upload", data={"kind": "x-archive"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="export-error"' in page and '<option value="x-archive" selected>' in page
    assert nothing_kept(db)


def test_a_million_character_post_is_screened_not_a_500(client, db, portal):
    huge = "I write JavaScript and CSS for web components every day. " * 27_000
    assert len(huge) > 1_500_000  # spaCy's own maximum is 1,000,000: it raises on more
    response = upload(client, portal, tweets_js(huge, "Shipped a new HTML form today"),
                      "tweets.js")
    assert response.status_code == 302
    db.session.rollback()
    run = db.session.scalars(db.select(ScreeningRun)).one()
    assert run.counts["x-archive"]["looked_at"] == 2


class DiskWrites:
    """Record files opened for writing and temporary files made (sys.audit), while on."""

    def __init__(self) -> None:
        self.on, self.seen = False, []

    def __call__(self, event: str, args: tuple) -> None:
        if not self.on:
            return
        if event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
            self.seen.append((event, args))
        elif event == "open" and len(args) == 3 and isinstance(args[2], int):
            tmpfile = getattr(os, "O_TMPFILE", 0)
            if args[2] & os.O_CREAT or (tmpfile and args[2] & tmpfile == tmpfile):
                self.seen.append((event, args[0]))


DISK_WRITES = DiskWrites()
sys.addaudithook(DISK_WRITES)  # audit hooks cannot be removed; this one is off between tests


def test_an_upload_over_500_kib_never_touches_the_disk(client, db, portal):
    data = recorded("twitter/andreruffert-tweets.js")
    data += b" " * (600 * 1024 - len(data))  # JSON whitespace past Werkzeug's 500 KiB spool
    DISK_WRITES.on, DISK_WRITES.seen = True, []
    try:
        response = upload(client, portal, data, "tweets.js")
    finally:
        DISK_WRITES.on = False
    assert response.status_code == 302
    assert DISK_WRITES.seen == []


@pytest.mark.parametrize("language", ["nl"])
def test_an_unrecognised_export_is_explained_in_the_candidate_s_words(client, db, portal):
    response = upload(client, portal, b"just some text", "tweets.js")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="export-error"' in page
    assert "dit is geen export die we kennen" in page
    assert "/login" not in page and nothing_kept(db)
