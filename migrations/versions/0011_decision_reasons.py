"""decision reasons and jurisdiction: a decision keeps its reasons (encrypted, with the
candidate's data), and the organisation names the country whose retention preset applies

Revision ID: 0011_decision_reasons
Revises: 0009_case_lifecycle
Create Date: 2026-12-04 23:10:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.personal


revision = '0011_decision_reasons'
down_revision = '0010_outbox_claim'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_reasons', compliance.personal.PersonalText(),
                                      nullable=True))
    # Existing organisations were set up on the Dutch defaults (4 weeks, 1 year).
    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jurisdiction', sa.String(length=2), nullable=False,
                                      server_default='NL'))


def downgrade():
    with op.batch_alter_table('organisation_settings', schema=None) as batch_op:
        batch_op.drop_column('jurisdiction')
    with op.batch_alter_table('candidate', schema=None) as batch_op:
        batch_op.drop_column('decision_reasons')
