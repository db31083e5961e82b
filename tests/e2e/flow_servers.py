"""A real `loupe serve` wired to the Wikimedia OAuth double and the Commons double, all on
loopback ports, for browser tests that log in the way production users do (no dev login).

The doubles run in this process (so a test can read or change them); Loupe runs as a
subprocess with its own SQLite database and background jobs in the server.
"""

import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.auth.double import OAuthProvider
from app.commons.double import CommonsStore, create_app, serve_in_thread
from tests.e2e.servers import free_port, wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]
CATEGORY = "Images from Wiki Loves Flow 2026"
ADMIN = "Flow Admin"
COORDINATOR = "Flow Coordinator"
JURORS = ("Flow Juror Ama", "Flow Juror Kofi")
PHOTOGRAPHERS = ("Abena Mensah", "Kwame Boateng", "Leila Haddad", "Mei Lin")
PHOTOS = 12
REGIONS = ("Accra", "Kumasi", "Tamale")
# The contest's upload window; every seeded photo falls inside it.
OPENS = datetime(2026, 9, 1, tzinfo=UTC)
CLOSES = datetime(2026, 10, 1, tzinfo=UTC)


@dataclass
class Flow:
    base: str
    provider: OAuthProvider
    store: CommonsStore
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        """Run a `loupe` command against this instance's database."""
        done = subprocess.run(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def log_in(self, page, username: str, *, next: str = "/") -> None:  # type: ignore[no-untyped-def]
        """Log in through Loupe's login button and the provider's login form, as a person would."""
        # Nobody is logged in at "Meta": the provider asks who is there.
        self.provider.login_as(None)
        page.goto(f"{self.base}{next}")
        page.get_by_role("banner").get_by_role(
            "link", name=re.compile(r"^\s*log in\s*$", re.I)
        ).click()
        page.wait_for_url(re.compile(r".*/w/rest\.php/oauth2/authorize.*"))
        page.fill("input[name=username]", username)
        page.get_by_role("button", name="Allow").click()
        page.wait_for_url(f"{self.base}{next}")
        page.get_by_role("banner").get_by_text(username, exact=True).wait_for()


def seed_commons(store: CommonsStore) -> None:
    """People with matching Commons and Wikimedia ids, and a category of photos."""
    for n, name in enumerate([ADMIN, COORDINATOR, *JURORS, *PHOTOGRAPHERS]):
        store.add_user(name, local_id=8_000 + n, central_id=70_000_000 + n)
    # One subcategory per region, as national contests sort their uploads.
    regions = [f"{CATEGORY} in {region}" for region in REGIONS]
    store.add_category(CATEGORY, subcats=regions)
    for n in range(PHOTOS):
        store.add_file(
            f"Flow monument {n + 1:02d}.jpg",
            uploader=PHOTOGRAPHERS[n % len(PHOTOGRAPHERS)],
            timestamp=OPENS + timedelta(days=n + 1, hours=n),
            width=4000,
            height=3000 if n % 3 else 2600,
            categories=[regions[n % len(regions)]],
        )


@pytest.fixture(scope="session")
def flow(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    store = CommonsStore(provenance=False)
    seed_commons(store)
    provider = OAuthProvider(redirect_uri="http://127.0.0.1/auth/callback")
    for name in [ADMIN, COORDINATOR, *JURORS]:
        provider.add_user(name, sub=store.user(name).central_id)

    with ExitStack() as stack:
        commons = stack.enter_context(serve_in_thread(create_app(store)))
        oauth = stack.enter_context(serve_in_thread(provider.app))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            # Production mode: the development login cannot exist.
            "LOUPE_ENV": "production",
            "LOUPE_DEV_LOGIN": "false",
            "LOUPE_SECRET_KEY": secrets.token_urlsafe(32),
            "LOUPE_DATA_DIR": str(tmp_path_factory.mktemp("flow")),
            "LOUPE_BASE_URL": base,
            "LOUPE_COMMONS_API_URL": f"{commons}/w/api.php",
            "LOUPE_JOBS_IN_SERVER": "true",
            "LOUPE_JOB_POLL_SECONDS": "0.2",
            "LOUPE_LOG_LEVEL": "WARNING",
            **{f"LOUPE_{k.upper()}": v for k, v in provider.settings_for(oauth).items()},
        }
        for name in ("LOUPE_DATABASE_URL", "LOUPE_ADMINS", "LOUPE_DEMO"):
            env.pop(name, None)
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)], cwd=ROOT, env=env
        )
        stack.callback(server.wait, 15)
        stack.callback(server.terminate)
        wait_until_healthy(base, server, seconds=60, name="loupe serve")
        yield Flow(base=base, provider=provider, store=store, env=env)
