"""A juror reads nothing of other jurors' votes, nor what their round hides, through any route.

The walk takes every GET operation of the OpenAPI document, fills its path parameters with the
ids of the juror's own rounds, of a round they are not on and of other jurors' objects, and
calls it as juror "Me". Each answer must be a refusal, or hold none of the planted secrets:
other jurors' comments, flag notes and usernames, the rounds' hidden uploaders, and anything of
the round Me is not on; where Me's round hides file names and links, those fields are absent.
A new route with a new path parameter fails the walk until it is given values here.
"""

import re
from itertools import product
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from app.models import Award, Job
from tests.factories import (
    make_campaign,
    make_entry,
    make_flag,
    make_round,
    make_round_entry,
    make_task,
    make_user,
    make_vote,
)
from tests.helpers import login

HIDDEN = {"show_filename": False, "show_link": False, "show_uploader": False, "show_stats": True}
# Keys that carry what a round hides from jurors.
HIDDEN_KEYS = {"title", "description_url", "commons_url", "filename", "uploader", "uploader_id"}
REFUSED = {401, 403, 404, 405, 409, 422}


def secret(tag: str) -> str:
    return f"SECRET{tag}"


@pytest.fixture
def world(session: Session) -> dict[str, Any]:
    coordinator = make_user(session, username="Coordinator")
    me = make_user(session, username="Me")
    other = make_user(session, username=secret("OtherJuror"))
    stranger = make_user(session, username=secret("StrangerJuror"))

    def entry(tag: str) -> Any:
        return make_entry(
            session,
            title=f"File:{secret(tag)}Title.jpg",
            uploader=secret(f"{tag}Uploader"),
            latest_uploader=secret(f"{tag}Uploader"),
        )

    # Round A: Me and Other judge it; it hides file names, links and uploaders.
    campaign = make_campaign(session, coordinators=(coordinator,), slug="mine")
    round_a = make_round(
        session,
        campaign=campaign,
        jurors=(me, other),
        status="active",
        vote_method="rating",
        quorum=2,
        display=HIDDEN,
    )
    a_entries = [make_round_entry(session, round=round_a, entry=entry(f"A{n}")) for n in range(3)]
    tasks = {"mine": [], "other": []}
    for n, placed in enumerate(a_entries):
        mine = make_task(session, round=round_a, juror=me, round_entry=placed, sort_key=n)
        theirs = make_task(session, round=round_a, juror=other, round_entry=placed, sort_key=n)
        tasks["mine"].append(mine)
        tasks["other"].append(theirs)
    make_vote(session, task=tasks["mine"][0], value=4, comment="my own note")
    for n, task in enumerate(tasks["other"]):
        make_vote(session, task=task, value=5, comment=secret(f"OtherComment{n}"), favourite=True)
    other_flag = make_flag(
        session, round_entry=a_entries[1], juror=other, note=secret("OtherFlagNote")
    )

    # Round R: a ranking round of another campaign that Me and Other judge too.
    ranking_campaign = make_campaign(session, coordinators=(coordinator,), slug="ranked")
    round_r = make_round(
        session,
        campaign=ranking_campaign,
        jurors=(me, other),
        status="active",
        vote_method="ranking",
        quorum=2,
        display=HIDDEN,
    )
    for n in range(2):
        placed = make_round_entry(session, round=round_r, entry=entry(f"R{n}"))
        make_task(session, round=round_r, juror=me, round_entry=placed)
        ranked = make_task(session, round=round_r, juror=other, round_entry=placed)
        make_vote(session, task=ranked, value=n + 1, comment=secret(f"OtherBallot{n}"))

    # Round B: a campaign Me has nothing to do with.
    foreign = make_campaign(session, coordinators=(coordinator,), slug=secret("foreign").lower())
    round_b = make_round(
        session, campaign=foreign, jurors=(stranger,), status="active", vote_method="rating"
    )
    b_entries = [make_round_entry(session, round=round_b, entry=entry(f"B{n}")) for n in range(2)]
    b_tasks = [make_task(session, round=round_b, juror=stranger, round_entry=e) for e in b_entries]
    for n, task in enumerate(b_tasks):
        make_vote(session, task=task, value=1, comment=secret(f"StrangerComment{n}"))
    stranger_flag = make_flag(
        session, round_entry=b_entries[0], juror=stranger, note=secret("StrangerFlag")
    )
    # An award in it, so its ceremony, rehearsal and exports have a winner to show.
    session.add(
        Award(campaign_id=foreign.id, name="First", place=1, entry_id=b_entries[0].entry_id)
    )
    job = Job(
        kind="imports.run",
        payload={"round_id": round_b.id, "titles": [secret("JobTitle")]},
        campaign_id=foreign.id,
        created_by=coordinator.id,
    )
    session.add(job)
    session.commit()
    return {
        "me": me,
        "other": other,
        "values": {
            "round_id": [round_a.id, round_r.id, round_b.id],
            "campaign_id": [campaign.id, ranking_campaign.id, foreign.id],
            "slug": [campaign.slug, ranking_campaign.slug, foreign.slug],
            "job_id": [job.id],
            "task_id": [t.id for t in tasks["other"][:1] + b_tasks[:1]],
            "round_entry_id": [e.id for e in a_entries[:2] + b_entries[:1]],
            "entry_id": [e.entry_id for e in a_entries[:1] + b_entries[:1]],
            "flag_id": [other_flag.id, stranger_flag.id],
            "user_id": [other.id, stranger.id],
        },
        "hiding_rounds": {round_a.id, round_r.id},
        "foreign": foreign.id,
    }


