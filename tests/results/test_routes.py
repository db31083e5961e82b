from sqlmodel import select

from app.models import AuditEvent, Flag, RoundEntry, RoundResult
from tests.factories import make_campaign, make_flag, make_user
from tests.helpers import login, logout
from tests.results.scene import make_scene


def test_results_routes_refuse_everyone_but_the_campaigns_coordinators(client, settings, session):
    scene = make_scene(session, entries=2)
    scene.votes(session, [[5, 4], [3, None]])
    flag = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0])
    other_coordinator = make_user(session)
    make_campaign(session, coordinators=(other_coordinator,))
    plain = make_user(session)
    session.commit()
    r = scene.round.id
    paths = [
        ("GET", f"/api/rounds/{r}/results"),
        ("GET", f"/api/rounds/{r}/thresholds"),
        ("GET", f"/api/rounds/{r}/advance/preview?top_n=1"),
        ("POST", f"/api/rounds/{r}/finalize"),
        ("POST", f"/api/rounds/{r}/advance"),
        ("GET", f"/api/rounds/{r}/quality"),
        ("GET", f"/api/rounds/{r}/flags/queue"),
        ("POST", f"/api/rounds/{r}/flags/{flag.id}/dismiss"),
        ("POST", f"/api/rounds/{r}/flags/{flag.id}/disqualify"),
        ("GET", f"/api/rounds/{r}/export/results.csv"),
        ("GET", f"/api/rounds/{r}/export/votes.csv"),
    ]
    body = {"top_n": 1, "next_round": {"name": "Next"}}
    for method, path in paths:
        response = client.request(method, path, json=body)
        assert response.status_code == 401, (method, path, response.text)
    for user in (scene.jurors[0], other_coordinator, plain):
        csrf = login(client, settings, user)
        for method, path in paths:
            response = client.request(method, path, json=body, headers=csrf)
            assert response.status_code == 403, (user.username, method, path, response.text)
            assert response.json()["error"] == "forbidden"
        logout(client)
    session.expire_all()
    assert session.get(type(scene.round), r).status == "active"
    assert session.exec(select(RoundResult)).all() == []
    assert session.get(Flag, flag.id).status == "open"
    assert session.exec(select(AuditEvent)).all() == []


