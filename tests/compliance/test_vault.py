"""The key vault and the encrypted personal fields: sealed at rest, shredded at erasure."""

import os
import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from compliance import vault
from compliance.erasure import erase_subject
from compliance.personal import ERASED, PersonalText, Sealed
from compliance.subjects import RetentionReason, Subject, find_by_email
from screening.models import Candidate


def stored(db, candidate_id: int) -> tuple[str, str]:
    row = db.session.execute(
        text("SELECT name, email FROM candidate WHERE id = :id"), {"id": candidate_id}
    ).one()
    return row.name, row.email


def test_personal_fields_are_ciphertext_at_rest(db, make_candidate):
    candidate = make_candidate(name="Noor de Vries", email="noor@example.org")
    name, email = stored(db, candidate.id)
    assert name.startswith("fs1:") and email.startswith("fs1:")
    assert "Noor" not in name and "noor" not in email
    assert vault.key_id_of(name) == candidate.subject.key_id
    db.session.expire_all()
    again = db.session.get(Candidate, candidate.id)
    assert (again.name, again.email) == ("Noor de Vries", "noor@example.org")


def test_each_subject_has_its_own_key(db, make_vacancy, make_candidate):
    vacancy = make_vacancy()
    first, second = make_candidate(vacancy), make_candidate(vacancy)
    assert first.subject.key_id != second.subject.key_id
    assert vault.key_id_of(stored(db, first.id)[0]) != vault.key_id_of(stored(db, second.id)[0])


def test_an_edit_is_sealed_again(db, make_candidate):
    candidate = make_candidate()
    before = stored(db, candidate.id)[0]
    candidate.name = "Jamie J."
    db.session.commit()
    after = stored(db, candidate.id)[0]
    assert after != before and after.startswith("fs1:")
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).name == "Jamie J."


def test_clear_text_never_reaches_the_database(db, make_candidate):
    make_candidate()
    with pytest.raises(Exception, match="personal text"):
        db.session.execute(select(Candidate).where(Candidate.email == "jamie@example.org")).all()
    db.session.rollback()


def test_a_personal_field_needs_a_subject(app):
    with pytest.raises(TypeError):
        PersonalText().process_bind_param("clear", None)
    assert isinstance(Sealed("x", "k"), str)


def test_blind_index_finds_the_subject_by_email(db, make_candidate):
    candidate = make_candidate(email="Sam.Okafor@example.org")
    make_candidate(email="someone.else@example.org")
    assert [s.id for s in find_by_email("  sam.okafor@EXAMPLE.org ")] == [candidate.subject_id]
    assert candidate.subject.email_hash != "sam.okafor@example.org"


def test_erasure_shreds_the_key_and_deletes_the_rows(db, make_candidate):
    candidate = make_candidate()
    key_id, name = candidate.subject.key_id, stored(db, candidate.id)[0]
    erase_subject(candidate.subject, actor="system", reason=RetentionReason.ERASURE_REQUESTED)
    assert not vault.exists(key_id)
    assert db.session.scalar(select(Candidate.id)) is None
    assert db.session.scalar(select(Subject.id)) is None
    with pytest.raises(vault.ShreddedError):
        vault.decrypt(name)


def test_a_row_whose_key_is_shredded_reads_as_erased(db, make_candidate):
    candidate = make_candidate(name="Half Way")
    vault.shred([candidate.subject.key_id])  # a sweep killed between shredding and deleting
    db.session.expire_all()
    assert db.session.get(Candidate, candidate.id).name == ERASED


def test_a_backup_from_before_erasure_cannot_be_read(app, db, make_candidate, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("copies the database file")
    candidate = make_candidate(name="Backup Person", email="backup@example.org")
    keep = make_candidate(candidate.vacancy, name="Kept Person", email="kept@example.org")
    db.session.commit()
    erased_id, kept_id = candidate.id, keep.id
    source = Path(db.engine.url.database)
    backup = tmp_path / "backup.db"
    live, copy = sqlite3.connect(source), sqlite3.connect(backup)
    live.backup(copy)
    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    live.close()
    copy.close()
    shutil.copy(source, tmp_path / "plain-copy.db")  # a plain file copy, as a naive backup

    erase_subject(candidate.subject, actor="system", reason=RetentionReason.ERASURE_REQUESTED)

    for path in (backup, tmp_path / "plain-copy.db"):
        old = create_engine(f"sqlite:///{path}")
        with old.connect() as connection:
            rows = dict(connection.execute(text("SELECT id, name FROM candidate")).all())
        old.dispose()
        assert set(rows) == {erased_id, kept_id}
        with pytest.raises(vault.ShreddedError):
            vault.decrypt(rows[erased_id])
        assert vault.decrypt(rows[kept_id]) == "Kept Person"
        assert b"Backup Person" not in path.read_bytes()


def test_a_logical_dump_from_before_erasure_cannot_be_read(db, make_candidate):
    candidate = make_candidate(name="Dumped Person")
    dump = db.session.execute(text("SELECT id, name, email FROM candidate")).all()
    erase_subject(candidate.subject, actor="system", reason=RetentionReason.ERASURE_REQUESTED)
    [(_id, name, email)] = dump
    for token in (name, email):
        with pytest.raises(vault.ShreddedError):
            vault.decrypt(token)


def test_the_vault_lives_outside_the_application_database(app, db, make_candidate):
    make_candidate()
    tables = set(db.inspect(db.engine).get_table_names())
    assert "data_key" not in tables
    assert vault.engine().url != db.engine.url
    if vault.engine().url.get_backend_name() == "sqlite":
        assert stat.S_IMODE(os.stat(vault.engine().url.database).st_mode) == 0o600


def test_a_shredded_key_leaves_no_bytes_in_the_vault_files(app, db, make_candidate):
    if vault.engine().url.get_backend_name() != "sqlite":
        pytest.skip("reads the vault's files")
    candidate, other = make_candidate(), make_candidate()
    db.session.commit()
    key_id, other_key_id = candidate.subject.key_id, other.subject.key_id
    with vault.engine().connect() as connection:
        wrapped = dict(connection.execute(select(vault.data_key_table.c.key_id,
                                                 vault.data_key_table.c.wrapped)).all())
    files = [Path(vault.engine().url.database + suffix) for suffix in ("", "-wal")]
    before = b"".join(path.read_bytes() for path in files if path.exists())
    assert wrapped[key_id] in before  # the scan can see a key at all

    erase_subject(candidate.subject, actor="system", reason=RetentionReason.ERASURE_REQUESTED)

    after = b"".join(path.read_bytes() for path in files if path.exists())
    assert wrapped[key_id] not in after
    assert wrapped[other_key_id] in after and vault.exists(other_key_id)
