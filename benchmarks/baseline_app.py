"""The web benchmark's baseline: a minimal Flask app on the same database engine.

(a) `/plain` answers a line of text; (b) `/rows` reads 20 rows and renders them through a Jinja
template, which is about the least a real page can do. gunicorn serves it as
`benchmarks.baseline_app:app` with BENCH_DATABASE_URL naming the seeded database.
"""

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Rows</title></head>
<body><h1>Rows</h1><table><thead><tr><th>Name</th><th>State</th><th>Added</th></tr></thead>
<tbody>{% for row in rows %}<tr><td><a href="/rows/{{ row.id }}">{{ row.name }}</a></td>
<td>{{ row.state }}</td><td>{{ row.created_at }}</td></tr>{% endfor %}</tbody></table>
</body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["BENCH_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    engine = create_engine(url, pool_pre_ping=True)  # as the product's engine options

    @app.get("/plain")
    def plain():
        return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}

    @app.get("/rows")
    def rows():
        with engine.connect() as connection:
            found = connection.execute(text(
                "SELECT id, name, state, created_at FROM bench_row ORDER BY id LIMIT 20")).all()
        return render_template_string(PAGE, rows=found)

    return app


app = create_app() if "BENCH_DATABASE_URL" in os.environ else None
