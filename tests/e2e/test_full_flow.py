"""The whole contest in a real browser: OAuth login, setup, import, voting, ranking, publishing.

Everyone logs in through the Wikimedia OAuth double; Loupe imports from the Commons double.
With LOUPE_SCREENSHOTS=1 the main coordinator screens are saved into docs/screenshots/.
"""

import os
import re
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.flow_servers import (
    ADMIN,
    CATEGORY,
    CLOSES,
    COORDINATOR,
    JURORS,
    OPENS,
    PHOTOGRAPHERS,
    PHOTOS,
)

WAIT = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SLUG = "wiki-loves-flow-2026"
# Which photos (by number) each juror says yes to: 3-6 get two yes votes, the top four.
YES = {JURORS[0]: set(range(1, 7)), JURORS[1]: set(range(3, 9))}
FINALISTS = [3, 4, 5, 6]
# The jury's ranking, best first (both ballots agree, so Schulze has no tie to break).
RANKED = [5, 3, 6, 4]
AWARDS = ["First prize", "Second prize", "Third prize", "Jury's special prize"]
# What the voting screen announces to screen readers, in order (window.announced).
RECORD_ANNOUNCEMENTS = """() => {
  const heard = (window.announced = [])
  new MutationObserver((changes) => {
    const region = document.querySelector('[data-testid=voting-announcement]')
    if (!region || !changes.some((change) => region.contains(change.target))) return
    const text = region.textContent.trim()
    if (text) heard.push(text)
  }).observe(document.body, { subtree: true, childList: true, characterData: true })
}"""

# Every text the import's progress line shows, in order (window.importProgress).
RECORD_PROGRESS = """() => {
  const seen = (window.importProgress = [])
  new MutationObserver(() => {
    const text = document.querySelector('[data-testid=import-progress-text]')?.textContent.trim()
    if (text && seen.at(-1) !== text) seen.push(text)
  }).observe(document.body, { subtree: true, childList: true, characterData: true })
}"""


class People:
    """One browser context per person (1280x800). Script errors on any page are kept, so
    that the test can fail on them."""

    def __init__(self, browser) -> None:  # type: ignore[no-untyped-def]
        self.browser = browser
        self.pages = []  # type: ignore[var-annotated]
        self.errors: list[str] = []

    def page(self):  # type: ignore[no-untyped-def]
        page = self.browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        page.set_default_timeout(WAIT)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: {error}"))
        page.on("console", lambda message: self._console(page, message))
        self.pages.append(page)
        return page

    def _console(self, page, message) -> None:  # type: ignore[no-untyped-def]
        # Failed requests are logged too; the test checks what it expects of the API itself.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"{page.url}: {message.text}")

    def close(self, keep_screens_in: Path | None = None) -> None:
        for n, page in enumerate(self.pages):
            if keep_screens_in is not None:
                page.screenshot(path=keep_screens_in / f"page-{n}.png")
            page.context.close()


def screenshots() -> bool:
    return os.environ.get("LOUPE_SCREENSHOTS") == "1"


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if screenshots():
        page.screenshot(path=SCREENSHOTS / name)


def titles(numbers: list[int]) -> list[re.Pattern[str]]:
    """What to expect of elements that show the photos ``numbers`` in this order."""
    return [re.compile(f"Flow monument {n:02d}") for n in numbers]


def number(text: str) -> int:
    """The photo number in a file name or thumbnail URL ("Flow monument 07.jpg")."""
    found = re.search(r"Flow[ _]monument[ _](\d\d)", text)
    assert found, text
    return int(found.group(1))


def open_round(page, base: str) -> None:  # type: ignore[no-untyped-def]
    """From my rounds to the open round's voting or ranking page, through its directions."""
    page.goto(f"{base}/my/rounds")
    card = page.get_by_test_id("juror-round-card").filter(has_text="open for voting")
    card.get_by_test_id("round-action").click()
    page.wait_for_url(re.compile(r".*/my/rounds/\d+(/vote|/ranking)?$"))
    if re.search(r"/my/rounds/\d+$", page.url):
        page.get_by_test_id("start-voting").click()


