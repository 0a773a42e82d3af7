"""The organisation's settings: who the controller is and the defaults for new vacancies."""

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from compliance import audit
from compliance.audit import AuditAction
from compliance.db import db

LANGUAGES = ("nl", "en")


class OrganisationSettings(db.Model):
    """A single row (id 1) of settings the notices and records of processing are built from."""

    __tablename__ = "organisation_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    controller_name: Mapped[str] = mapped_column(String(200), default="")
    controller_address: Mapped[str] = mapped_column(Text, default="")
    dpo_contact: Mapped[str] = mapped_column(String(254), default="")
    default_retention_days: Mapped[int] = mapped_column(Integer, default=28)
    default_lookback_years: Mapped[int] = mapped_column(Integer, default=3)
    default_languages: Mapped[str] = mapped_column(String(20), default="nl,en")

    @property
    def languages(self) -> list[str]:
        return [lang for lang in self.default_languages.split(",") if lang]


def get_settings() -> OrganisationSettings:
    """Return the settings row, creating it with the defaults on first use."""
    settings = db.session.get(OrganisationSettings, 1)
    if settings is None:
        settings = OrganisationSettings(id=1, controller_name="", controller_address="",
                                        dpo_contact="", default_retention_days=28,
                                        default_lookback_years=3, default_languages="nl,en")
        db.session.add(settings)
        db.session.flush()
    return settings


def update_settings(values: dict, *, actor) -> OrganisationSettings:
    """Apply validated values to the settings and audit which fields changed."""
    settings = get_settings()
    if "default_languages" in values and isinstance(values["default_languages"], list):
        values = {**values, "default_languages": ",".join(values["default_languages"])}
    changed = sorted(k for k, v in values.items() if getattr(settings, k) != v)
    for key in changed:
        setattr(settings, key, values[key])
    if changed:
        audit.record(AuditAction.SETTINGS_UPDATED, actor=actor, fields=changed)
    return settings
