"""branding: the organisation's display name and its logo (a re-encoded PNG and its hash)

Revision ID: 0016_branding
Revises: 0015_rights_workflow
Create Date: 2026-12-05 23:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016_branding'
down_revision = '0015_rights_workflow'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.add_column(sa.Column('display_name', sa.String(length=200), nullable=False,
                                   server_default=''))
        batch.add_column(sa.Column('logo_png', sa.LargeBinary(), nullable=True))
        batch.add_column(sa.Column('logo_hash', sa.String(length=64), nullable=False,
                                   server_default=''))


def downgrade():
    with op.batch_alter_table('organisation_settings') as batch:
        batch.drop_column('logo_hash')
        batch.drop_column('logo_png')
        batch.drop_column('display_name')