def vote_all(page, base: str, juror: str) -> None:  # type: ignore[no-untyped-def]
    """Open the juror's active round and answer every photo with Y or N."""
    open_round(page, base)
    page.wait_for_url(re.compile(r".*/my/rounds/\d+/vote$"))
    page.evaluate(RECORD_ANNOUNCEMENTS)
    photo = page.get_by_test_id("juror-photo")
    done = page.get_by_test_id("voting-done")
    votes = 0
    while True:
        photo.or_(done).first.wait_for()
        if done.is_visible():
            break
        key = "y" if number(photo.get_attribute("src") or "") in YES[juror] else "n"
        # Every key press is answered aloud: the vote, or that the photo was not seen long
        # enough yet to count (then press again).
        while True:
            heard = page.evaluate("window.announced.length")
            page.keyboard.press(key)
            page.wait_for_function("n => window.announced.length > n", arg=heard)
            if page.evaluate("window.announced.at(-1)").startswith("Voted"):
                break
            page.wait_for_timeout(50)
        votes += 1
    assert votes == PHOTOS
    assert page.evaluate("window.announced.at(-1)").startswith("Voted")
    page.get_by_test_id("save-status").filter(has_text="All your votes are saved").wait_for()


def rank(page, base: str, order: list[int]) -> None:  # type: ignore[no-untyped-def]
    """Put the finalists in ``order`` by typing each one's rank, then save."""
    open_round(page, base)
    page.wait_for_url(re.compile(r".*/my/rounds/\d+/ranking$"))
    rows = page.get_by_test_id("ranking-row")
    expect(rows).to_have_count(len(order), timeout=WAIT)
    for place, photo in enumerate(order, 1):
        row = rows.filter(has_text=f"Flow monument {photo:02d}")
        row.focus()
        page.keyboard.press(str(place))
        page.keyboard.press("Enter")
        page.wait_for_function(
            "([el, place]) => el.querySelector('[data-testid=ranking-rank]').textContent.trim()"
            " === String(place)",
            arg=[row.element_handle(), place],
        )
    expect(rows).to_have_text(titles(order))
    page.get_by_test_id("ranking-save").click()
    page.get_by_test_id("ranking-state").filter(has_text="Your ranking was saved at").wait_for()


def add_jurors_and_activate(page) -> None:  # type: ignore[no-untyped-def]
    """On a round's page: add both jurors by name, then activate the round."""
    for n, name in enumerate(JURORS, 1):
        page.get_by_test_id("juror-add-username").fill(name)
        page.get_by_test_id("juror-add").click()
        page.get_by_test_id("round-jurors").filter(has_text=str(n)).wait_for()
    page.get_by_test_id("round-activate").click()
    page.get_by_test_id("round-action-confirm").click()
    page.locator("[data-testid=round-status][data-status=active]").wait_for()


def test_a_user_logs_in_through_wikimedia_and_sees_their_name(browser, flow):  # type: ignore[no-untyped-def]
    people = People(browser)
    page = people.page()
    flow.log_in(page, COORDINATOR)
    me = page.context.request.get(f"{flow.base}/api/me").json()
    assert me["user"]["username"] == COORDINATOR
    # Only the OAuth login exists on this server.
    assert page.context.request.get(f"{flow.base}/auth/dev-login").status == 404
    assert people.errors == []
    people.close()


def test_a_contest_from_setup_to_published_winners(browser, flow, tmp_path):  # type: ignore[no-untyped-def]
    people = People(browser)
    try:
        contest(people, flow)
    except BaseException:
        people.close(keep_screens_in=tmp_path)  # what each person saw last
        raise
    people.close()


