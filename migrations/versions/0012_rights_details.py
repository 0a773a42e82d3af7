"""rights request details: what the candidate writes with a request (an objection's grounds),
encrypted with the subject's data key like every other personal text

Revision ID: 0012_rights_details
Revises: 0011_decision_reasons
Create Date: 2026-12-05 04:30:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.personal


revision = '0012_rights_details'
down_revision = '0011_decision_reasons'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('details', compliance.personal.PersonalText(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.drop_column('details')