def get_operations(client: TestClient) -> list[str]:
    paths = client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return sorted(
        path for path, item in paths.items() if "get" in item and not path.startswith("/auth/")
    )


def keys_in(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys_in(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys_in(v)}
    return set()


def juror_ids_in(value: Any) -> set[int]:
    if isinstance(value, dict):
        found = {value["juror_id"]} if "juror_id" in value else set()
        return found | {j for v in value.values() for j in juror_ids_in(v)}
    if isinstance(value, list):
        return {j for v in value for j in juror_ids_in(v)}
    return set()


def walk(client: TestClient, world: dict[str, Any]) -> tuple[list[str], list[str]]:
    """GET every operation with every combination of values: (leaks, URLs answered 200)."""
    values: dict[str, list[int | str]] = world["values"]
    leaks, answered = [], []
    for path in get_operations(client):
        names = re.findall(r"\{(\w+)\}", path)
        missing = [name for name in names if name not in values]
        assert not missing, f"{path}: give the walk values for {missing}"
        for combo in product(*(values[name] for name in names)):
            params = dict(zip(names, combo, strict=True))
            url = path.format(**params)
            response = client.get(url)
            if response.status_code in REFUSED:
                continue
            assert response.status_code == 200, f"{url} -> {response.status_code}"
            answered.append(url)
            if "SECRET" in response.text:
                found = sorted(set(re.findall(r"SECRET\w*", response.text)))
                leaks.append(f"GET {url}: {found}")
            if "json" not in response.headers.get("content-type", ""):
                continue
            body = response.json()
            if juror_ids_in(body) - {world["me"].id}:
                leaks.append(f"GET {url}: other jurors' ids")
            hidden = keys_in(body) & HIDDEN_KEYS
            if params.get("round_id") in world["hiding_rounds"] and hidden:
                leaks.append(f"GET {url}: hidden fields {sorted(hidden)}")
    return leaks, answered


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """Photos for the ceremony PDFs come from a Commons double that has none, not the network."""
    client.app.state.commons_transport = httpx.MockTransport(lambda _: httpx.Response(404))  # type: ignore[attr-defined]
    return client


def test_a_juror_reads_nothing_of_other_jurors_or_hidden_fields(
    client: TestClient, settings: Settings, world: dict[str, Any]
):
    login(client, settings, world["me"])
    leaks, answered = walk(client, world)
    assert leaks == []
    # The walk reached the juror's own views of both rounds, not only refusals.
    round_a, round_r, _b = world["values"]["round_id"]
    for view in (f"{round_a}/tasks", f"{round_a}/votes", f"{round_a}/flags", f"{round_r}/ranking"):
        assert f"/api/rounds/{view}" in answered


def test_the_walk_finds_the_secrets_where_they_may_be_shown(
    client: TestClient, settings: Settings, world: dict[str, Any], session: Session
):
    """Walking as an admin, who may see everything, trips every kind of check."""
    admin = make_user(session, admin=True)
    session.commit()
    login(client, settings, admin)
    leaks, _answered = walk(client, {**world, "me": admin})
    text = "\n".join(leaks)
    for planted in ("OtherComment", "StrangerComment", "A0Uploader", "B0Title", "OtherFlagNote"):
        assert planted in text
    # The coordinators' views of a campaign's winners are walked too.
    for view in ("ceremony", "export/gallery.wiki"):
        assert f"GET /api/campaigns/{world['foreign']}/{view}: ['SECRETB0Title" in text
    assert "other jurors' ids" in text or "hidden fields" in text
