"""The juror routes from the outside: who may call them, and what goes over the wire."""

import sqlite3
import threading
import time

import pytest
from sqlalchemy import func, select

from app.models import RoundJuror, Vote, VoteChange, utcnow
from tests.factories import make_campaign, make_round, make_round_entry, make_user
from tests.helpers import login, logout
from tests.voting.scene import make_scene

HIDDEN = {"show_filename": False, "show_link": False, "show_uploader": False}


def endpoints(round_id: int, entry_id: int, task_id: int) -> list[tuple[str, str, dict | None]]:
    base = f"/api/rounds/{round_id}"
    return [
        ("GET", f"{base}/tasks", None),
        ("POST", f"{base}/tasks/{task_id}/skip", None),
        ("PUT", f"{base}/votes/{entry_id}", {"value": 1}),
        ("DELETE", f"{base}/votes/{entry_id}", None),
        ("GET", f"{base}/votes", None),
        ("GET", f"{base}/flags", None),
        ("POST", f"{base}/flags", {"round_entry_id": entry_id, "reason": "other"}),
        ("DELETE", f"{base}/flags/{entry_id}", None),
        ("GET", f"{base}/ranking", None),
        ("PUT", f"{base}/ranking", {"ranks": [{"round_entry_id": entry_id, "rank": 1}]}),
    ]


def call(client, method: str, url: str, body, headers=None):
    return client.request(method, url, json=body, headers=headers or {})


def read(session, statement) -> list:
    """Rows read on a connection of their own: the test session must not hold a transaction
    (on SQLite every transaction takes the write lock) while the app serves requests."""
    with session.get_bind().connect() as connection:
        return list(connection.execute(statement))


def vote_count(session) -> int:
    return read(session, select(func.count()).select_from(Vote))[0][0]


def test_anonymous_callers_get_401_everywhere(client, session):
    scene = make_scene(session, entries=1)
    session.commit()
    routes = endpoints(scene.round.id, scene.entries[0].id, scene.task(0).id)
    for method, url, body in [*routes, ("GET", "/api/my/rounds", None)]:
        response = call(client, method, url, body)
        assert response.status_code == 401, (method, url)
        assert response.json()["error"] == "not_authenticated"


def test_a_plain_user_and_a_juror_of_another_round_get_403(client, settings, session):
    scene = make_scene(session, entries=1)
    elsewhere = make_scene(session, entries=1)
    plain = make_user(session)
    session.commit()
    routes = endpoints(scene.round.id, scene.entries[0].id, scene.task(0).id)
    for outsider in (plain, elsewhere.juror):
        csrf = login(client, settings, outsider)
        for method, url, body in routes:
            response = call(client, method, url, body, csrf)
            assert response.status_code == 403, (method, url, response.text)
            assert response.json()["error"] == "forbidden"
    assert vote_count(session) == 0


def test_a_removed_juror_gets_403(client, settings, session):
    scene = make_scene(session, entries=1)
    session.get(RoundJuror, (scene.round.id, scene.juror.id)).active = False
    session.commit()
    login(client, settings, scene.juror)
    assert client.get(f"/api/rounds/{scene.round.id}/tasks").status_code == 403


def test_an_unknown_round_is_404(client, settings, session):
    user = make_user(session)
    session.commit()
    login(client, settings, user)
    response = client.get("/api/rounds/999999/tasks")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_writes_without_the_csrf_token_are_refused(client, settings, session):
    scene = make_scene(session, entries=1)
    session.commit()
    login(client, settings, scene.juror)
    url = f"/api/rounds/{scene.round.id}/votes/{scene.entries[0].id}"
    missing = client.put(url, json={"value": 3})
    wrong = client.put(url, json={"value": 3}, headers={"X-CSRF-Token": "forged"})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert response.json()["error"] == "csrf_failed"
    assert vote_count(session) == 0