def test_unknown_rounds_are_not_found(client, settings, session):
    coordinator = make_user(session, admin=True)
    session.commit()
    login(client, settings, coordinator)
    response = client.get("/api/rounds/999999/results")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_coordinator_reads_results_finalizes_and_advances(client, settings, session):
    scene = make_scene(session, entries=5)
    scene.votes(
        session,
        [[5, 5, None], [4, 4, None], [4, 4, None], [4, None, None], [1, 2, 1]],
    )
    scene.vote(session, 2, 0, 5, comment="Lovely light", favourite=True)
    session.commit()
    r = scene.round.id
    e = [x.id for x in scene.entries]
    csrf = login(client, settings, scene.coordinator)

    results = client.get(f"/api/rounds/{r}/results", params={"limit": 2})
    assert results.status_code == 200, results.text
    body = results.json()
    assert body["total"] == 5 and body["frozen"] is False and body["status"] == "active"
    assert body["vote_method"] == "rating" and body["ranking"] is None
    assert [row["round_entry_id"] for row in body["rows"]] == [e[0], e[1]]
    top = body["rows"][0]
    assert top["score"] == 1.0 and top["vote_count"] == 3 and top["advanced"] is None
    assert set(top["entry"]) == {
        "entry_id",
        "page_id",
        "title",
        "url",
        "description_url",
        "thumb_url",
        "width",
        "height",
        "uploader",
    }
    assert top["entry"]["uploader"].startswith("Uploader")
    assert top["votes"][2] == {
        "juror_id": scene.jurors[2].id,
        "username": "Juror C",
        "value": 5,
        "normalized": 1.0,
        "comment": "Lovely light",
        "favourite": True,
    }
    assert client.get(f"/api/rounds/{r}/results", params={"limit": 5000}).status_code == 422

    thresholds = client.get(f"/api/rounds/{r}/thresholds").json()
    assert thresholds["basis"] == "score"
    assert [(row["cutoff"], row["passing"]) for row in thresholds["rows"]] == [
        (1.0, 1),
        (0.75, 4),
        (1 / 12, 5),
    ]

    preview = client.get(f"/api/rounds/{r}/advance/preview", params={"top_n": 2}).json()
    assert [c["round_entry_id"] for c in preview["advancing"]] == [e[0]]
    assert [c["round_entry_id"] for c in preview["tied_at_boundary"]] == [e[1], e[2], e[3]]
    assert preview["boundary_score"] == 0.75 and preview["open_slots"] == 1
    assert (
        client.get(f"/api/rounds/{r}/advance/preview", params={"top_n": 2, "min_score": 0.5})
    ).status_code == 422
    assert client.get(f"/api/rounds/{r}/advance/preview").status_code == 422

    finalized = client.post(f"/api/rounds/{r}/finalize", headers=csrf)
    assert finalized.status_code == 200, finalized.text
    assert finalized.json()["status"] == "finalized"
    assert finalized.json()["outcome"]["counts"]["votes"] == 11
    again = client.post(f"/api/rounds/{r}/finalize", headers=csrf)
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert client.get(f"/api/rounds/{r}/results").json()["frozen"] is True

    next_round = {"name": "Round 2", "vote_method": "yes_no", "quorum": 2}
    for bad in (
        {"next_round": next_round},
        {"top_n": 2, "min_score": 0.5, "next_round": next_round},
        {"top_n": 2, "include_tied": [e[4]], "next_round": next_round},
        {"top_n": 2},
    ):
        refused = client.post(f"/api/rounds/{r}/advance", json=bad, headers=csrf)
        assert refused.status_code == 422, (bad, refused.text)
        assert refused.json()["error"] in ("invalid_input", "invalid_advance_rule")

    advanced = client.post(
        f"/api/rounds/{r}/advance",
        json={"top_n": 2, "include_tied": [e[1], e[3]], "next_round": next_round},
        headers=csrf,
    )
    assert advanced.status_code == 201, advanced.text
    new = advanced.json()
    assert new["status"] == "draft" and new["name"] == "Round 2"
    assert new["vote_method"] == "yes_no" and new["counts"]["entries"] == 3
    carried = session.exec(select(RoundEntry).where(RoundEntry.round_id == new["id"])).all()
    assert sorted(x.entry_id for x in carried) == sorted(
        scene.entries[i].entry_id for i in (0, 1, 3)
    )
    session.rollback()  # end the read: SQLite lets one transaction write at a time
    rows = client.get(f"/api/rounds/{r}/results").json()["rows"]
    assert {row["round_entry_id"] for row in rows if row["advanced"]} == {e[0], e[1], e[3]}

    twice = client.post(
        f"/api/rounds/{r}/advance",
        json={"top_n": 2, "next_round": next_round},
        headers=csrf,
    )
    assert twice.status_code == 409 and twice.json()["error"] == "already_advanced"
    assert [a.action for a in session.exec(select(AuditEvent).order_by(AuditEvent.id))] == [
        "round.finalize",
        "round.create",
        "round.advance",
    ]


def test_a_ranking_rounds_results_show_places_and_the_tie_break(client, settings, session):
    scene = make_scene(session, method="ranking", entries=3, jurors=2)
    scene.ballot(session, 0, [1, 2, 3])
    scene.ballot(session, 1, [2, 1, 3])
    session.commit()
    login(client, settings, scene.coordinator)
    body = client.get(f"/api/rounds/{scene.round.id}/results").json()
    assert body["ranking"]["tie_break_used"] is True
    assert body["ranking"]["tie_break_rule"] == "mean_position_then_entry_id"
    assert "mean position" in body["ranking"]["tie_break_description"]
    assert [(row["place"], row["rank"]) for row in body["rows"]] == [(1, 1), (1, 2), (3, 3)]
    thresholds = client.get(f"/api/rounds/{scene.round.id}/thresholds").json()
    assert thresholds["basis"] == "place"


