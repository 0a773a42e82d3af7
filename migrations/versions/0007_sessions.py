"""sessions: a per-user session version, so that logging out ends every copy of a session

Revision ID: 0007_sessions
Revises: 0005_api_tokens
Create Date: 2026-12-04 21:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007_sessions'
down_revision = '0006_audit_hardening'
branch_labels = None
depends_on = None


def upgrade():
    # A server default fills the existing rows; batch mode lets SQLite add a NOT NULL column.
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                      server_default='1'))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('session_version')
