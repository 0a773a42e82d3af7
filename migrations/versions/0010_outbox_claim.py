"""outbox claim: a lease on a queued message, so a sweep can resend what a crash left queued
without two consumers sending the same message

Revision ID: 0010_outbox_claim
Revises: 0009_case_lifecycle
Create Date: 2026-12-04 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

import compliance.db


# revision identifiers, used by Alembic.
revision = '0010_outbox_claim'
down_revision = '0009_case_lifecycle'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('claimed_until', compliance.db.UTCDateTime(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claim')
