"""The browser loses the network while a juror votes: the vote is kept, the juror is told it
is waiting, and it is saved once the network is back."""

import httpx

from tests.e2e.test_juror import log_in, open_voting


def my_votes(page, base: str, round_id: int) -> dict[int, int]:  # type: ignore[no-untyped-def]
    """My votes through the API (outside the browser, so unaffected by its network)."""
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    response = httpx.get(f"{base}/api/rounds/{round_id}/votes?limit=200", cookies=cookies)
    assert response.status_code == 200, response.text
    return {vote["round_entry_id"]: vote["value"] for vote in response.json()["votes"]}


def test_a_vote_cast_offline_waits_and_is_saved_when_back_online(page, demo_server):  # type: ignore[no-untyped-def]
    log_in(page, demo_server, "Demo Juror Esi")
    round_id = open_voting(page)
    before = my_votes(page, demo_server, round_id)
    photo = page.get_by_test_id("juror-photo")
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=photo.element_handle())
    page.wait_for_timeout(300)  # a vote counts once the photo has been on screen

    page.context.set_offline(True)
    page.keyboard.press("2")
    retrying = page.get_by_test_id("save-retrying")
    retrying.wait_for()
    assert "could not be saved yet" in retrying.inner_text()
    assert page.get_by_test_id("save-status").inner_text() != "All your votes are saved."
    assert my_votes(page, demo_server, round_id) == before

    page.context.set_offline(False)
    page.get_by_test_id("save-status").filter(has_text="All your votes are saved.").wait_for()
    assert retrying.count() == 0
    after = my_votes(page, demo_server, round_id)
    added = {entry: value for entry, value in after.items() if entry not in before}
    assert list(added.values()) == [2]
    assert page.get_by_test_id("save-failed").count() == 0