def test_advancing_a_cancelled_round_is_a_conflict(client, settings, session):
    scene = make_scene(session, entries=1, status="cancelled")
    session.commit()
    csrf = login(client, settings, scene.coordinator)
    response = client.post(
        f"/api/rounds/{scene.round.id}/advance",
        json={"min_score": 0.5, "next_round": {"name": "Next"}},
        headers=csrf,
    )
    assert response.status_code == 409


def test_quality_route(client, settings, session):
    scene = make_scene(session, method="yes_no", entries=3)
    scene.votes(session, [[1, 1, 0], [0, 0, 1], [1, 1, 1]])
    session.commit()
    login(client, settings, scene.coordinator)
    body = client.get(f"/api/rounds/{scene.round.id}/quality", params={"limit": 1}).json()
    assert body["alpha_metric"] == "nominal"
    assert [j["username"] for j in body["jurors"]] == ["Juror A", "Juror B", "Juror C"]
    assert len(body["divisive"]) == 1
    assert client.get(f"/api/rounds/{scene.round.id}/quality?limit=-1").status_code == 422


def test_a_coordinator_reviews_the_flags_queue(client, settings, session):
    scene = make_scene(session, entries=2)
    keep = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0], note="hmm")
    drop = make_flag(session, round_entry=scene.entries[1], juror=scene.jurors[0])
    also = make_flag(session, round_entry=scene.entries[1], juror=scene.jurors[1])
    session.commit()
    r = scene.round.id
    csrf = login(client, settings, scene.coordinator)

    queue = client.get(f"/api/rounds/{r}/flags/queue")
    assert queue.status_code == 200, queue.text
    rows = queue.json()
    assert [(f["id"], f["flag_count"]) for f in rows] == [(drop.id, 2), (also.id, 2), (keep.id, 1)]
    assert rows[2]["juror"] == {"id": scene.jurors[0].id, "username": "Juror A"}
    assert rows[2]["note"] == "hmm" and rows[2]["reason"] == "copyright"
    assert rows[2]["entry"]["title"].startswith("File:")
    assert client.get(f"/api/rounds/{r}/flags/queue?status=closed").status_code == 422

    dismissed = client.post(f"/api/rounds/{r}/flags/{keep.id}/dismiss", headers=csrf)
    assert dismissed.status_code == 200, dismissed.text
    assert dismissed.json()["status"] == "dismissed"
    assert dismissed.json()["resolved_by"]["id"] == scene.coordinator.id
    again = client.post(f"/api/rounds/{r}/flags/{keep.id}/dismiss", headers=csrf)
    assert again.status_code == 409 and again.json()["error"] == "flag_resolved"

    upheld = client.post(
        f"/api/rounds/{r}/flags/{drop.id}/disqualify",
        json={"reason": "Copyright violation"},
        headers=csrf,
    )
    assert upheld.status_code == 200, upheld.text
    assert upheld.json()["status"] == "upheld" and upheld.json()["entry_dq_code"] == "flag"
    entry = session.get(RoundEntry, scene.entries[1].id)
    session.refresh(entry)
    assert entry.dq_reason == "Copyright violation"
    session.rollback()
    assert client.get(f"/api/rounds/{r}/flags/queue").json() == []
    assert len(client.get(f"/api/rounds/{r}/flags/queue?status=upheld").json()) == 2
    missing = client.post(f"/api/rounds/{r}/flags/999999/dismiss", headers=csrf)
    assert missing.status_code == 404
    actions = [a.action for a in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == ["flag.dismiss", "entry.disqualify", "flag.uphold"]


def test_disqualifying_without_a_body_uses_the_flags_reasons(client, settings, session):
    scene = make_scene(session, entries=1)
    flag = make_flag(session, round_entry=scene.entries[0], juror=scene.jurors[0])
    session.commit()
    csrf = login(client, settings, scene.coordinator)
    response = client.post(f"/api/rounds/{scene.round.id}/flags/{flag.id}/disqualify", headers=csrf)
    assert response.status_code == 200, response.text
    entry = session.get(RoundEntry, scene.entries[0].id)
    session.refresh(entry)
    assert entry.dq_reason == "Flagged by jurors: copyright"
