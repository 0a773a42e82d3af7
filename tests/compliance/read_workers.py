"""Child processes that die mid-read: `python -m tests.compliance.read_workers WHERE URL ...`.

WHERE is `journal` (right after the read is journaled, before its commit), `sent` (after the
response is produced and committed, before a byte of it leaves) or `fold` (inside the periodic
fold, after the chain insert and the journal's delete, before their commit).
"""

import os
import sys

from sqlalchemy import event


def die_after(engine, marker: str) -> None:
    def check(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(marker):
            os._exit(9)

    event.listen(engine, "after_cursor_execute", check)


def main(where: str, database_url: str, *rest: str) -> None:
    from compliance import read_journal
    from compliance.db import db
    from tests.compliance.workers import make_app

    app = make_app(database_url)
    with app.app_context():
        if where == "fold":
            die_after(db.engine, "DELETE FROM READ_JOURNAL")
            read_journal.fold()
            return
        token, path = rest
        if where == "journal":
            die_after(db.engine, "INSERT INTO READ_JOURNAL")
        else:
            inner = app.wsgi_app

            def dies_before_sending(environ, start_response):
                inner(environ, start_response)  # the response is produced, then the power goes
                os._exit(9)

            app.wsgi_app = dies_before_sending
        response = app.test_client().get(path, headers={"Authorization": f"Bearer {token}"})
        print("received", response.status_code, response.get_data(as_text=True), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
