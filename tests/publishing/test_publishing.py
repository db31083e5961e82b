"""Awards, publishing with an embargo, and the public results."""

import html
import json
from datetime import timedelta

import pytest
from sqlmodel import Session

from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import CampaignStatus, RoundStatus, utcnow
from app.publishing import service
from app.publishing.schemas import AwardIn
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user
from tests.helpers import login, logout

API = "https://commons.wikimedia.org/w/api.php"


def finished_campaign(session: Session, *, winners: int = 3):
    coordinator = make_user(session, username="Coordinator")
    juror = make_user(session, username="Secret Juror")
    campaign = make_campaign(session, coordinators=(coordinator,), slug="wlm-2026-gh")
    make_round(session, campaign=campaign, status=RoundStatus.finalized, ordinal=1)
    final = make_round(
        session, campaign=campaign, jurors=(juror,), status=RoundStatus.finalized, ordinal=2
    )
    entries = [
        make_round_entry(
            session,
            round=final,
            entry=make_entry(
                session,
                title=f"File:Fort {i}.jpg",
                uploader=f"Photographer {i}",
                artist=f"Photographer {i}" if i else "",
                license="CC BY-SA 4.0",
                url=f"https://upload.wikimedia.org/wikipedia/commons/a/ab/Fort_{i}.jpg",
                description_url=f"https://commons.wikimedia.org/wiki/File:Fort_{i}.jpg",
            ),
        )
        for i in range(winners)
    ]
    return coordinator, campaign, final, entries


def places(entries) -> list[AwardIn]:
    return [
        AwardIn(name=f"Place {i + 1}", place=i + 1, round_entry_id=e.id)
        for i, e in enumerate(entries)
    ]


def test_awards_go_to_eligible_entries_of_the_final_round(session: Session):
    coordinator, campaign, _, entries = finished_campaign(session)
    elsewhere = make_round_entry(
        session,
        round=make_round(session, campaign=campaign, status=RoundStatus.finalized, ordinal=0),
    )
    with pytest.raises(InvalidInput, match="not an eligible entry of the final round"):
        service.set_awards(
            session,
            campaign=campaign,
            awards=[AwardIn(name="First", place=1, round_entry_id=elsewhere.id)],
            actor=coordinator,
        )
    with pytest.raises(InvalidInput, match="Place 1 is given twice"):
        service.set_awards(
            session,
            campaign=campaign,
            awards=[
                AwardIn(name="First", place=1, round_entry_id=entries[0].id),
                AwardIn(name="Also first", place=1, round_entry_id=entries[1].id),
            ],
            actor=coordinator,
        )
    awards = service.set_awards(
        session, campaign=campaign, awards=places(entries), actor=coordinator
    )
    assert [a.place for a in awards] == [1, 2, 3]


def test_awards_wait_for_a_finalized_round(session: Session):
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, status=RoundStatus.active)
    entry = make_round_entry(session, round=round_)
    with pytest.raises(Conflict, match="Finalize the campaign's last round"):
        service.set_awards(
            session,
            campaign=campaign,
            awards=[AwardIn(name="First", place=1, round_entry_id=entry.id)],
            actor=coordinator,
        )
    with pytest.raises(Conflict, match="has no finalized round"):
        service.finalize(session, campaign=make_campaign(session), actor=coordinator)
    with pytest.raises(Conflict, match="still running"):
        service.finalize(session, campaign=campaign, actor=coordinator)


def test_publishing_needs_a_finalized_campaign_with_awards(session: Session):
    coordinator, campaign, _, entries = finished_campaign(session)
    with pytest.raises(Conflict, match="Finalize the campaign"):
        service.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    service.finalize(session, campaign=campaign, actor=coordinator)
    with pytest.raises(Conflict, match="Choose the awards"):
        service.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    service.set_awards(session, campaign=campaign, awards=places(entries), actor=coordinator)
    service.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    assert campaign.status == CampaignStatus.published
    with pytest.raises(Conflict, match="unpublish it before changing"):
        service.set_awards(session, campaign=campaign, awards=[], actor=coordinator)


def test_nothing_is_public_before_the_embargo_and_everything_after(session: Session):
    coordinator, campaign, _, entries = finished_campaign(session)
    service.finalize(session, campaign=campaign, actor=coordinator)
    service.set_awards(session, campaign=campaign, awards=places(entries), actor=coordinator)
    at = utcnow() + timedelta(hours=2)
    service.publish(session, campaign=campaign, publish_at=at, actor=coordinator)

    before = at - timedelta(seconds=1)
    with pytest.raises(NotFound):
        service.public_campaign(session, slug=campaign.slug, now=before, commons_api_url=API)
    assert service.published(session, now=before) == []

    page = service.public_campaign(session, slug=campaign.slug, now=at, commons_api_url=API)
    assert [a.place for a in page.awards] == [1, 2, 3]
    assert [b.slug for b in service.published(session, now=at)] == [campaign.slug]
    assert [r.ordinal for r in page.rounds] == [1, 2]


