"""Browser tests: Playwright drives Debian's Chromium against a real `loupe demo` server.

They use their own demo database (SQLite), so they run once, in the SQLite pass.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import TEST_DB
from tests.e2e.flow_servers import flow  # noqa: F401  (loupe serve + OAuth and Commons doubles)
from tests.e2e.servers import free_port, wait_until_healthy

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            if TEST_DB != "sqlite":
                item.add_marker(pytest.mark.skip(reason="browser tests run in the SQLite pass"))
            elif not os.path.exists(CHROMIUM):
                if os.environ.get("CI"):
                    raise RuntimeError("CI must install chromium for the browser tests")
                item.add_marker(pytest.mark.skip(reason="chromium is not installed"))


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "LOUPE_DATA_DIR": str(tmp_path_factory.mktemp("demo")),
        "LOUPE_BASE_URL": base,
        "LOUPE_LOG_LEVEL": "WARNING",
    }
    env.pop("LOUPE_DATABASE_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--port", str(port)], cwd=ROOT, env=env
    )
    try:
        wait_until_healthy(base, server, seconds=90, name="the demo server")
        yield base
    finally:
        server.terminate()
        server.wait(15)


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
