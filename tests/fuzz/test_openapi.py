"""Schemathesis drives every operation of the OpenAPI in-process (ASGI) as a logged-in admin
who also coordinates a campaign and judges its active round: no answer may be a server error,
and every answer must match the schema the API documents for it.

Requests are both valid and invalid by the schema (invalid ones must get a 4xx). Path ids are
drawn both at random and from the objects seeded here, so that requests reach real rounds,
entries, tasks, flags and jobs and not only 404s. Examples per operation are bounded
(FUZZ_EXAMPLES, default 10) and derandomized, so a run is repeatable and fast.
"""

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)
from sqlalchemy import Engine
from sqlmodel import Session

from app.auth.sessions import COOKIE, CSRF_HEADER, SessionCodec
from app.core.config import Settings
from app.jobs import service as jobs
from app.main import create_app
from app.models import CampaignCoordinator, User
from tests.commons.conftest import USER_AGENT, _commons_server, api_url, base_url, store
from tests.factories import make_campaign, make_flag, make_round, make_user, make_vote
from tests.voting.scene import make_scene

__all__ = ["_commons_server", "api_url", "base_url", "store"]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
# Not `negative_data_rejection`: unknown query parameters are ignored, and pydantic's lax
# mode accepts 0 for false or "1" for 1, which that check counts as accepting invalid data.
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
# The OAuth dance's browser pages: they answer HTML and go to Wikimedia, which tests cannot
# reach (tests/auth covers them against an OAuth double).
SKIPPED = r"^/auth/(login|callback)$"


def seed(session: Session) -> tuple[int, dict[str, list[Any]]]:
    """An admin coordinating a campaign and judging its active round; returns the admin's id
    and the ids of what exists, by path parameter name."""
    scene = make_scene(session, entries=4, jurors=2)
    admin = scene.juror
    admin.is_admin = True
    other = scene.others[0]
    campaign = scene.campaign
    session.add(CampaignCoordinator(campaign_id=campaign.id, user_id=admin.id))
    draft = make_round(session, campaign=campaign, jurors=(admin, other), vote_method="ranking")
    second = make_campaign(session, coordinators=(admin,), slug="second")
    make_vote(session, task=scene.task(0, other), value=3)
    flag = make_flag(session, round_entry=scene.entries[1], juror=other)
    job = jobs.enqueue(session, kind="import", payload={"round_id": scene.round.id})
    stranger = make_user(session)
    session.commit()
    return admin.id, {
        "campaign_id": [campaign.id, second.id],
        "round_id": [scene.round.id, draft.id],
        "user_id": [admin.id, other.id, stranger.id],
        "round_entry_id": [e.id for e in scene.entries],
        "task_id": [t.id for t in scene.tasks[admin.id]],
        "flag_id": [flag.id],
        "job_id": [job.id],
        "slug": [campaign.slug, second.slug],
    }


@pytest.fixture
def fuzz_app(settings: Settings, db: Engine, api_url: str) -> Iterator[tuple[FastAPI, dict]]:
    local = settings.model_copy(update={"commons_api_url": api_url, "user_agent": USER_AGENT})
    app = create_app(local, engine=db, run_jobs=False)
    with Session(db, expire_on_commit=False) as session:
        admin_id, known = seed(session)
    with TestClient(app):  # runs the app's lifespan
        yield app, {"admin_id": admin_id, "known": known, "settings": local, "engine": db}


def fuzz_schema(app: FastAPI, known: dict[str, list[Any]]):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)

    @schema.hook
    def flatmap_path_parameters(_context, parameters: dict[str, Any] | None):  # type: ignore[no-untyped-def]
        if not parameters:
            return st.just(parameters)
        # Only ids of the right type are swapped, so that invalid ones stay invalid.
        return st.fixed_dictionaries(
            {
                name: st.one_of(st.just(value), st.sampled_from(known[name]))
                if name in known and type(value) is type(known[name][0])
                else st.just(value)
                for name, value in parameters.items()
            }
        )

    return schema.exclude(path_regex=SKIPPED)


def test_no_server_errors_and_answers_match_the_schema(fuzz_app):  # type: ignore[no-untyped-def]
    app, state = fuzz_app
    local: Settings = state["settings"]
    codec = SessionCodec(secret=local.resolved_secret_key(), max_age=3600)
    failures: dict[str, str] = {}

    for result in fuzz_schema(app, state["known"]).get_all_operations():
        operation = result.ok()

        @given(
            case=st.one_of(
                operation.as_strategy(),
                operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
            )
        )
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        def check(case):  # type: ignore[no-untyped-def]
            # A fresh session per call: the fuzzer may have revoked the admin's sessions.
            with Session(state["engine"]) as session:
                epoch = session.get(User, state["admin_id"]).session_epoch
            cookie, data = codec.issue(user_id=state["admin_id"], epoch=epoch)
            response = case.call(headers={CSRF_HEADER: data.csrf}, cookies={COOKIE: cookie})
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:
            failures[operation.label] = str(exc)

    assert not failures, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
