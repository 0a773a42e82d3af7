"""audit hardening: on SQLite, the audit tables take only the next event and a newer checkpoint

Revision ID: 0006_audit_hardening
Revises: 0005_api_tokens
Create Date: 2026-11-24 09:00:00

SQLite's REPLACE deletes a conflicting row without firing delete triggers (unless the
connection turns on recursive_triggers, which the app does but a database owner's shell does
not), and an UPSERT turns an insert into an update. An insert that is not exactly the next
event, or not a newer checkpoint of a stored event, is refused before either can happen.
PostgreSQL already refuses both through its row triggers, and stays as it is.
"""
from alembic import op


revision = '0006_audit_hardening'
down_revision = '0005_api_tokens'
branch_labels = None
depends_on = None

GENESIS = '0' * 64
SQLITE_TRIGGERS = {
    'audit_event_next_only': f"""
        CREATE TRIGGER audit_event_next_only BEFORE INSERT ON audit_event
        WHEN NEW.seq IS NOT (SELECT coalesce(max(seq), 0) + 1 FROM audit_event)
          OR NEW.prev_hash IS NOT coalesce(
               (SELECT hash FROM audit_event WHERE seq = NEW.seq - 1), '{GENESIS}')
        BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: only the next event'); END""",
    'audit_checkpoint_next_only': """
        CREATE TRIGGER audit_checkpoint_next_only BEFORE INSERT ON audit_checkpoint
        WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM audit_checkpoint)
          OR NEW.hash IS NOT (SELECT hash FROM audit_event WHERE seq = NEW.seq)
        BEGIN SELECT RAISE(ABORT,
          'audit_checkpoint is append-only: only a newer checkpoint of a stored event'); END""",
}


def upgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for statement in SQLITE_TRIGGERS.values():
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name != 'sqlite':
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f'DROP TRIGGER {name}')
