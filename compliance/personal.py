"""Personal fields: one encrypted column type, sealed under the subject's data key at flush.

A TypeDecorator sees values, not rows, so the subject's key travels with the value: at flush,
every changed personal field of a row is turned into `Sealed` text that names its subject's data
key, and the type encrypts that. Ciphertext names its key, so reading needs no row either.
A model with personal fields exposes its data subject as `subject`.
"""

import hashlib
import hmac
from typing import Any

from flask import current_app
from sqlalchemy import Text, TypeDecorator, event, inspect
from sqlalchemy.orm import Session

from compliance import vault
from compliance.keys import BLIND_INDEX_KEY, index_key

ERASED = "[erased]"


class Sealed(str):
    """Text that knows which data key it belongs under."""

    key_id: str

    def __new__(cls, text: str, key_id: str) -> "Sealed":
        sealed = super().__new__(cls, text)
        sealed.key_id = key_id
        return sealed


class PersonalText(TypeDecorator):
    """A personal field (name, e-mail, handle, excerpt, comment), encrypted at rest."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Sealed):
            # Clear text must never reach the database: a query or bulk write cannot do this.
            raise TypeError("personal text can only be written through a model with a subject")
        return vault.encrypt(value.key_id, str(value))

    def process_result_value(self, value: str | None, dialect) -> Sealed | None:
        if value is None:
            return None
        key_id = vault.key_id_of(value)
        try:
            return Sealed(vault.decrypt(value), key_id)
        except vault.ShreddedError:
            # Between the shredding and the deletion of a subject's rows (a sweep cut short
            # until the next one): show that the data is gone rather than fail the page.
            return Sealed(ERASED, key_id)


def keyed_hash(value: str, purpose: str = "email") -> str:
    """Return the blind-index hash of a value (case and surrounding space do not count)."""
    key = index_key(current_app.config[BLIND_INDEX_KEY])
    message = f"{purpose}\x1f{value.strip().casefold()}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _personal_attributes(obj: Any) -> list[str]:
    mapper = inspect(obj).mapper
    return [prop.key for prop in mapper.column_attrs
            if any(isinstance(column.type, PersonalText) for column in prop.columns)]


@event.listens_for(Session, "before_flush")
def _seal_personal_fields(session: Session, flush_context, instances) -> None:
    """Tie every new or changed personal value to its subject's data key before it is written."""
    with session.no_autoflush:
        for obj in [*session.new, *session.dirty]:
            names = _personal_attributes(obj)
            if not names:
                continue
            state = inspect(obj)
            for name in names:
                value = getattr(obj, name)
                if value is None or isinstance(value, Sealed) and not _changed(state, name):
                    continue
                key_id = _key_id(obj)
                if not (isinstance(value, Sealed) and value.key_id == key_id):
                    setattr(obj, name, Sealed(str(value), key_id))


def _changed(state, name: str) -> bool:
    return state.attrs[name].history.has_changes()


def _key_id(obj: Any) -> str:
    subject = getattr(obj, "subject", None)
    if subject is None or not subject.key_id:
        raise ValueError(f"{type(obj).__name__} has personal fields but no data subject")
    return subject.key_id