def test_a_juror_fetches_tasks_and_votes(client, settings, session):
    scene = make_scene(session, entries=3, display=HIDDEN)
    session.commit()
    csrf = login(client, settings, scene.juror)

    batch = client.get(f"/api/rounds/{scene.round.id}/tasks", params={"limit": 2})
    assert batch.status_code == 200, batch.text
    body = batch.json()
    assert body["remaining"] == 3
    assert [t["round_entry_id"] for t in body["tasks"]] == [e.id for e in scene.entries[:2]]
    first = body["tasks"][0]
    assert first["task_id"] == scene.task(0).id
    assert set(first["entry"]) == {"width", "height", "mime", "url", "thumb_url", "srcset"}
    assert "/thumb/" in first["entry"]["thumb_url"]

    url = f"/api/rounds/{scene.round.id}/votes/{first['round_entry_id']}"
    cast = client.put(url, json={"value": 4, "comment": "sharp", "favourite": True}, headers=csrf)
    assert cast.status_code == 200, cast.text
    vote = cast.json()
    assert {k: vote[k] for k in ("value", "comment", "favourite", "round_entry_id")} == {
        "value": 4,
        "comment": "sharp",
        "favourite": True,
        "round_entry_id": first["round_entry_id"],
    }
    assert vote["task_id"] == first["task_id"]

    # A retry or a double click: the same answer, nothing new stored.
    again = client.put(url, json={"value": 4, "comment": "sharp", "favourite": True}, headers=csrf)
    assert again.status_code == 200
    assert again.json() == vote
    assert vote_count(session) == 1

    after = client.get(f"/api/rounds/{scene.round.id}/tasks").json()
    assert after["remaining"] == 2
    assert first["round_entry_id"] not in [t["round_entry_id"] for t in after["tasks"]]


def test_a_round_that_shows_everything_sends_title_link_and_uploader(client, settings, session):
    display = {"show_filename": True, "show_link": True, "show_uploader": True}
    scene = make_scene(session, entries=1, display=display)
    session.commit()
    login(client, settings, scene.juror)
    entry = client.get(f"/api/rounds/{scene.round.id}/tasks").json()["tasks"][0]["entry"]
    assert entry["title"].startswith("File:")
    assert entry["description_url"].startswith("https://commons.wikimedia.org/wiki/File:")
    assert entry["uploader"].startswith("Uploader ")


def test_default_display_hides_the_uploader_in_every_listing(client, settings, session):
    scene = make_scene(session, entries=1, method="rating")
    session.commit()
    csrf = login(client, settings, scene.juror)
    base = f"/api/rounds/{scene.round.id}"
    task = client.get(f"{base}/tasks").json()["tasks"][0]
    assert "uploader" not in task["entry"]
    client.put(f"{base}/votes/{task['round_entry_id']}", json={"value": 2}, headers=csrf)
    past = client.get(f"{base}/votes").json()
    assert past["total"] == 1
    assert "uploader" not in past["votes"][0]["entry"]


def test_changing_a_vote_over_the_wire_keeps_history(client, settings, session):
    scene = make_scene(session, entries=1, method="yes_no")
    session.commit()
    csrf = login(client, settings, scene.juror)
    url = f"/api/rounds/{scene.round.id}/votes/{scene.entries[0].id}"
    assert client.put(url, json={"value": 1}, headers=csrf).json()["value"] == 1
    changed = client.put(url, json={"value": 0}, headers=csrf)
    assert changed.status_code == 200
    assert changed.json()["value"] == 0
    assert [r.value for r in read(session, select(VoteChange.value))] == [1]


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("yes_no", {"value": 2}),
        ("yes_no", {"value": True}),
        ("yes_no", {"value": "1"}),
        ("rating", {"value": 0}),
        ("rating", {"value": 6}),
        ("rating", {"value": 3.5}),
        ("rating", {}),
        ("rating", {"value": 3, "comment": "x" * 2001}),
    ],
)
def test_invalid_votes_are_422(client, settings, session, method, body):
    scene = make_scene(session, entries=1, method=method)
    session.commit()
    csrf = login(client, settings, scene.juror)
    url = f"/api/rounds/{scene.round.id}/votes/{scene.entries[0].id}"
    response = client.put(url, json=body, headers=csrf)
    assert response.status_code == 422, response.text
    assert response.json()["error"] in {"invalid_input", "invalid_vote"}
    assert vote_count(session) == 0


def test_state_and_assignment_refusals_over_the_wire(client, settings, session):
    scene = make_scene(session, entries=2, jurors=2)
    scene.entries[1].dq_code = "manual"
    theirs = make_round_entry(session, round=scene.round)
    session.commit()
    csrf = login(client, settings, scene.juror)
    base = f"/api/rounds/{scene.round.id}"
    disqualified = client.put(
        f"{base}/votes/{scene.entries[1].id}", json={"value": 3}, headers=csrf
    )
    assert disqualified.status_code == 404
    assert disqualified.json()["error"] == "entry_disqualified"
    unassigned = client.put(f"{base}/votes/{theirs.id}", json={"value": 3}, headers=csrf)
    assert unassigned.status_code == 404
    assert unassigned.json()["error"] == "not_assigned"

    scene.round.status = "paused"
    session.commit()
    paused = client.put(f"{base}/votes/{scene.entries[0].id}", json={"value": 3}, headers=csrf)
    assert paused.status_code == 409
    assert paused.json()["error"] == "round_paused"
    queue = client.get(f"{base}/tasks")
    assert queue.status_code == 409
    assert queue.json()["error"] == "round_paused"


