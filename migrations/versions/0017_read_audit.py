"""read audit: a journal of staff reads of personal data, folded into the audit chain

Revision ID: 0017_read_audit
Revises: 0016_branding
Create Date: 2026-12-06 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017_read_audit'
down_revision = '0016_branding'
branch_labels = None
depends_on = None

# A journaled read is never changed: it is folded into the chain and deleted in one transaction.
SQLITE_TRIGGERS = [
    """CREATE TRIGGER read_journal_no_update BEFORE UPDATE ON read_journal
       BEGIN SELECT RAISE(ABORT, 'read_journal is append-only'); END""",
]
POSTGRES_TRIGGERS = [
    """CREATE OR REPLACE FUNCTION read_journal_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'read_journal is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER read_journal_no_update BEFORE UPDATE ON read_journal
       FOR EACH ROW EXECUTE FUNCTION read_journal_append_only()""",
]


def upgrade():
    op.create_table(
        'read_journal',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=True),
        sa.Column('objects', sa.Text(), nullable=False),
        sa.Column('details', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_read_journal')),
    )
    dialect = op.get_bind().dialect.name
    for statement in POSTGRES_TRIGGERS if dialect == "postgresql" else SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade():
    op.drop_table('read_journal')
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS read_journal_append_only()")