def contest(people: People, flow) -> None:  # type: ignore[no-untyped-def]
    base = flow.base
    admin, coordinator = people.page(), people.page()
    jurors = {name: people.page() for name in JURORS}

    # Everyone logs in once (jurors must exist to be added); the first admin comes from the CLI.
    flow.log_in(admin, ADMIN)
    flow.cli("admin", "add", ADMIN)
    flow.log_in(coordinator, COORDINATOR)
    for name, page in jurors.items():
        flow.log_in(page, name, next="/my/rounds")

    # The admin lets the coordinator create campaigns.
    admin.goto(f"{base}/admin/users")
    row = admin.locator("tr[data-testid^=admin-user-]", has_text=COORDINATOR)
    row.locator("[data-testid^=admin-grant-]").click()
    row.get_by_test_id("admin-user-organizer").wait_for()

    # The coordinator creates the campaign and its first round.
    page = coordinator
    page.goto(f"{base}/campaigns")
    page.get_by_test_id("campaign-create").click()
    page.get_by_test_id("campaign-name").fill("Wiki Loves Flow 2026")
    page.get_by_test_id("campaign-slug").fill(SLUG)
    page.get_by_test_id("campaign-description").fill("Monuments photographed in September.")
    page.get_by_test_id("campaign-opens").fill(OPENS.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("campaign-closes").fill(CLOSES.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_test_id("campaign-save").click()
    page.wait_for_url(re.compile(r".*/campaigns/(\d+)$"))
    campaign_id = int(page.url.rsplit("/", 1)[1])
    page.get_by_test_id("campaign-title").filter(has_text="Wiki Loves Flow 2026").wait_for()

    page.get_by_test_id("round-create").click()
    page.get_by_test_id("round-name").fill("Yes or no")
    page.get_by_test_id("round-vote-method-yes_no").locator("input").check()
    page.get_by_test_id("round-quorum").fill("2")
    page.get_by_test_id("round-directions").fill("Does this photo deserve the next round?")
    page.get_by_test_id("round-save").click()
    page.wait_for_url(re.compile(r".*/rounds/(\d+)$"))
    first_id = int(page.url.rsplit("/", 1)[1])

    # Import the category and its regions over a slow link: the progress bar only moves
    # forward until the import reports every file added (the bar then gives way to that).
    page.get_by_test_id("import-source-category").locator("input").check()
    page.get_by_test_id("import-category").fill(CATEGORY)
    page.get_by_test_id("import-depth").fill("1")
    page.evaluate(RECORD_PROGRESS)
    flow.store.latency = 0.5
    page.get_by_test_id("import-start").click()
    page.get_by_test_id("import-progress").wait_for()
    if screenshots():
        page.get_by_test_id("import-progress-text").filter(
            has_text=re.compile(r"Imported [1-9]")
        ).wait_for()
        shot(page, "coordinator-import.png")
    page.get_by_test_id("import-done").wait_for()
    flow.store.latency = 0
    # "Imported 4 of 12 files…" (or "Imported 0 files so far…" before the total is known).
    seen = [
        [int(n) for n in re.findall(r"\d+", text)]
        for text in page.evaluate("window.importProgress")
    ]
    done = [numbers[0] for numbers in seen]
    assert (
        done and done == sorted(done) and all(numbers[1:] in ([], [PHOTOS]) for numbers in seen)
    ), seen
    counts = page.get_by_test_id("import-counts").inner_text()
    assert re.search(rf"added: {PHOTOS}\b", counts), counts
    page.get_by_test_id("round-entries").filter(has_text=str(PHOTOS)).wait_for()

    add_jurors_and_activate(page)
    page.get_by_test_id("round-tasks").filter(has_text=f"0 of {PHOTOS * 2}").wait_for()
    shot(page, "coordinator-round.png")

    # Two jurors vote on every photo with the keyboard.
    for name, juror in jurors.items():
        vote_all(juror, base, name)

    # The coordinator reads the results and advances the top four into a ranking round.
    page.reload()
    page.get_by_test_id("round-tasks").filter(has_text=f"{PHOTOS * 2} of {PHOTOS * 2}").wait_for()
    page.get_by_test_id("link-coordinator-round-results").click()
    page.wait_for_url(f"{base}/rounds/{first_id}/results")
    page.locator("[data-testid=threshold-row][data-cutoff='1'][data-passing='4']").wait_for()
    expect(page.get_by_test_id("results-row")).to_have_count(PHOTOS, timeout=WAIT)
    top = [number(t) for t in page.get_by_test_id("results-title").all_inner_texts()[:4]]
    assert sorted(top) == FINALISTS
    page.get_by_test_id("advance-rule-top-n").locator("input").check()
    page.get_by_test_id("advance-top-n").fill(str(len(FINALISTS)))
    page.get_by_test_id("advance-preview-button").click()
    page.locator(f"[data-testid=advance-count][data-count='{len(FINALISTS)}']").wait_for()
    assert page.get_by_test_id("advance-ties").count() == 0
    page.get_by_test_id("advance-next-name").fill("Final ranking")
    page.get_by_test_id("advance-next-method").select_option("ranking")
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "coordinator-results.png")
    page.get_by_test_id("advance-submit").click()
    page.get_by_test_id("advance-next-round").click()
    page.wait_for_url(re.compile(r".*/rounds/\d+$"))
    final_id = int(page.url.rsplit("/", 1)[1])
    page.get_by_test_id("round-entries").filter(has_text=str(len(FINALISTS))).wait_for()
    add_jurors_and_activate(page)

    for juror in jurors.values():
        rank(juror, base, RANKED)

    # The coordinator closes the final round: its places follow the two ballots.
    page.goto(f"{base}/rounds/{final_id}/results")
    page.get_by_test_id("round-finalize").click()
    page.get_by_test_id("round-finalize-confirm").click()
    page.get_by_test_id("round-finalized").wait_for()
    expect(page.get_by_test_id("results-title")).to_have_text(titles(RANKED), timeout=WAIT)

    # Finalize the campaign, give three places and a special prize, publish now.
    page.goto(f"{base}/campaigns/{campaign_id}")
    expect(page.get_by_test_id("round-row-status")).to_have_count(2)
    shot(page, "coordinator-campaign.png")
    page.get_by_test_id("link-coordinator-campaign-awards").click()
    page.wait_for_url(f"{base}/campaigns/{campaign_id}/awards")
    page.get_by_test_id("campaign-finalize").click()
    page.get_by_test_id("campaign-finalize-confirm").click()
    page.get_by_test_id("campaign-finalized").wait_for()
    # The first three places are suggested from the final round; the coordinator names them.
    for place, photo in enumerate(RANKED[:3], 1):
        chosen = page.get_by_test_id(f"award-place-{place}").locator("option:checked")
        assert number(chosen.inner_text()) == photo
        page.get_by_test_id(f"award-place-{place}-name").fill(AWARDS[place - 1])
    page.get_by_test_id("award-add-special").click()
    page.get_by_test_id("award-special-1-name").fill(AWARDS[3])
    special = page.get_by_test_id("award-special-1")
    special.select_option(
        special.locator("option", has_text=f"Flow monument {RANKED[3]:02d}").get_attribute("value")
    )
    page.get_by_test_id("awards-save").click()
    page.get_by_test_id("awards-saved").wait_for()
    shot(page, "coordinator-awards.png")
    page.get_by_test_id("publish-at").fill("")
    page.get_by_test_id("publish-submit").click()
    page.locator("[data-testid=publish-state][data-state=public]").wait_for()

    # Anyone sees the winners, first place first, without logging in.
    visitor = people.page()
    visitor.goto(f"{base}/results/{SLUG}")
    expect(visitor.get_by_test_id("public-winner")).to_have_text(titles(RANKED), timeout=WAIT)
    expect(visitor.get_by_test_id("public-award-name")).to_have_text(AWARDS)
    # Each photo is credited to its Commons uploader.
    expect(visitor.get_by_test_id("public-author")).to_have_text(
        [PHOTOGRAPHERS[(n - 1) % len(PHOTOGRAPHERS)] for n in RANKED]
    )
    assert people.errors == []