def test_ranking_rounds_send_single_votes_to_the_ballot(client, settings, session):
    scene = make_scene(session, entries=2, method="ranking")
    session.commit()
    csrf = login(client, settings, scene.juror)
    base = f"/api/rounds/{scene.round.id}"
    response = client.put(f"{base}/votes/{scene.entries[0].id}", json={"value": 1}, headers=csrf)
    assert response.status_code == 409
    assert response.json()["error"] == "ranking_round"
    assert f"{base}/ranking" in response.json()["detail"]


def test_undo_and_skip_reorder_my_queue(client, settings, session):
    scene = make_scene(session, entries=3)
    session.commit()
    csrf = login(client, settings, scene.juror)
    base = f"/api/rounds/{scene.round.id}"
    ids = [e.id for e in scene.entries]

    def queue():
        return [t["round_entry_id"] for t in client.get(f"{base}/tasks").json()["tasks"]]

    assert client.put(f"{base}/votes/{ids[0]}", json={"value": 5}, headers=csrf).status_code == 200
    skip = client.post(f"{base}/tasks/{scene.task(1).id}/skip", headers=csrf)
    assert skip.status_code == 204
    assert queue() == [ids[2], ids[1]]
    undo = client.delete(f"{base}/votes/{ids[0]}", headers=csrf)
    assert undo.status_code == 204
    assert queue() == [ids[0], ids[2], ids[1]]
    assert vote_count(session) == 0
    # Undoing again is harmless.
    assert client.delete(f"{base}/votes/{ids[0]}", headers=csrf).status_code == 204


def test_flags_over_the_wire(client, settings, session):
    scene = make_scene(session, entries=1)
    session.commit()
    csrf = login(client, settings, scene.juror)
    base = f"/api/rounds/{scene.round.id}"
    body = {"round_entry_id": scene.entries[0].id, "reason": "copyright", "note": "flickr"}
    made = client.post(f"{base}/flags", json=body, headers=csrf)
    assert made.status_code == 200, made.text
    assert {k: made.json()[k] for k in ("reason", "note", "status")} == {
        "reason": "copyright",
        "note": "flickr",
        "status": "open",
    }
    updated = client.post(f"{base}/flags", json={**body, "reason": "duplicate"}, headers=csrf)
    assert updated.json()["id"] == made.json()["id"]
    assert [f["reason"] for f in client.get(f"{base}/flags").json()] == ["duplicate"]
    bad = client.post(f"{base}/flags", json={**body, "reason": "ugly"}, headers=csrf)
    assert bad.status_code == 422
    gone = client.delete(f"{base}/flags/{scene.entries[0].id}", headers=csrf)
    assert gone.status_code == 204
    assert client.get(f"{base}/flags").json() == []


def test_my_rounds_for_a_juror_and_for_a_plain_user(client, settings, session):
    scene = make_scene(session, entries=2, display={"show_stats": True})
    hidden = make_scene(session, entries=1, status="finalized")
    session.add(RoundJuror(round_id=hidden.round.id, user_id=scene.juror.id))
    plain = make_user(session)
    session.commit()
    csrf = login(client, settings, scene.juror)
    client.put(
        f"/api/rounds/{scene.round.id}/votes/{scene.entries[0].id}",
        json={"value": 5},
        headers=csrf,
    )
    rounds = client.get("/api/my/rounds").json()
    assert [r["id"] for r in rounds] == [scene.round.id, hidden.round.id]
    mine = rounds[0]
    assert mine["progress"] == {"done": 1, "total": 2}
    assert mine["stats"] == {"votes": 1, "mean_score": 1.0}
    assert mine["campaign_slug"] == scene.campaign.slug
    assert set(mine) >= {"deadline", "directions", "vote_method", "status", "name"}
    assert "stats" not in rounds[1]

    logout(client)
    login(client, settings, plain)
    assert client.get("/api/my/rounds").json() == []


