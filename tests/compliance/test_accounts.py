"""The account operations own their guards: no page, command or task can skip them."""

import pytest

from compliance.accounts import (
    DuplicateEmail,
    LastAdmin,
    OwnAdminAccess,
    Role,
    User,
    create_user,
    update_user,
)
from compliance.audit import AuditAction, AuditEvent
from tests.conftest import PASSWORD


def _count(db, model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_an_e_mail_in_another_spelling_is_refused(db, make_user):
    make_user(email="ann@example.test")
    with pytest.raises(DuplicateEmail) as refused:
        create_user("  ANN@Example.TEST ", "Ann again", PASSWORD, Role.LEGAL, actor="system")
    assert refused.value.field == "email" and "exists already" in refused.value.message
    db.session.rollback()
    assert _count(db, User) == 1


def test_the_last_active_admin_is_neither_demoted_nor_deactivated(db, make_user):
    admin, second = make_user(Role.ADMIN), make_user(Role.ADMIN)
    update_user(second, actor="system", active=False)
    db.session.commit()
    for change in ({"role": Role.LEGAL}, {"active": False}):
        with pytest.raises(LastAdmin):
            update_user(admin, actor="system", **change)
    db.session.rollback()
    admin = db.session.get(User, admin.id)
    assert admin.role == Role.ADMIN and admin.active
    # With another active admin the same change is allowed, and audited.
    update_user(second, actor="system", active=True)
    update_user(admin, actor="system", role=Role.LEGAL)
    db.session.commit()
    assert db.session.get(User, admin.id).role == Role.LEGAL
    events = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == AuditAction.USER_UPDATED)).all()
    assert len(events) == 3


def test_an_admin_cannot_remove_their_own_access_even_with_other_admins(db, make_user):
    admin, other = make_user(Role.ADMIN), make_user(Role.ADMIN)
    with pytest.raises(OwnAdminAccess):
        update_user(admin, actor=admin, active=False)
    update_user(admin, actor=other, active=False)  # another admin may
    db.session.commit()
    assert db.session.get(User, admin.id).active is False


def test_the_command_line_gives_plain_messages(runner, db, make_user):
    admin = make_user(Role.ADMIN, email="boss@example.test")
    taken = runner.invoke(args=["users", "create", "Boss@Example.test", "--role", "legal",
                                "--password", PASSWORD])
    assert taken.exit_code == 1 and "exists already" in taken.output
    last = runner.invoke(args=["users", "update", admin.email, "--deactivate"])
    assert last.exit_code == 1 and "last active administrator" in last.output
    assert "Traceback" not in last.output
    unknown = runner.invoke(args=["users", "update", "nobody@example.test", "--role", "legal"])
    assert unknown.exit_code == 1 and "no user" in unknown.output
    made = runner.invoke(args=["users", "create", "two@example.test", "--role", "admin",
                               "--password", PASSWORD])
    assert made.exit_code == 0, made.output
    demoted = runner.invoke(args=["users", "update", admin.email, "--role", "legal"])
    assert demoted.exit_code == 0 and "is now legal, active" in demoted.output
    db.session.rollback()
    assert db.session.get(User, admin.id).role == Role.LEGAL
