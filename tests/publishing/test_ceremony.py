"""The ceremony: reveal order, the printable PDF (pages, attribution, pixels), fetching the
photos for it, the embargo on the public PDF and the coordinators' rehearsal."""

import io
import re
from datetime import timedelta

import httpx
import pytest
from PIL import Image, ImageDraw
from PIL.PdfParser import PdfParser, decode_text
from sqlmodel import Session

from app.core.errors import Conflict
from app.models import utcnow
from app.publishing import pdf, service
from app.publishing.schemas import AwardIn
from tests.factories import make_campaign, make_user
from tests.helpers import login, logout
from tests.publishing.test_publishing import API, finished_campaign, places

RED = (220, 30, 30)


def jpeg(colour=RED, size=(1280, 853)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG", quality=95)
    return out.getvalue()


def pdf_pages(data: bytes) -> int:
    assert data.startswith(b"%PDF-")
    return len(re.findall(rb"/Type /Page\b(?!s)", data))


def pdf_subject(data: bytes) -> str:
    return decode_text(PdfParser(buf=data).info[b"Subject"])


def awarded(session: Session, *, winners: int = 3, special: bool = True):
    coordinator, campaign, _, entries = finished_campaign(session, winners=winners + special)
    service.finalize(session, campaign=campaign, actor=coordinator)
    awards = places(entries[:winners])
    if special:
        awards.append(AwardIn(name="Jury prize", kind="special", round_entry_id=entries[-1].id))
    service.set_awards(session, campaign=campaign, awards=awards, actor=coordinator)
    return coordinator, campaign


def page_of(campaign, session) -> service.PublicCampaign:
    return service.results_page(session, campaign=campaign, commons_api_url=API)


def is_red(pixel) -> bool:
    r, g, b = pixel
    return r > 180 and g < 80 and b < 80


def test_the_ceremony_reveals_special_prizes_then_places_from_last_to_first(session: Session):
    _, campaign = awarded(session)
    order = service.ceremony_order(page_of(campaign, session).awards)
    assert [(a.kind, a.place) for a in order] == [
        ("special", None),
        ("place", 3),
        ("place", 2),
        ("place", 1),
    ]


def test_each_page_names_the_award_the_photo_and_its_attribution(session: Session):
    _, campaign = awarded(session, special=False)
    first = page_of(campaign, session).awards[0]
    text = pdf.page_text(first, campaign_name="WLM")
    assert text.award == "Place 1"
    assert text.title == "Fort 0"
    assert text.attribution == "Photo: Photographer 0, CC BY-SA 4.0, via Wikimedia Commons"
    assert text.link == "https://commons.wikimedia.org/wiki/File:Fort_0.jpg"


def test_the_pdf_has_one_page_per_award_with_every_attribution(session: Session):
    _, campaign = awarded(session)
    fetched: list[str] = []

    def fetch(url: str) -> bytes:
        fetched.append(url)
        return jpeg()

    data = service.ceremony_pdf(page_of(campaign, session), fetch=fetch)
    assert pdf_pages(data) == 4
    subject = pdf_subject(data)
    credits = re.findall(r"Photo: (Photographer \d), CC BY-SA 4\.0, via Wikimedia Commons", subject)
    # In the order of the ceremony: the special prize (entry 3), then places 3, 2, 1.
    assert credits == ["Photographer 3", "Photographer 2", "Photographer 1", "Photographer 0"]
    assert subject.count("https://commons.wikimedia.org/wiki/File:Fort_") == 4
    # Thumbnails at a standard width, not the originals.
    assert all("/thumb/" in url and "/1280px-" in url for url in fetched), fetched


def test_a_page_shows_the_photo_and_draws_its_text(session: Session):
    _, campaign = awarded(session, winners=1, special=False)
    award = page_of(campaign, session).awards[0]
    sheet = pdf.render_page(pdf.Page(text=pdf.page_text(award, campaign_name="WLM"), image=jpeg()))
    assert sheet.size == (pdf.WIDTH, pdf.HEIGHT)
    assert is_red(sheet.getpixel((pdf.WIDTH // 2, (pdf.PHOTO_TOP + pdf.PHOTO_BOTTOM) // 2)))
    credits = sheet.crop((0, pdf.PHOTO_BOTTOM, pdf.WIDTH, pdf.HEIGHT)).convert("L")
    dark = sum(credits.histogram()[:100])
    assert dark > 2_000, "the title and attribution lines are drawn"
    heading = sheet.crop((0, 0, pdf.WIDTH, pdf.PHOTO_TOP)).convert("L")
    assert heading.getextrema()[0] < 100, "the award's name is drawn"


@pytest.mark.parametrize("image", [None, b"not an image", jpeg()[:200]])
def test_a_photo_that_cannot_be_had_leaves_a_labelled_panel(session: Session, image):
    _, campaign = awarded(session, winners=1, special=False)
    award = page_of(campaign, session).awards[0]
    sheet = pdf.render_page(pdf.Page(text=pdf.page_text(award, campaign_name="WLM"), image=image))
    photo_box = sheet.crop((pdf.MARGIN, pdf.PHOTO_TOP, pdf.WIDTH - pdf.MARGIN, pdf.PHOTO_BOTTOM))
    colours = {colour for _, colour in photo_box.getcolors(maxcolors=100_000)}
    assert pdf.PANEL in colours
    assert not any(is_red(c) for c in colours)
    # The label is text drawn on the panel: darker pixels than the panel, in its middle.
    half = photo_box.height // 2
    middle = photo_box.crop((0, half - 40, photo_box.width, half + 40))
    assert middle.convert("L").getextrema()[0] < 120


def test_long_titles_and_links_are_cut_to_the_page_width():
    draw = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    font = pdf._font(24)
    url = "https://commons.wikimedia.org/wiki/File:" + "Very_long_name_" * 30 + ".jpg"
    lines = pdf._wrap(draw, url, font, 600, 2)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert all(draw.textlength(line, font=font) <= 600 for line in lines)
    words = pdf._wrap(draw, "a few short words", font, 600, 2)
    assert words == ["a few short words"]


def test_a_campaign_without_awards_has_nothing_to_print(session: Session):
    campaign = make_campaign(session)
    with pytest.raises(Conflict, match="no awards"):
        service.ceremony_pdf(page_of(campaign, session), fetch=lambda url: None)


def test_photos_are_fetched_only_from_the_commons_upload_host():
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if request.url.path.endswith("missing.jpg"):
            return httpx.Response(404)
        return httpx.Response(200, content=b"photo")

    with service.image_fetcher(
        commons_api_url=API, user_agent="Loupe-test/1", transport=httpx.MockTransport(answer)
    ) as fetch:
        assert fetch("https://upload.wikimedia.org/wikipedia/commons/a/ab/A.jpg") == b"photo"
        assert fetch("https://upload.wikimedia.org/wikipedia/commons/a/ab/missing.jpg") is None
        assert fetch("http://169.254.169.254/latest/meta-data") is None
        assert fetch("https://evil.example/wikipedia/commons/a/ab/A.jpg") is None
    assert len(asked) == 2


def test_a_failing_photo_server_gives_no_photo_rather_than_an_error():
    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("down", request=request)

    with service.image_fetcher(
        commons_api_url=API, user_agent="Loupe-test/1", transport=httpx.MockTransport(fail)
    ) as fetch:
        assert fetch("https://upload.wikimedia.org/wikipedia/commons/a/ab/A.jpg") is None


def photo_server(app, *, status: int = 200) -> list[str]:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        return httpx.Response(status, content=jpeg() if status == 200 else b"")

    app.state.commons_transport = httpx.MockTransport(answer)
    return asked


def test_the_public_pdf_waits_for_the_embargo(client, settings, session: Session):
    coordinator, campaign = awarded(session)
    session.commit()
    asked = photo_server(client.app)
    url = f"/api/public/campaigns/{campaign.slug}/ceremony.pdf"
    assert client.get(url).status_code == 404, "finalized, not published"

    service.publish(
        session, campaign=campaign, publish_at=utcnow() + timedelta(hours=1), actor=coordinator
    )
    session.commit()
    refused = client.get(url)
    assert refused.status_code == 404, "embargo"
    assert refused.json()["error"] == "not_found"
    assert asked == []

    service.unpublish(session, campaign=campaign, actor=coordinator)
    service.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    session.commit()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert pdf_pages(response.content) == 4
    assert len(asked) == 4
    # Published awards cannot change: the second reader gets the same PDF without a fetch.
    assert client.get(url).content == response.content
    assert len(asked) == 4


def test_coordinators_print_and_rehearse_before_publication(client, settings, session: Session):
    coordinator, campaign = awarded(session)
    other_campaign_coordinator = make_user(session)
    make_campaign(session, coordinators=(other_campaign_coordinator,))
    session.commit()
    photo_server(client.app, status=503)
    pdf_url = f"/api/campaigns/{campaign.id}/export/ceremony.pdf"
    rehearsal = f"/api/campaigns/{campaign.id}/ceremony"

    assert client.get(pdf_url).status_code == 401
    assert client.get(rehearsal).status_code == 401
    login(client, settings, other_campaign_coordinator)
    assert client.get(pdf_url).status_code == 403
    assert client.get(rehearsal).status_code == 403
    logout(client)

    login(client, settings, coordinator)
    response = client.get(pdf_url)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    # Commons is down: every page still comes, with its panel and its credits.
    assert pdf_pages(response.content) == 4
    assert pdf_subject(response.content).count("via Wikimedia Commons") == 4

    page = client.get(rehearsal).json()
    assert page["published_at"] is None
    assert [a["place"] for a in page["awards"]] == [1, 2, 3, None]
    assert page["awards"][0]["entry"]["srcset"].endswith("w")
    assert client.get(f"/api/public/campaigns/{campaign.slug}").status_code == 404


def test_the_public_pdf_follows_awards_changed_while_unpublished(
    client, settings, session: Session
):
    """Republishing at the same time after changing the awards must not serve the old PDF."""
    coordinator, campaign = awarded(session)
    when = utcnow() - timedelta(hours=1)
    service.publish(session, campaign=campaign, publish_at=when, actor=coordinator)
    session.commit()
    photo_server(client.app)
    url = f"/api/public/campaigns/{campaign.slug}/ceremony.pdf"
    assert pdf_pages(client.get(url).content) == 4

    service.unpublish(session, campaign=campaign, actor=coordinator)
    kept = service.awards_of(session, campaign=campaign, commons_api_url=API)[0]
    service.set_awards(
        session,
        campaign=campaign,
        awards=[AwardIn(name="Only prize", place=1, round_entry_id=kept.round_entry_id)],
        actor=coordinator,
    )
    service.publish(session, campaign=campaign, publish_at=when, actor=coordinator)
    session.commit()
    response = client.get(url)
    assert pdf_pages(response.content) == 1
    assert "Only prize" in pdf_subject(response.content)
