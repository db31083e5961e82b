"""The public results of the demo's published edition, and its ceremony, in a real browser,
without logging in. With LOUPE_SCREENSHOTS=1 both screens are saved into docs/screenshots/.
"""

import os
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SLUG = "wlm-2025-demoland"
# The demo's awards, in the order the ceremony reveals them.
REVEAL_ORDER = ["Jury's special prize", "Third place", "Second place", "First place"]


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("LOUPE_SCREENSHOTS") == "1":
        page.screenshot(path=SCREENSHOTS / name)


def credit_of(scope) -> str:  # type: ignore[no-untyped-def]
    """The credit line as read, without the Unicode isolates around the licence."""
    text = scope.get_by_test_id("public-credit").inner_text()
    return text.replace("\u2068", "").replace("\u2069", "")


def wait_for_photos(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "s => [...document.querySelectorAll(s)].every(img => img.complete && img.naturalWidth > 0)",
        arg=selector,
    )


def test_anyone_sees_the_winners_with_their_attribution(page, demo_server):  # type: ignore[no-untyped-def]
    page.goto(f"{demo_server}/results")
    page.get_by_role("link", name="Wiki Loves Monuments 2025 in Demoland").click()
    page.wait_for_url(re.compile(rf".*/results/{SLUG}$"))

    winners = page.get_by_test_id("public-winner")
    winners.first.wait_for()
    assert winners.count() == 4
    names = [winners.nth(i).get_by_test_id("public-award-name").inner_text() for i in range(4)]
    assert names == ["First place", "Second place", "Third place", "Jury's special prize"]
    for i in range(4):
        card = winners.nth(i)
        credit = credit_of(card)
        assert re.fullmatch(r"Photo: .+, CC[\w .-]*, via Wikimedia Commons", credit), credit
        author = card.get_by_test_id("public-author")
        assert "/wiki/User:" in author.get_attribute("href")
        assert author.inner_text() in credit
        photo = card.locator("img")
        assert photo.get_attribute("srcset")
        assert "/wiki/File:" in card.locator("a").first.get_attribute("href")
    wait_for_photos(page, "[data-testid=public-winner] img")

    report = page.get_by_test_id("public-report")
    assert "Round 1: yes or no" in report.inner_text()
    assert "Uploaded by a juror or organizer: 2" in report.inner_text()
    assert "Final round" in report.inner_text()
    assert page.get_by_test_id("public-rehearsal").count() == 0
    shot(page, "public-results.png")

    pdf = httpx.get(demo_server + page.get_by_test_id("public-pdf-link").get_attribute("href"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def expect_slide(page, kind: str, award: str = "") -> None:  # type: ignore[no-untyped-def]
    expect(page.get_by_test_id("ceremony-slide")).to_have_attribute("data-kind", kind)
    name = page.get_by_test_id("ceremony-award-name")
    if award:
        expect(name).to_have_text(award)
    else:
        expect(name).to_have_count(0)


def test_the_ceremony_reveals_places_in_reverse_order_with_the_keyboard(page, demo_server):  # type: ignore[no-untyped-def]
    page.goto(f"{demo_server}/results/{SLUG}")
    page.get_by_test_id("public-ceremony-link").click()
    expect_slide(page, "title")

    keys = iter(["ArrowRight", "Space"] * len(REVEAL_ORDER))
    for award in REVEAL_ORDER:
        page.keyboard.press(next(keys))
        expect_slide(page, "announce", award)
        expect(page.get_by_test_id("ceremony-photo")).to_have_count(0)
        page.keyboard.press(next(keys))
        expect_slide(page, "reveal", award)
        wait_for_photos(page, "[data-testid=ceremony-photo]")
        credit = credit_of(page)
        assert re.fullmatch(r"Photo: .+, CC[\w .-]*, via Wikimedia Commons", credit), credit
        if award == "First place":
            page.wait_for_timeout(600)  # let the reveal's fade-in finish
            shot(page, "ceremony.png")

    progress = page.get_by_test_id("ceremony-progress")
    page.keyboard.press("ArrowRight")
    expect_slide(page, "end")
    expect(progress).to_have_text("10 of 10")
    page.keyboard.press("ArrowRight")
    expect(progress).to_have_text("10 of 10")
    page.keyboard.press("ArrowLeft")
    expect_slide(page, "reveal", "First place")
    # The slide is in the address: a reload resumes there.
    page.wait_for_function("new URLSearchParams(location.search).get('slide') === '8'")
    page.reload()
    expect_slide(page, "reveal", "First place")
    page.keyboard.press("Home")
    expect_slide(page, "title")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(rf".*/results/{SLUG}$"))
