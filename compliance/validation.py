"""Field builders and small named validators for the schemas, with translated messages."""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.datastructures import MultiDict

REQUIRED = _l("This field is required.")
NOT_TEXT = _l("Enter text.")
NOT_NUMBER = _l("Enter a whole number.")
NOT_CHOICE = _l("Choose one of the options.")


def not_blank(value: str) -> None:
    """Refuse a value that is only white space."""
    if not value.strip():
        raise ValidationError(str(REQUIRED))


CONTROL = _l("Remove the control characters from this text.")


def no_control_characters(value: str) -> None:
    """Refuse NUL and other control characters: no database text column stores NUL."""
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(str(CONTROL))


def text(max_len: int, *, required: bool = True) -> fields.String:
    """A text field, trimmed of nothing, bounded in length, without control characters."""
    validators = [validate.Length(max=max_len, error=_l("Enter at most {max} characters.")),
                  no_control_characters]
    if required:
        validators.insert(0, not_blank)
    extra = {} if required else {"load_default": ""}
    return fields.String(
        required=required,
        validate=validators,
        **extra,
        error_messages={"required": REQUIRED, "invalid": NOT_TEXT, "null": REQUIRED},
    )


def integer(low: int, high: int, *, default: int | None = None) -> fields.Integer:
    """A whole number within [low, high]."""
    extra = {} if default is None else {"load_default": default}
    return fields.Integer(
        required=default is None,
        **extra,
        strict=False,
        validate=validate.Range(low, high, error=_l("Enter a number from {min} to {max}.")),
        error_messages={"required": REQUIRED, "invalid": NOT_NUMBER, "null": REQUIRED},
    )


# The largest id a database INTEGER holds: a larger one would fail in the database, not here.
MAX_ROW_ID = 2**31 - 1


def row_id() -> fields.Integer:
    """An optional reference to a row by its id (None when not given)."""
    return fields.Integer(
        load_default=None,
        strict=False,
        validate=validate.Range(1, MAX_ROW_ID, error=NOT_CHOICE),
        error_messages={"invalid": NOT_NUMBER},
    )


def choice(options, *, required: bool = True, default=None) -> fields.String:
    """One value out of a closed list."""
    extra = {} if default is None else {"load_default": default}
    return fields.String(
        required=required and default is None,
        **extra,
        validate=validate.OneOf([str(o) for o in options], error=NOT_CHOICE),
        error_messages={"required": REQUIRED, "invalid": NOT_CHOICE, "null": REQUIRED},
    )


def email() -> fields.String:
    """An e-mail address (a plain string field, so the message can be translated)."""
    return fields.String(
        required=True,
        validate=[
            validate.Length(max=254, error=_l("Enter at most {max} characters.")),
            validate.Email(error=_l("Enter a valid e-mail address.")),
        ],
        error_messages={"required": REQUIRED, "invalid": NOT_TEXT, "null": REQUIRED},
    )


def load_form(schema: Schema, form: MultiDict, *, lists=(), lines=(), checkboxes=()):
    """Validate a submitted form with `schema`; return (data, None) or (None, field errors)."""
    data: dict = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if key in lists:
            data[key] = form.getlist(key)
        elif key in lines:
            data[key] = [line.strip() for line in form.get(key, "").splitlines() if line.strip()]
        elif key in checkboxes:
            data[key] = key in form
        elif key in form:
            data[key] = form.get(key)
    try:
        return schema.load(data), None
    except ValidationError as error:
        return None, flatten_errors(error.messages)


def flatten_errors(messages) -> dict[str, str]:
    """Keep the first message per top-level field, for display next to that field."""
    flat = {}
    for key, value in messages.items():
        while isinstance(value, dict):
            value = next(iter(value.values()))
        flat[key] = str(value[0] if isinstance(value, list) else value)
    return flat
