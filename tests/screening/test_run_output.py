"""`make run` shows a newcomer only what they need: the chatter goes to a log, and the address and
the three demo logins come last."""

import os
import selectors
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

from screening.setup_commands import demo_password
from tests.conftest import free_port
from tests.screening.test_config import ROOT, clean_env

LOGINS = ["recruiter@demo.fairscreen.test", "legal@demo.fairscreen.test",
          "admin@demo.fairscreen.test"]


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        self.send_response(302)
        self.send_header("Location", "/login")
        self.end_headers()

    def log_message(self, *args):
        pass


def _ended(output: str) -> bool:
    logins = _login_lines(output)
    return len(logins) == 3 and "otpauth://" in output.split(logins[-1], 1)[1]


def _login_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if "@demo.fairscreen.test" in line]


def test_demo_logins_wait_for_the_server_and_end_with_the_address_and_logins(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    server = HTTPServer(("127.0.0.1", 0), _Hello)
    url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = runner.invoke(args=["demo-logins", "--url", url, "--wait", "10"])
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0] == f"Fairscreen is running at {url} (Ctrl-C stops it)."
    with app.app_context():
        expected = [(email, demo_password(email)) for email in LOGINS]
    logins = _login_lines("\n".join(lines))
    assert [(line.split()[1], line.split()[2]) for line in logins] == expected
    assert [line.split()[0] for line in logins] == ["recruiter", "legal", "admin"]
    # The logins come last, each second factor's key and link under its login.
    assert lines.index(logins[0]) > 0 and "otpauth://" in lines[-1]


def test_demo_logins_say_so_when_the_server_never_answers(app, runner):
    url = f"http://127.0.0.1:{free_port()}"
    result = runner.invoke(args=["demo-logins", "--url", url, "--wait", "0.5"])
    assert result.exit_code == 1
    assert "did not start" in result.output and "@demo" not in result.output


def test_make_run_prints_the_address_and_logins_last_and_the_rest_to_its_log(tmp_path):
    instance, port = tmp_path / "instance", free_port()
    env = clean_env(instance, PORT=str(port), MAIL_CATCHER_PORT=str(free_port()))
    env.pop("MAKEFLAGS", None)
    env.pop("MAKELEVEL", None)
    run = subprocess.Popen(["make", "--no-print-directory", "run"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    output = b""
    try:
        with selectors.DefaultSelector() as waiting:
            waiting.register(run.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + 240
            # Done when the admin's login (the last) and its second factor's link are out. Read
            # the pipe's bytes as they come: a buffered readline could hold a line back.
            while not _ended(output.decode(errors="replace")) and time.monotonic() < deadline:
                if waiting.select(timeout=1):
                    chunk = os.read(run.stdout.fileno(), 65536)
                    if not chunk:
                        break
                    output += chunk
    finally:
        os.killpg(run.pid, signal.SIGTERM)
        run.wait(timeout=30)
        run.stdout.close()
    shown = output.decode(errors="replace").splitlines()
    lines = [line for line in shown if line.strip()]
    logins = _login_lines("\n".join(lines))
    assert [line.split()[0] for line in logins] == ["recruiter", "legal", "admin"], \
        "\n".join(shown)
    first = lines.index(logins[0])
    assert f"Fairscreen is running at http://127.0.0.1:{port}" in lines[first - 3]
    # Only the logins and the legal and admin users' authenticator keys and links follow.
    assert len(lines) - first == 3 + 2 * 2 and "otpauth://" in lines[-1], "\n".join(shown)
    # A line of set-up, the mail catcher, the address, the logins and their second factors.
    assert len(lines) <= 13, "\n".join(shown)
    log = (instance / "run.log").read_text()
    assert "Running upgrade" in log and "Demo data is in place." in log
