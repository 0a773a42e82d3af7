from compliance.audit import AuditEvent


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Log in" in response.data


def test_factories_write_audit_events(db, make_candidate):
    make_candidate()
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions == ["user.created", "vacancy.created", "candidate.created"]
