"""The policy numbers and the jurisdiction presets: each preset gives DESIGN.md's numbers, and
the organisation's jurisdiction picks the retention defaults."""

from datetime import timedelta

import pytest

from compliance import consent, policy, retention
from compliance.accounts import Role
from compliance.db import utcnow
from compliance.organisation import OrganisationSettings, get_settings, update_settings
from compliance.policy import Jurisdiction
from compliance.subjects import RetentionReason
from screening.app import create_app
from screening.candidates import decide
from screening.case import scope
from screening.config import ConfigError
from screening.models import Decision
from screening.notices import talent_pool_notice
from screening.vacancies import new_vacancy_defaults
from tests.conftest import base_config


@pytest.mark.parametrize("jurisdiction, retention_days, talent_pool_days, regulator", [
    ("NL", 28, 365, "Autoriteit Persoonsgegevens"),
    ("BE", 28, 365, "Gegevensbeschermingsautoriteit / Autorité de protection des données"),
    ("FR", 90, 730, "CNIL"),
])
def test_each_preset_gives_its_numbers(jurisdiction, retention_days, talent_pool_days,
                                       regulator):
    preset = policy.preset(jurisdiction)
    assert (preset.retention_days, preset.talent_pool_days, preset.regulator) == (
        retention_days, talent_pool_days, regulator)


def test_the_product_numbers_are_design_md_s():
    assert policy.CONSENT_ANSWER_DAYS == 14
    assert policy.CONSENT_REMINDER_AFTER_DAYS == 11
    assert policy.COMMENT_WINDOW_DAYS == 3
    assert policy.LOOKBACK_YEARS == 3
    assert policy.preset(None) == policy.PRESETS[Jurisdiction.NL]


@pytest.mark.parametrize("app_config, retention_days", [
    ({"JURISDICTION": "NL"}, 28), ({"JURISDICTION": "BE"}, 28), ({"JURISDICTION": "FR"}, 90),
])
def test_a_new_organisation_starts_on_its_jurisdiction_s_defaults(db, retention_days):
    settings = get_settings()
    assert settings.default_retention_days == retention_days
    assert new_vacancy_defaults()["retention_days"] == retention_days
    assert new_vacancy_defaults()["comment_window_days"] == policy.COMMENT_WINDOW_DAYS


def test_changing_the_jurisdiction_brings_its_retention_unless_the_admin_set_one(db):
    settings = get_settings()
    update_settings({"jurisdiction": "FR"}, actor="system")
    assert (settings.jurisdiction, settings.default_retention_days) == ("FR", 90)
    update_settings({"jurisdiction": "BE", "default_retention_days": 60}, actor="system")
    assert (settings.jurisdiction, settings.default_retention_days) == ("BE", 60)
    db.session.commit()
    assert db.session.get(OrganisationSettings, 1).preset == policy.PRESETS[Jurisdiction.BE]


def test_an_unknown_jurisdiction_is_refused_at_start(tmp_path, monkeypatch):
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    with pytest.raises(ConfigError, match="FAIRSCREEN_JURISDICTION must be one of NL, BE, FR"):
        create_app(base_config(f"sqlite:///{tmp_path / 'x.db'}", JURISDICTION="XX"))


@pytest.mark.parametrize("jurisdiction, days", [("NL", 365), ("FR", 730)])
def test_the_talent_pool_term_follows_the_preset(db, make_candidate, jurisdiction, days):
    subject = make_candidate().subject
    start = utcnow()
    retention.after_talent_pool_consent(subject, start,
                                        policy.preset(jurisdiction).talent_pool_days)
    assert subject.erase_after == start + timedelta(days=days)


def test_the_admin_picks_the_jurisdiction_on_the_settings_page(client, db, make_user, login):
    login(make_user(Role.ADMIN))
    page = client.get("/admin/settings").get_data(as_text=True)
    assert 'name="jurisdiction"' in page and "Belgium" in page
    form = {"controller_name": "Acme SA", "controller_address": "Rue Neuve 1, Bruxelles",
            "dpo_contact": "dpo@acme.test", "default_retention_days": "28",
            "default_lookback_years": "3", "default_languages": ["nl"]}
    bad = client.post("/admin/settings", data={**form, "jurisdiction": "XX"})
    assert bad.status_code == 422 and "Choose one of the options." in bad.get_data(as_text=True)
    assert client.post("/admin/settings", data={**form, "jurisdiction": "FR"}).status_code == 302
    db.session.rollback()
    settings = get_settings()
    assert (settings.jurisdiction, settings.default_retention_days) == ("FR", 90)


@pytest.mark.parametrize("app_config, days", [
    ({"JURISDICTION": "NL"}, 365), ({"JURISDICTION": "FR"}, 730),
])
def test_a_decision_keeps_a_talent_pool_candidate_for_the_preset_s_term(db, make_candidate,
                                                                        days):
    candidate = make_candidate()
    consent.record_talent_pool(candidate.subject, notice=talent_pool_notice(candidate),
                               scope=scope(candidate), language="en", method="test")
    db.session.flush()
    given = consent.talent_pool_since(candidate.subject)
    decide(candidate, Decision.HIRED, actor=candidate.vacancy.owner)
    db.session.commit()
    assert candidate.subject.erase_reason == RetentionReason.TALENT_POOL
    assert candidate.subject.erase_after == given + timedelta(days=days)
