"""The one SQLAlchemy handle and declarative base shared by every part."""

import logging
from datetime import UTC, datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# For every engine, the vault's too (SQLALCHEMY_ENGINE_OPTIONS reach only the main one): a
# pooled connection the server dropped while idle is replaced before a request gets it.
db = SQLAlchemy(model_class=Base, engine_options={"pool_pre_ping": True})
log = logging.getLogger(__name__)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store naive UTC, hand back aware UTC: SQLite keeps no time zone."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where UTC is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Turn on WAL, foreign keys, a busy timeout, secure deletion and recursive triggers on
    every SQLite connection.

    Secure deletion overwrites deleted rows in their pages: a shredded key or a deleted
    subject's pseudonym secret must not linger in the file's free space. Recursive triggers
    make REPLACE fire the delete triggers of the rows it removes (the audit tables refuse).
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA recursive_triggers=ON")
    cursor.close()


def truncate_wal(engine: Engine) -> None:
    """Checkpoint an SQLite database's write-ahead log and cut it back to nothing.

    Secure deletion zeroes deleted rows in the pages as they are now; the pages as they were,
    erased secrets included, still sit in the log until it is checkpointed and truncated.
    Nothing to do on other databases.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        busy, _log, _done = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:  # a reader held on past the busy timeout: the next erasure's checkpoint tries again
        log.warning("SQLite write-ahead log of %s not truncated: readers were busy",
                    engine.url.database)


def str_enum(kind: type) -> Enum:
    """Store a StrEnum by its value, as a plain string column (no database enum type)."""
    return Enum(kind, native_enum=False, length=24, values_callable=lambda e: [m.value for m in e])
