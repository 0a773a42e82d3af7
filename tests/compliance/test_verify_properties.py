"""Property tests: any change, deletion, insertion or reordering of stored events, and any
forged checkpoint, is caught by verification."""

import secrets

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from compliance import chain
from compliance.keys import public_key_bytes, signing_key
from compliance.verify import verify_rows
from tests.conftest import TEST_KEYS

KEY = signing_key(TEST_KEYS["AUDIT_SIGNING_KEY"])
PUBLIC = public_key_bytes(KEY)
OTHER_KEY = signing_key(TEST_KEYS["BLIND_INDEX_KEY"])  # any other 32 bytes make another key
FIELDS = ("seq", "at", "actor", "action", "subject", "objects", "details", "prev_hash", "hash")


def checkpoint(seq: int, head: str, key=KEY) -> dict:
    at = f"2026-11-23T07:{seq % 60:02d}:00.000000Z"
    return {"seq": seq, "hash": head, "at": at, "key_id": chain.key_id(public_key_bytes(key)),
            "signature": chain.sign(key, seq, head, at)}


def build(count: int = 12, every: int = 4) -> tuple[list[tuple], list[dict]]:
    """A chain as stored, with a checkpoint every `every` events and one over the last."""
    rows, checkpoints, prev = [], [], chain.GENESIS
    for seq in range(1, count + 1):
        rows.append(make_row(seq, prev, subject=None if seq % 3 else "ab" * 32))
        prev = rows[-1][-1]
        if seq % every == 0 or seq == count:
            checkpoints.append(checkpoint(seq, prev))
    return rows, checkpoints


def make_row(seq: int, prev: str, *, subject: str | None = None, actor: str = "system",
             objects: str | None = None) -> tuple:
    at = f"2026-11-23T06:{seq % 60:02d}:00.123456Z"
    objects = objects if objects is not None else chain.canonical_json({"candidate": seq})
    details = chain.canonical_json({"count": seq})
    digest = chain.content_digest(seq, at, actor, "login.failed", subject, objects, details)
    return (seq, at, actor, "login.failed", subject, objects, details, prev,
            chain.link(prev, digest))


def relink(rows: list[tuple], start: int = 0) -> list[tuple]:
    """Renumber and re-hash from `start` on, as a forger who has no signing key would."""
    out = rows[:start]
    prev = out[-1][-1] if out else chain.GENESIS
    for index in range(start, len(rows)):
        seq, at, actor, action, subject, objects, details, _p, _h = rows[index]
        digest = chain.content_digest(index + 1, at, actor, action, subject, objects, details)
        out.append((index + 1, at, actor, action, subject, objects, details, prev,
                    chain.link(prev, digest)))
        prev = out[-1][-1]
    return out


ROWS, CHECKPOINTS = build()


def verify(rows, checkpoints=CHECKPOINTS):
    return verify_rows(rows, checkpoints, PUBLIC)


def field_values(index: int):
    if index == 0:
        return st.integers(-5, 50)
    if index == 4:
        return st.none() | st.text(max_size=70)
    return st.text(max_size=80)


def test_an_untouched_chain_verifies():
    report = verify(ROWS)
    assert report.ok and report.events == 12 and report.checkpoints == len(CHECKPOINTS)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_change_to_any_field_is_detected(data):
    index = data.draw(st.integers(0, len(ROWS) - 1))
    field = data.draw(st.integers(0, len(FIELDS) - 1))
    value = data.draw(field_values(field))
    row = list(ROWS[index])
    assume(value != row[field] or type(value) is not type(row[field]))
    row[field] = value
    report = verify([*ROWS[:index], tuple(row), *ROWS[index + 1:]])
    assert not report.ok and report.bad_seq is not None


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(ROWS) - 1), st.integers(1, len(ROWS)), st.booleans())
def test_any_deletion_is_detected(start, length, relinked):
    rows = ROWS[:start] + ROWS[start + length:]
    assert not verify(relink(rows, start) if relinked else rows).ok


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(ROWS) - 1), st.text(max_size=20), st.booleans())
def test_any_insertion_is_detected(position, actor, relinked):
    # Past the last event it would be an append; an export's closing checkpoint catches that.
    assume(chain.SEPARATOR not in actor and actor)
    prev = ROWS[position - 1][-1] if position else chain.GENESIS
    forged = make_row(position + 1, prev, actor=actor)
    rows = [*ROWS[:position], forged, *ROWS[position:]]
    assert not verify(relink(rows, position) if relinked else rows).ok


@settings(max_examples=200, deadline=None)
@given(st.permutations(range(len(ROWS))), st.booleans())
def test_any_reordering_is_detected(order, relinked):
    assume(list(order) != list(range(len(ROWS))))
    rows = [ROWS[i] for i in order]
    assert not verify(relink(rows) if relinked else rows).ok


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_any_forged_checkpoint_is_detected(data):
    index = data.draw(st.integers(0, len(CHECKPOINTS) - 1))
    forged = dict(CHECKPOINTS[index])
    how = data.draw(st.sampled_from(["field", "other key", "resigned other hash"]))
    if how == "field":
        name = data.draw(st.sampled_from(["seq", "hash", "at", "key_id", "signature"]))
        value = data.draw(st.integers(-3, 40) if name == "seq" else st.text(max_size=130))
        assume(value != forged[name])
        forged[name] = value
    elif how == "other key":
        forged = checkpoint(forged["seq"], forged["hash"], OTHER_KEY)
    else:
        forged = checkpoint(forged["seq"], secrets.token_hex(32), OTHER_KEY)
    checkpoints = [*CHECKPOINTS[:index], forged, *CHECKPOINTS[index + 1:]]
    assert not verify(ROWS, checkpoints).ok


def test_a_chain_rebuilt_without_the_key_fails_at_the_next_checkpoint():
    tampered = list(ROWS)
    tampered[5] = make_row(6, ROWS[4][-1], objects=chain.canonical_json({"candidate": 99}))
    report = verify(relink(tampered, 5))
    assert not report.ok and report.bad_seq == 8  # the first checkpoint after the change
