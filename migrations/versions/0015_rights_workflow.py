"""rights workflow: counsel's reasons sealed under the subject's key (a refusal's, an
extension's, a hold's and its release's), the extension of a deadline (Art. 12(3)), and legal
holds kept after their release as their record (so a subject may be held again)

Revision ID: 0015_rights_workflow
Revises: 0014_recruiter_tools
Create Date: 2026-12-05 22:00:00

"""
from alembic import op
import sqlalchemy as sa

import compliance.db
import compliance.personal


revision = '0015_rights_workflow'
down_revision = '0014_recruiter_tools'
branch_labels = None
depends_on = None

# Words the application wrote into rights_request.resolution; anything else is counsel's note.
WORDS = ('served in the portal', 'released', 'refused', 'resolved', 'erased')


def _seal_existing():
    """Seal the reasons written in clear before this revision, under each subject's key."""
    from compliance import vault

    bind = op.get_bind()
    holds = bind.execute(sa.text(
        "SELECT h.id, h.reason, s.key_id FROM legal_hold h JOIN subject s "
        "ON s.id = h.subject_id")).all()
    for hold_id, reason, key_id in holds:
        if reason and not reason.startswith(f"{vault.PREFIX}:"):
            bind.execute(sa.text("UPDATE legal_hold SET reason = :r WHERE id = :i"),
                         {"r": vault.encrypt(key_id, reason), "i": hold_id})
    notes = bind.execute(sa.text(
        "SELECT r.id, r.status, r.resolution, s.key_id FROM rights_request r JOIN subject s "
        "ON s.id = r.subject_id WHERE r.resolution IS NOT NULL")).all()
    for request_id, status, note, key_id in notes:
        if note not in WORDS:
            word = 'refused' if status == 'refused' else 'released'
            bind.execute(sa.text(
                "UPDATE rights_request SET reasons = :r, resolution = :w WHERE id = :i"),
                {"r": vault.encrypt(key_id, note), "w": word, "i": request_id})


def upgrade():
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reasons', compliance.personal.PersonalText(),
                                      nullable=True))
        batch_op.add_column(sa.Column('extended_at', compliance.db.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('extension_reasons', compliance.personal.PersonalText(),
                                      nullable=True))
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_constraint('uq_legal_hold_subject_id', type_='unique')
        batch_op.create_index(batch_op.f('ix_legal_hold_subject_id'), ['subject_id'],
                              unique=False)
        batch_op.add_column(sa.Column('released_at', compliance.db.UTCDateTime(),
                                      nullable=True))
        batch_op.add_column(sa.Column('released_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('release_reason', compliance.personal.PersonalText(),
                                      nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_legal_hold_released_by_user_account'),
                                    'user_account', ['released_by'], ['id'])
    _seal_existing()


def downgrade():
    # Released holds have no place in the old table (one hold per subject, in force).
    op.execute("DELETE FROM legal_hold WHERE released_at IS NOT NULL")
    with op.batch_alter_table('legal_hold', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_legal_hold_released_by_user_account'),
                                 type_='foreignkey')
        batch_op.drop_column('release_reason')
        batch_op.drop_column('released_by')
        batch_op.drop_column('released_at')
        batch_op.drop_index(batch_op.f('ix_legal_hold_subject_id'))
        batch_op.create_unique_constraint('uq_legal_hold_subject_id', ['subject_id'])
    with op.batch_alter_table('rights_request', schema=None) as batch_op:
        batch_op.drop_column('extension_reasons')
        batch_op.drop_column('extended_at')
        batch_op.drop_column('reasons')
