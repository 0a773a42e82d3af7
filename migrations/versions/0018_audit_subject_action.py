"""audit events by subject and action: one index on both, in place of the subject's alone

A case's timeline and the notices ask for a subject's events of a few actions. With an index
on the subject alone they read every event of that subject, and every staff read of a
candidate is one (a candidate viewed 20,000 times made their page's timeline 15 ms instead of
1); the index on (subject, action) finds the few, and still serves every lookup by subject.

Revision ID: 0018_audit_subject_action
Revises: 0017_read_audit
Create Date: 2026-12-06 22:30:00

"""
from alembic import op


revision = '0018_audit_subject_action'
down_revision = '0017_read_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_event_subject_action', 'audit_event', ['subject', 'action'],
                    unique=False)
    op.drop_index('ix_audit_event_subject', table_name='audit_event')


def downgrade():
    op.create_index('ix_audit_event_subject', 'audit_event', ['subject'], unique=False)
    op.drop_index('ix_audit_event_subject_action', table_name='audit_event')
