"""Schemas for accounts and settings, shared by the pages and the API."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from compliance import policy
from compliance.accounts import Role
from compliance.organisation import LANGUAGES
from compliance.policy import Jurisdiction
from compliance.validation import REQUIRED, choice, email, integer, text

MIN_PASSWORD = 12


def new_password() -> fields.String:
    """A password being set: at least MIN_PASSWORD characters."""
    return fields.String(
        required=True,
        validate=validate.Length(min=MIN_PASSWORD, max=1024,
                                 error=_l("Use {min} to {max} characters.")),
        error_messages={"required": REQUIRED},
    )


class LoginSchema(Schema):
    email = text(254)
    password = text(1024)


class UserCreateSchema(Schema):
    email = email()
    name = text(120)
    role = choice(Role)
    password = new_password()


class PasswordChangeSchema(Schema):
    current_password = text(1024)
    new_password = new_password()


class CodeSchema(Schema):
    """A second factor's code: six digits from the app, or a recovery code."""

    code = text(20)


class InviteSchema(Schema):
    email = email()
    name = text(120)
    role = choice(Role)


class ForgotSchema(Schema):
    email = email()


class NewPasswordSchema(Schema):
    new_password = new_password()


class UserUpdateSchema(Schema):
    role = choice(Role)
    active = fields.Boolean(load_default=False)


class ApiTokenSchema(Schema):
    name = text(80)


class PreferencesSchema(Schema):
    language = choice(LANGUAGES)


class SettingsSchema(Schema):
    controller_name = text(200)
    display_name = text(200, required=False)  # what candidates know the employer by
    controller_address = text(1000)
    dpo_contact = text(254)
    jurisdiction = choice(Jurisdiction, required=False)  # absent: the country stays
    default_retention_days = integer(1, policy.RETENTION_MAX_DAYS)
    default_lookback_years = integer(1, policy.LOOKBACK_MAX_YEARS)
    default_languages = fields.List(
        fields.String(validate=validate.OneOf(LANGUAGES, error=_l("Choose one of the options."))),
        validate=validate.Length(min=1, error=_l("Choose at least one language.")),
    )
