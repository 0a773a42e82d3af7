"""The organisation's settings: who the controller is and the defaults for new vacancies."""

from flask import current_app
from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from compliance import audit, policy
from compliance.audit import AuditAction
from compliance.db import db
from compliance.policy import Jurisdiction

LANGUAGES = ("nl", "en")


class OrganisationSettings(db.Model):
    """A single row (id 1) of settings the notices and records of processing are built from."""

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    controller_name: Mapped[str] = mapped_column(String(200), default="")
    controller_address: Mapped[str] = mapped_column(Text, default="")
    dpo_contact: Mapped[str] = mapped_column(String(254), default="")
    # The country whose rules apply: it picks the retention defaults (DESIGN.md, presets).
    jurisdiction: Mapped[str] = mapped_column(
        String(2), default=policy.DEFAULT_JURISDICTION.value,
        server_default=policy.DEFAULT_JURISDICTION.value)
    default_retention_days: Mapped[int] = mapped_column(
        Integer, default=policy.preset(None).retention_days)
    default_lookback_years: Mapped[int] = mapped_column(Integer, default=policy.LOOKBACK_YEARS)
    default_languages: Mapped[str] = mapped_column(String(20), default="nl,en")
    # Branding (compliance/branding.py): the name candidates know the employer by, and its logo
    # as a re-encoded PNG; the logo is loaded only where it is served or embedded.
    display_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    logo_png: Mapped[bytes | None] = deferred(mapped_column(LargeBinary, nullable=True))
    logo_hash: Mapped[str] = mapped_column(String(64), default="", server_default="")

    @property
    def languages(self) -> list[str]:
        return [lang for lang in self.default_languages.split(",") if lang]

    @property
    def preset(self) -> policy.Preset:
        return policy.preset(self.jurisdiction)


def get_settings() -> OrganisationSettings:
    """Return the settings row, creating it with the defaults on first use."""
    settings = db.session.get(OrganisationSettings, 1)
    if settings is None:
        jurisdiction = Jurisdiction(current_app.config.get("JURISDICTION")
                                    or policy.DEFAULT_JURISDICTION)
        settings = OrganisationSettings(
            id=1, controller_name="", controller_address="", dpo_contact="",
            jurisdiction=jurisdiction.value,
            default_retention_days=policy.preset(jurisdiction).retention_days,
            default_lookback_years=policy.LOOKBACK_YEARS, default_languages="nl,en")
        db.session.add(settings)
        db.session.flush()
    return settings


def update_settings(values: dict, *, actor) -> OrganisationSettings:
    """Apply validated values to the settings and audit which fields changed."""
    settings = get_settings()
    if "default_languages" in values and isinstance(values["default_languages"], list):
        values = {**values, "default_languages": ",".join(values["default_languages"])}
    kept = values.get("default_retention_days", settings.default_retention_days)
    if values.get("jurisdiction", settings.jurisdiction) != settings.jurisdiction \
            and kept == settings.default_retention_days:  # a new country brings its default
        values = {**values,
                  "default_retention_days": policy.preset(values["jurisdiction"]).retention_days}
    changed = sorted(k for k, v in values.items() if getattr(settings, k) != v)
    for key in changed:
        setattr(settings, key, values[key])
    if changed:
        audit.record(AuditAction.SETTINGS_UPDATED, actor=actor, fields=changed)
    return settings
