"""On a phone: a juror votes with taps, the photo fits the screen and the votes are stored;
the award ceremony fits the screen too."""

import re

import pytest

from tests.e2e.test_juror import log_in
from tests.e2e.test_offline_voting import my_votes

PHONE = {"width": 390, "height": 844}
JUROR = "Demo Juror Yaw"  # the other browser tests vote as Kofi and Esi, and Ama only looks
# Elements of the page sticking out of the window sideways (overflow: hidden hides them
# from scrollWidth, not from the eye).
OUTSIDE = """[...document.querySelectorAll('body *')]
  .filter(e => {
    const box = e.getBoundingClientRect()
    return box.left < -1 || box.right > innerWidth + 1
  })
  .map(e => e.outerHTML.slice(0, 80))"""


@pytest.fixture
def phone(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=3, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def fits_the_width(page) -> bool:  # type: ignore[no-untyped-def]
    return page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def in_window(box) -> bool:  # type: ignore[no-untyped-def]
    """Inside the window as it is, without scrolling."""
    return bool(
        box
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= PHONE["width"]
        and box["y"] + box["height"] <= PHONE["height"]
    )


def test_a_juror_rates_photos_with_taps_on_a_phone(phone, demo_server):  # type: ignore[no-untyped-def]
    page = phone
    log_in(page, demo_server, JUROR)
    assert fits_the_width(page)
    card = page.get_by_test_id("juror-round-card").filter(has_text="Round 2: stars")
    card.get_by_test_id("round-action").tap()
    if page.get_by_test_id("start-voting").count():
        assert fits_the_width(page)
        page.get_by_test_id("start-voting").tap()
    page.wait_for_url(re.compile(r".*/my/rounds/(\d+)/vote$"))
    round_id = int(re.search(r"/my/rounds/(\d+)/vote", page.url).group(1))
    before = my_votes(page, demo_server, round_id)

    photo = page.get_by_test_id("juror-photo")
    for stars in (5, 3):
        src = photo.get_attribute("src")
        page.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=photo.element_handle()
        )
        box = photo.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
        assert fits_the_width(page)
        star = page.get_by_test_id(f"vote-star-{stars}")
        assert in_window(star.bounding_box()), "the vote buttons need scrolling to"
        page.wait_for_timeout(300)  # a vote counts once the photo has been on screen
        star.tap()
        page.wait_for_function(
            "([el, old]) => el.getAttribute('src') !== old", arg=[photo.element_handle(), src]
        )
    page.get_by_test_id("save-status").filter(has_text=re.compile("saved", re.I)).wait_for()
    after = my_votes(page, demo_server, round_id)
    added = [value for entry, value in after.items() if entry not in before]
    assert sorted(added) == [3, 5]


def test_the_ceremony_fits_a_phone_screen(phone, demo_server):  # type: ignore[no-untyped-def]
    page = phone
    page.goto(f"{demo_server}/results/wlm-2025-demoland/ceremony")
    for kind in ("title", "announce", "reveal"):
        slide = page.get_by_test_id("ceremony-slide")
        slide.and_(page.locator(f"[data-kind={kind}]")).wait_for()
        if kind == "reveal":
            page.get_by_test_id("ceremony-photo").wait_for()
        assert page.evaluate(OUTSIDE) == [], kind
        assert in_window(page.get_by_test_id("ceremony-next").bounding_box())
        page.get_by_test_id("ceremony-next").tap()