def test_every_winner_carries_its_attribution(session: Session):
    coordinator, campaign, _, entries = finished_campaign(session)
    service.finalize(session, campaign=campaign, actor=coordinator)
    service.set_awards(session, campaign=campaign, awards=places(entries), actor=coordinator)
    service.publish(session, campaign=campaign, publish_at=None, actor=coordinator)
    page = service.public_campaign(session, slug=campaign.slug, now=utcnow(), commons_api_url=API)
    for award in page.awards:
        credit = award.entry.attribution
        assert credit.license == "CC BY-SA 4.0"
        assert credit.author.startswith("Photographer")
        assert credit.author_url.startswith("https://commons.wikimedia.org/wiki/User:Photographer")
        assert credit.file_url.startswith("https://commons.wikimedia.org/wiki/File:Fort_")
        assert credit.text == f"{credit.author}, CC BY-SA 4.0, via Wikimedia Commons"
    # Without an Artist on the file page, the uploader is the author.
    assert page.awards[0].entry.attribution.author == "Photographer 0"
    assert "Secret Juror" not in page.model_dump_json()


def test_the_wikitext_gallery_lists_each_winner_with_credit(session: Session):
    coordinator, campaign, _, entries = finished_campaign(session)
    service.finalize(session, campaign=campaign, actor=coordinator)
    service.set_awards(session, campaign=campaign, awards=places(entries), actor=coordinator)
    awards = service.awards_of(session, campaign=campaign, commons_api_url=API)
    text = service.wikitext_gallery(awards, campaign_name=campaign.name)
    lines = text.strip().splitlines()
    assert lines[1].startswith("<gallery") and lines[-1] == "</gallery>"
    body = lines[2:-1]
    assert len(body) == 3
    for line, i in zip(body, range(3), strict=True):
        title, caption = line.split("|", 1)
        assert title == f"File:Fort {i}.jpg"
        assert f"[[User:Photographer {i}|Photographer {i}]]" in caption
        assert "CC BY-SA 4.0" in caption


def test_public_routes_answer_without_login_and_coordinator_routes_refuse_others(
    client, settings, session
):
    coordinator, campaign, _, entries = finished_campaign(session)
    other = make_user(session)
    session.commit()
    assert client.get(f"/api/public/campaigns/{campaign.slug}").status_code == 404

    csrf = login(client, settings, coordinator)
    assert client.post(f"/api/campaigns/{campaign.id}/finalize", headers=csrf).status_code == 200
    body = {"awards": [{"name": "First", "place": 1, "round_entry_id": entries[0].id}]}
    saved = client.put(f"/api/campaigns/{campaign.id}/awards", json=body, headers=csrf)
    assert saved.status_code == 200, saved.text
    later = (utcnow() + timedelta(days=1)).isoformat()
    published = client.post(
        f"/api/campaigns/{campaign.id}/publish", json={"publish_at": later}, headers=csrf
    )
    assert published.json()["status"] == "published"
    gallery = client.get(f"/api/campaigns/{campaign.id}/export/gallery.wiki")
    assert gallery.text.count("File:Fort 0.jpg") == 1
    logout(client)

    assert client.get(f"/api/public/campaigns/{campaign.slug}").status_code == 404, "embargo"
    for user in (other,):
        csrf = login(client, settings, user)
        for method, path in [
            ("GET", f"/api/campaigns/{campaign.id}/awards"),
            ("PUT", f"/api/campaigns/{campaign.id}/awards"),
            ("POST", f"/api/campaigns/{campaign.id}/publish"),
            ("POST", f"/api/campaigns/{campaign.id}/unpublish"),
            ("GET", f"/api/campaigns/{campaign.id}/export/gallery.wiki"),
        ]:
            response = client.request(method, path, json={"awards": []}, headers=csrf)
            assert response.status_code == 403, (method, path)
        logout(client)

    csrf = login(client, settings, coordinator)
    client.post(f"/api/campaigns/{campaign.id}/unpublish", headers=csrf)
    client.post(f"/api/campaigns/{campaign.id}/publish", json={}, headers=csrf)
    logout(client)
    page = client.get(f"/api/public/campaigns/{campaign.slug}")
    assert page.status_code == 200
    assert page.json()["awards"][0]["entry"]["attribution"]["license"] == "CC BY-SA 4.0"
    assert "Secret Juror" not in json.dumps(page.json())


def test_the_wikitext_gallery_keeps_hostile_credits_as_plain_text():
    hostile = "'''[[Evil]]{{delete}}<b>x</b>|link=https://example.org ~~~~ &amp;\nnext"
    text = service.wiki_plain(hostile)
    assert not any(c in text for c in "[]{}|<>'~=\n")
    # Every character survives, as an entity a wiki shows literally.
    assert html.unescape(text) == " ".join(hostile.split())
