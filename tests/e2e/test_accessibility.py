"""Every main screen of the demo, checked by axe-core in a real browser: no serious or
critical violation of the WCAG 2 A/AA rules.

axe is run with ``page.evaluate`` (a DevTools evaluation, which the page's Content-Security-Policy
does not govern), so the screens are checked under the same CSP users get; injecting it
as a <script> would be an inline script, which that CSP rightly blocks.
"""

from pathlib import Path

import httpx
import pytest

from tests.e2e.test_juror import log_in

AXE = Path(__file__).resolve().parents[2] / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SLUG = "wlm-2025-demoland"
JUROR = "Demo Juror Ama"  # only looks: the other browser tests vote as Kofi, Esi and Yaw


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` in frontend/ (axe-core is a devDependency)")
    return AXE.read_text()


class Audit:
    """Runs axe on screen after screen and collects its findings, to report them all at once."""

    def __init__(self, page, axe_source: str) -> None:  # type: ignore[no-untyped-def]
        self.page = page
        self.axe_source = axe_source
        self.found: dict[str, list[str]] = {}

    def screen(self, name: str, url: str, ready: str) -> None:
        """Open ``url``, wait for the ``ready`` CSS selector and check the page."""
        self.page.goto(url)
        self.page.locator(ready).first.wait_for()
        self.here(name)

    def here(self, name: str) -> None:
        if problems := violations(self.page, self.axe_source):
            self.found[name] = problems

    def report(self) -> str:
        return "\n".join(f"{name}:\n  " + "\n  ".join(lines) for name, lines in self.found.items())


def violations(page, axe_source: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's serious and critical violations, one line per rule and element."""
    # Colours are measured as shown: let fade-ins finish first (wait_for_function would
    # need eval, which the CSP forbids).
    page.evaluate(
        "() => Promise.allSettled(document.getAnimations()"
        ".filter(a => a.effect?.getComputedTiming().endTime !== Infinity).map(a => a.finished))"
    )
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    options = {"runOnly": {"type": "tag", "values": RULES}, "resultTypes": ["violations"]}
    results = page.evaluate("options => axe.run(document, options)", options)
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']} {node['failureSummary']!r}"
        for rule in results["violations"]
        if rule["impact"] in ("serious", "critical")
        for node in rule["nodes"]
    ]


def api(page, base: str, path: str):  # type: ignore[no-untyped-def]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = httpx.get(f"{base}/api{path}", cookies=cookies)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_public_screens_have_no_serious_violations(page, demo_server, axe_source):  # type: ignore[no-untyped-def]
    audit = Audit(page, axe_source)
    audit.screen("home", demo_server + "/", "a[href^='/auth/login']")
    audit.screen("published contests", f"{demo_server}/results", tid("public-campaign"))
    audit.screen("public results", f"{demo_server}/results/{SLUG}", tid("public-winner"))
    page.set_viewport_size({"width": 390, "height": 844})  # its table scrolls on a phone
    audit.here("public results on a phone")
    page.set_viewport_size({"width": 1280, "height": 800})
    audit.screen("ceremony", f"{demo_server}/results/{SLUG}/ceremony", tid("ceremony-slide"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.get_by_test_id("ceremony-photo").wait_for()
    audit.here("ceremony reveal")
    assert not audit.found, audit.report()


def test_the_juror_screens_have_no_serious_violations(page, demo_server, axe_source):  # type: ignore[no-untyped-def]
    log_in(page, demo_server, JUROR)
    audit = Audit(page, axe_source)
    audit.screen("home", demo_server + "/", tid("home-my-rounds"))
    audit.screen("my rounds", demo_server + "/my/rounds", tid("juror-round-card"))
    rounds = api(page, demo_server, "/my/rounds")
    rating = next(r for r in rounds if r["vote_method"] == "rating" and r["status"] == "active")
    audit.screen("directions", f"{demo_server}/my/rounds/{rating['id']}", tid("round-directions"))
    page.get_by_test_id("start-voting").click()
    page.get_by_test_id("juror-photo").wait_for()
    audit.here("voting")
    # Ama has not voted in the rating round yet; her yes/no votes are in the round before.
    voted = next(
        r
        for r in rounds
        if r["campaign_id"] == rating["campaign_id"] and r["vote_method"] == "yes_no"
    )
    audit.screen("my votes", f"{demo_server}/my/rounds/{voted['id']}/votes", tid("my-vote"))
    # The published edition's final round, ranked by every demo juror.
    ranking = next(r for r in rounds if r["vote_method"] == "ranking")
    audit.screen("ranking", f"{demo_server}/my/rounds/{ranking['id']}/ranking", tid("ranking-row"))
    assert not audit.found, audit.report()


def test_the_coordinator_screens_have_no_serious_violations(page, demo_server, axe_source):  # type: ignore[no-untyped-def]
    log_in(page, demo_server, "Demo Coordinator")
    audit = Audit(page, axe_source)
    campaign = next(c for c in api(page, demo_server, "/campaigns") if c["slug"] == SLUG)
    final = api(page, demo_server, f"/campaigns/{campaign['id']}/rounds")[-1]
    audit.screen("campaigns", demo_server + "/campaigns", tid("campaigns-table"))
    audit.screen("campaign", f"{demo_server}/campaigns/{campaign['id']}", tid("rounds-table"))
    audit.screen("round", f"{demo_server}/rounds/{final['id']}", tid("round-status"))
    audit.screen("results", f"{demo_server}/rounds/{final['id']}/results", tid("results-ranking"))
    audit.screen("awards", f"{demo_server}/campaigns/{campaign['id']}/awards", tid("awards-panel"))
    audit.screen("audit log", f"{demo_server}/campaigns/{campaign['id']}/audit", tid("audit-row"))
    # The demo's coordinator is also its admin.
    audit.screen("admin users", demo_server + "/admin/users", tid("admin-users-table"))
    assert not audit.found, audit.report()


def tid(testid: str) -> str:
    return f"[data-testid={testid}]"