def test_a_round_activated_by_its_coordinator_is_voted_to_the_end(client, settings, session):
    """The whole juror flow on tasks made by the real activation (shuffled per juror)."""
    coordinator = make_user(session)
    jurors = [make_user(session) for _ in range(2)]
    for juror in jurors:
        juror.commons_checked_at = utcnow()
    campaign = make_campaign(session, coordinators=(coordinator,))
    round_ = make_round(session, campaign=campaign, vote_method="yes_no", quorum=2)
    for juror in jurors:
        session.add(RoundJuror(round_id=round_.id, user_id=juror.id))
    for _ in range(12):
        make_round_entry(session, round=round_)
    session.commit()
    csrf = login(client, settings, coordinator)
    activated = client.post(f"/api/rounds/{round_.id}/activate", headers=csrf)
    assert activated.status_code == 200, activated.text

    orders = []
    for juror in jurors:
        logout(client)
        csrf = login(client, settings, juror)
        seen = []
        while True:
            batch = client.get(f"/api/rounds/{round_.id}/tasks", params={"limit": 5}).json()
            if not batch["tasks"]:
                break
            for task in batch["tasks"]:
                seen.append(task["round_entry_id"])
                url = f"/api/rounds/{round_.id}/votes/{task['round_entry_id']}"
                assert client.put(url, json={"value": 1}, headers=csrf).status_code == 200
        assert len(seen) == len(set(seen)) == 12
        orders.append(seen)
        progress = client.get("/api/my/rounds").json()[0]["progress"]
        assert progress == {"done": 12, "total": 12}
    assert orders[0] != orders[1]  # each juror has their own shuffled order
    assert vote_count(session) == 24


def test_on_sqlite_my_queue_is_read_while_another_writer_holds_the_lock(client, settings, session):
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock")
    scene = make_scene(session, entries=2)
    session.commit()
    login(client, settings, scene.juror)
    with session.get_bind().connect() as writer:
        writer.execute(select(1))  # begins IMMEDIATE: holds the write lock
        start = time.monotonic()
        response = client.get(f"/api/rounds/{scene.round.id}/tasks")
        waited = time.monotonic() - start
        writer.rollback()
    assert response.status_code == 200
    assert len(response.json()["tasks"]) == 2
    assert waited < 5  # a read queued behind the writer would wait out the 30 s busy timeout


def test_an_ended_session_cannot_fetch_tasks_or_vote(client, settings, session):
    """The two busiest routes check the session in their own query (decision 0009): a cookie
    whose epoch was revoked is refused like everywhere else, and casts nothing."""
    scene = make_scene(session, entries=2)
    session.commit()
    csrf = login(client, settings, scene.juror)
    scene.juror.session_epoch += 1  # as logout or an admin's "end sessions" does
    session.commit()
    base = f"/api/rounds/{scene.round.id}"
    for method, url, body in [
        ("GET", f"{base}/tasks", None),
        ("PUT", f"{base}/votes/{scene.entries[0].id}", {"value": 1}),
        ("PUT", f"{base}/votes/999999", {"value": 1}),  # no task: still 401 first
    ]:
        response = call(client, method, url, body, csrf)
        assert response.status_code == 401, (method, url, response.text)
        assert response.json()["error"] == "not_authenticated"
    assert vote_count(session) == 0


def test_on_sqlite_a_vote_waits_for_another_process_holding_the_write_lock(
    client, settings, session
):
    """Votes run on the event loop only while nothing would wait (decision 0009); when another
    process holds SQLite's write lock, the vote waits for it in the thread pool and is stored
    once, instead of failing or blocking the server."""
    if session.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's one write lock")
    scene = make_scene(session, entries=1)
    session.commit()
    csrf = login(client, settings, scene.juror)
    url = f"/api/rounds/{scene.round.id}/votes/{scene.entries[0].id}"
    other = sqlite3.connect(session.get_bind().url.database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        done = []
        voter = threading.Thread(
            target=lambda: done.append(call(client, "PUT", url, {"value": 1}, csrf))
        )
        voter.start()
        voter.join(0.5)
        assert voter.is_alive() and not done  # waiting for the lock, not refused
        # Meanwhile the server still answers reads (the event loop is not blocked).
        assert client.get(f"/api/rounds/{scene.round.id}/tasks").status_code == 200
        other.execute("COMMIT")
        voter.join(10)
    finally:
        other.close()
    assert done[0].status_code == 200, done[0].text
    assert vote_count(session) == 1
