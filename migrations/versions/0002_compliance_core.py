"""compliance core: subject keys and retention, canonical audit text, signed checkpoints

Revision ID: 0002_compliance_core
Revises: 0001_foundation
Create Date: 2026-11-23 06:40:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.db


revision = '0002_compliance_core'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

RETENTION_REASONS = ('undecided', 'consent_unanswered', 'consent_declined', 'consent_withdrawn',
                     'decided', 'talent_pool', 'erasure_requested', 'objection')

SQLITE_AUDIT_TRIGGERS = [
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
       BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END""",
]
SQLITE_CHECKPOINT_TRIGGERS = [
    """CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END""",
    """CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
       BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END""",
]
POSTGRES_CHECKPOINT_TRIGGERS = [
    """CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_checkpoint
       FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    """CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON audit_checkpoint
       FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
]


def upgrade():
    # Only additions here: recreating `subject` on SQLite would cascade into its children.
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('email_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('erase_after', compliance.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('erase_reason', sa.Enum(
            *RETENTION_REASONS, name='retentionreason', native_enum=False, length=24),
            nullable=True))
        batch_op.add_column(sa.Column('erasing_since', compliance.db.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_subject_key_id'), ['key_id'], unique=True)
        batch_op.create_index(batch_op.f('ix_subject_email_hash'), ['email_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_erase_after'), ['erase_after'], unique=False)

    # The chain hashes the stored text of objects and details, so it must be kept verbatim.
    # A unique index on the hash adds nothing the chain does not prove, and slows every append.
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE audit_event ALTER COLUMN objects TYPE text USING objects::text')
        op.execute('ALTER TABLE audit_event ALTER COLUMN details TYPE text USING details::text')
        op.drop_constraint('uq_audit_event_hash', 'audit_event', type_='unique')
    else:
        with op.batch_alter_table('audit_event', schema=None, recreate='always') as batch_op:
            batch_op.alter_column('objects', type_=sa.Text(), existing_nullable=False)
            batch_op.alter_column('details', type_=sa.Text(), existing_nullable=False)
            batch_op.drop_constraint('uq_audit_event_hash', type_='unique')
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)

    op.create_table('audit_checkpoint',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('at', compliance.db.UTCDateTime(), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=128), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_checkpoint'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRES_CHECKPOINT_TRIGGERS:
            op.execute(statement)
    else:
        for statement in SQLITE_CHECKPOINT_TRIGGERS:
            op.execute(statement)


def downgrade():
    op.drop_table('audit_checkpoint')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('ALTER TABLE audit_event ALTER COLUMN objects TYPE json USING objects::json')
        op.execute('ALTER TABLE audit_event ALTER COLUMN details TYPE json USING details::json')
        op.create_unique_constraint('uq_audit_event_hash', 'audit_event', ['hash'])
    else:
        with op.batch_alter_table('audit_event', schema=None, recreate='always') as batch_op:
            batch_op.alter_column('objects', type_=sa.JSON(), existing_nullable=False)
            batch_op.alter_column('details', type_=sa.JSON(), existing_nullable=False)
            batch_op.create_unique_constraint('uq_audit_event_hash', ['hash'])
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_erase_after'))
        batch_op.drop_index(batch_op.f('ix_subject_email_hash'))
        batch_op.drop_index(batch_op.f('ix_subject_key_id'))
        batch_op.drop_column('erasing_since')
        batch_op.drop_column('erase_reason')
        batch_op.drop_column('erase_after')
        batch_op.drop_column('email_hash')
        batch_op.drop_column('key_id')
