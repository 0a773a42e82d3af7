"""Role gates for whole areas of pages: log in first, and an audited 403 for other roles."""

from flask import Blueprint, abort
from flask_login import current_user, login_required

from compliance import audit
from compliance.accounts import Role
from compliance.audit import AuditAction
from compliance.db import db


def roles_only(blueprint: Blueprint, *roles: Role) -> None:
    """Let only `roles` into the blueprint's pages."""

    @blueprint.before_request
    @login_required
    def gate():
        if current_user.role not in roles:
            audit.record(AuditAction.ACCESS_DENIED, actor=current_user, area=blueprint.name)
            db.session.commit()
            abort(403)
