"""A live server on 127.0.0.1 and Debian's Chromium driven by Playwright."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from screening.app import create_app
from tests.conftest import ROOT, IsolatedClient, base_config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture
def live_app(tmp_path, sqlite_template, monkeypatch):
    """An app on a migrated SQLite copy, with secure cookies as in production."""
    path = tmp_path / "live.db"
    shutil.copy(sqlite_template, path)
    monkeypatch.setenv("FAIRSCREEN_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(f"sqlite:///{path}", WTF_CSRF_ENABLED=True,
                                 SESSION_COOKIE_SECURE=True))
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app


@pytest.fixture
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests, stopped after them: Playwright's sync API keeps an
    event loop running in the main thread while it lives, which other code's asyncio.run
    (pyHanko's signing) would trip over."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM,
        args=["--no-sandbox", "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--no-first-run", "--disable-gpu"],
    )
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot(page, request):
    """Save a full-page screenshot into test-artifacts/ under the test's name."""
    ARTIFACTS.mkdir(exist_ok=True)

    def shoot(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


AXE = ROOT / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
_AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations.map(
    v => ({id: v.id, impact: v.impact, help: v.help,
           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""


class Axe:
    """axe-core on every page a test visits: `check()` after each page load, and a test that
    loads a page it never checked fails at teardown."""

    def __init__(self, page):
        self.page = page
        self.loaded: list[str] = []
        self.checked: set[str] = set()
        page.on("load", lambda loaded: self.loaded.append(loaded.url))

    def check(self) -> None:
        """Run axe-core on the page as it is now; fail on any violation, naming each."""
        self.page.wait_for_load_state("load")
        # Evaluated through the devtools protocol, so the page's CSP (script-src 'self') holds.
        self.page.evaluate(AXE.read_text(encoding="utf-8"))
        violations = self.page.evaluate(_AXE_RUN)
        assert not violations, f"axe-core on {self.page.url}:\n" + "\n".join(
            f"  {v['impact']} {v['id']}: {v['help']} at {', '.join(v['nodes'])}"
            for v in violations)
        self.checked.add(self.page.url)

    def unchecked(self) -> list[str]:
        return [url for url in self.loaded if url not in self.checked]


@pytest.fixture
def axe(page):
    """axe-core for the `page` fixture's page (installed by `make test` from the npm registry)."""
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: `make test` installs it "
                    f"(npm install axe-core into .venv/axe)")
    checker = Axe(page)
    yield checker
    assert not checker.unchecked(), f"pages loaded without an axe-core check: {checker.unchecked()}"
