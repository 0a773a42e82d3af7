"""The one column type for personal fields, so that protecting them lands in one place."""

from sqlalchemy import Text, TypeDecorator


class PersonalText(TypeDecorator):
    """A personal field (name, e-mail, handle, excerpt, comment)."""

    impl = Text
    cache_ok = True
