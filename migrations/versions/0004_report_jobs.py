"""report jobs: background PDF reports with their progress and result

Revision ID: 0004_report_jobs
Revises: 0003_case
Create Date: 2026-11-23 07:00:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.db


revision = '0004_report_jobs'
down_revision = '0003_case'
branch_labels = None
depends_on = None

STAGES = ('queued', 'exporting', 'rendering', 'signing', 'done', 'failed')


def upgrade():
    op.create_table(
        'report_job',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('params', sa.Text(), nullable=False),
        sa.Column('lang', sa.String(length=2), nullable=False),
        sa.Column('requested_by', sa.Integer(), nullable=False),
        sa.Column('stage', sa.Enum(*STAGES, name='stage', native_enum=False, length=24),
                  nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('created_at', compliance.db.UTCDateTime(), nullable=False),
        sa.Column('finished_at', compliance.db.UTCDateTime(), nullable=True),
        sa.Column('pdf', sa.LargeBinary(), nullable=True),
        sa.Column('key_id', sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(['requested_by'], ['user_account.id'],
                                name=op.f('fk_report_job_requested_by_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_report_job')),
    )


def downgrade():
    op.drop_table('report_job')
