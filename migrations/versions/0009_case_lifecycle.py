"""case life cycle: the case record that issues candidate ids and outlives erasure; each
run's snapshot of the terms the candidate agreed to

Revision ID: 0009_case_lifecycle
Revises: 0005_api_tokens
Create Date: 2026-12-04 22:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

import compliance.db


# revision identifiers, used by Alembic.
revision = '0009_case_lifecycle'
down_revision = '0007_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('vacancy_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('added', 'consent_requested', 'consented', 'declined', 'expired', 'screening', 'screened', 'decided', 'erased', name='casestate', native_enum=False, length=24), nullable=False),
    sa.Column('why', sa.String(length=24), nullable=True),
    sa.Column('added_at', compliance.db.UTCDateTime(), nullable=False),
    sa.Column('moved_at', compliance.db.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['vacancy_id'], ['vacancy.id'], name=op.f('fk_case_record_vacancy_id_vacancy')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_record')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_record_vacancy_id'), ['vacancy_id'], unique=False)

    with op.batch_alter_table('screening_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agreed', sa.JSON(), nullable=True))

    # Every existing case gets its record; new ids continue after the highest one issued.
    op.execute("INSERT INTO case_record (id, vacancy_id, state, added_at, moved_at) "
               "SELECT id, vacancy_id, state, created_at, updated_at FROM candidate")
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("SELECT setval(pg_get_serial_sequence('case_record', 'id'), "
                   "(SELECT COALESCE(MAX(id), 0) + 1 FROM case_record), false)")


def downgrade():
    with op.batch_alter_table('screening_run', schema=None) as batch_op:
        batch_op.drop_column('agreed')

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_vacancy_id'))

    op.drop_table('case_record')
