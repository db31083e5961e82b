"""A juror logs in, finds their round and votes with the keyboard in a real browser."""

import re

import httpx


def log_in(page, base: str, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/auth/dev-login?next=/my/rounds")
    page.fill("input[name=username]", username)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^[^?]*/my/rounds$"))  # not the form, whose ?next= ends so


def open_voting(page) -> int:  # type: ignore[no-untyped-def]
    """From my rounds, open the round open for voting (past its directions); its id."""
    open_round = page.get_by_test_id("juror-round-card").filter(has_text="open for voting")
    open_round.get_by_test_id("round-action").click()
    if page.get_by_test_id("start-voting").count():
        page.get_by_test_id("start-voting").click()
    page.wait_for_url(re.compile(r".*/my/rounds/(\d+)/vote$"))
    return int(re.search(r"/my/rounds/(\d+)/vote", page.url).group(1))


def votes_of(page, base: str, round_id: int) -> int:  # type: ignore[no-untyped-def]
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = httpx.get(f"{base}/api/rounds/{round_id}/votes", cookies=cookies)
    assert response.status_code == 200, response.text
    return response.json()["total"]


def test_a_juror_votes_with_the_keyboard_and_the_votes_are_stored(page, demo_server):  # type: ignore[no-untyped-def]
    log_in(page, demo_server, "Demo Juror Kofi")
    round_id = open_voting(page)
    before = votes_of(page, demo_server, round_id)

    photo = page.get_by_test_id("juror-photo")
    for _ in range(3):
        src = photo.get_attribute("src")
        page.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=photo.element_handle()
        )
        page.wait_for_timeout(300)  # a vote counts once the photo has been on screen
        page.keyboard.press("4")
        page.wait_for_function(
            "([el, old]) => el.getAttribute('src') !== old",
            arg=[photo.element_handle(), src],
        )
    page.get_by_test_id("save-status").filter(has_text=re.compile("saved", re.I)).wait_for()
    assert votes_of(page, demo_server, round_id) == before + 3

    # What anonymous judging hides is not on the page.
    assert page.get_by_test_id("entry-uploader").count() == 0


def test_the_published_edition_is_public_without_logging_in(demo_server):  # type: ignore[no-untyped-def]
    page = httpx.get(f"{demo_server}/api/public/campaigns/wlm-2025-demoland")
    assert page.status_code == 200
    awards = page.json()["awards"]
    assert len(awards) == 4
    photo = httpx.get(awards[0]["entry"]["thumb_url"])
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
