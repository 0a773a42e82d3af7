"""recruiter tools: the mail subject of each staff member (their mail is encrypted under it),
the notification kinds a user switched off, and the staff notices already sent, one per event

Revision ID: 0014_recruiter_tools
Revises: 0013_account_security
Create Date: 2026-12-05 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.db


revision = '0014_recruiter_tools'
down_revision = '0013_account_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'staff_mail_subject',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['subject_id'], ['subject.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id'),
        sa.UniqueConstraint('subject_id'),
    )
    op.create_table(
        'notification_optout',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'kind'),
    )
    op.create_table(
        'staff_notice',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('event', sa.String(length=80), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', compliance.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('kind', 'event', 'user_id', name='uq_staff_notice_once'),
    )


def downgrade():
    op.drop_table('staff_notice')
    op.drop_table('notification_optout')
    op.drop_table('staff_mail_subject')
