"""The scale-out proof, small: benchmarks/scale_out.py with 20 candidates and short faults.

PostgreSQL (two private schemas, dropped after), a Redis of its own on a spare port, two
gunicorn processes, three consumers, a feed server with the recorded real-world feeds and an
SMTP server; one consumer is killed mid-screening, Redis is killed and started again, and the
SMTP server is down for 6 seconds. About 80 seconds on this machine.
"""

import shutil

import pytest
from sqlalchemy import create_engine, text

from benchmarks import scale_out


def missing() -> str | None:
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    try:
        engine = create_engine(scale_out.PG_SERVER, connect_args={"connect_timeout": 3})
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as error:  # any failure means: no server to prove anything on
        return f"PostgreSQL at {scale_out.PG_SERVER} does not answer ({type(error).__name__})"
    return None


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_consumer_restarted_redis_and_dead_mail_server_lose_and_repeat_nothing(
        tmp_path):
    reason = missing()
    if reason:
        pytest.skip(reason)
    result = scale_out.run(candidates=20, smtp_outage=6, fast=True, deadline=180,
                           logs=tmp_path / "logs")
    print(scale_out.report(result))
    assert result["timeline"]["settled"], scale_out.report(result)
    assert result["answers"] == {202: 20}
    # The faults happened where they hurt: a consumer died holding a run.
    assert result["timeline"]["busy"] and result["runs_started_again"] >= 1
    assert result["stuck"] == 0 and result["failed_without_reason"] == 0
    assert result["runs"]["done"] + result["failure_reasons"]["interrupted"] == 20
    assert result["findings"] > 0 and result["duplicate_findings"] == 0
    assert result["candidates_with_findings_of_two_runs"] == 0
    assert result["emails"] >= 60  # consent request, answer, findings notice per candidate
    assert result["duplicate_emails"] == 0 and result["lost_emails"] == 0
    assert result["emails_received"] == result["emails"]
    assert result["audit_verified"], result["audit_output"]
