"""Eligibility in the database: preview, apply, requalify, staff uploads, audit."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from app.core.errors import Conflict, InvalidInput
from app.eligibility import service
from app.models import AuditEvent, Round, RoundEntry, RoundJuror, Task, User, utcnow
from app.rounds import service as rounds
from app.rounds.schemas import EligibilityRules
from tests.factories import make_campaign, make_entry, make_round, make_round_entry, make_user


def no_lookup(names: list[str]) -> dict:
    raise AssertionError(f"Commons was asked about {names}")


def checked(user: User, commons_id: int | None) -> User:
    user.commons_id = commons_id
    user.commons_checked_at = utcnow()
    return user


@pytest.fixture
def scene(session: Session):
    organizer = checked(make_user(session, username="Olu", organizer=True), 9)
    coordinator = checked(make_user(session, username="Coco"), 8)
    juror = checked(make_user(session, username="Jury Person"), 7)
    other_juror = checked(make_user(session, username="Second Juror"), 6)
    campaign = make_campaign(session, coordinators=(coordinator,), created_by=organizer.id)
    round_ = make_round(
        session,
        campaign=campaign,
        jurors=(juror, other_juror),
        quorum=1,
        rules=EligibilityRules(min_megapixels=2, allowed_mimes=["image/jpeg"]).model_dump(),
    )

    def add(name: str, **fields) -> RoundEntry:
        return make_round_entry(
            session, round=round_, entry=make_entry(session, title=f"File:{name}.jpg", **fields)
        )

    entries = {
        "fine": add("Fine"),
        "early": add("Early", uploaded_at=datetime(2026, 8, 1, tzinfo=UTC)),
        "small": add("Small", width=1000, height=1000),
        "tiff": add("Tiff", mime="image/tiff"),
        "by_juror": add("By juror", uploader="Renamed Juror", uploader_id=7),
        "juror_name": add("Juror name", uploader="Jury Person", uploader_id=12345),
        "by_organizer": add("By organizer", uploader_id=9),
        "deleted": add("Deleted", deleted=True),
        "reupload": add(
            "Reupload",
            latest_uploader="Kofi",
            latest_uploader_id=4242,
            latest_uploaded_at=datetime(2026, 10, 9, tzinfo=UTC),
        ),
        "manual": add("Manual", width=10, height=10),
    }
    service.disqualify(
        session, round_=round_, entry=entries["manual"], reason="Not a monument", actor=coordinator
    )
    session.commit()
    return {"round": round_, "coordinator": coordinator, "juror": juror, "entries": entries}


def state(session: Session, round_: Round) -> list[tuple]:
    session.expire_all()
    query = select(RoundEntry).where(RoundEntry.round_id == round_.id).order_by(RoundEntry.id)
    return [(e.id, e.dq_code, e.dq_reason, e.dq_by) for e in session.scalars(query)]


def codes(session: Session, scene) -> dict[str, str | None]:
    session.expire_all()
    return {name: session.get(RoundEntry, e.id).dq_code for name, e in scene["entries"].items()}


def test_a_preview_counts_and_lists_per_rule_and_changes_nothing(session: Session, scene):
    round_ = scene["round"]
    before = state(session, round_)
    audits = len(session.scalars(select(AuditEvent)).all())

    preview = service.preview(session, round_=round_, lookup=no_lookup)

    assert state(session, round_) == before
    assert len(session.scalars(select(AuditEvent)).all()) == audits
    assert (preview.entries, preview.eligible, preview.untouched) == (10, 9, 1)
    assert preview.would_disqualify == 7
    assert preview.would_requalify == 0
    per_rule = {r.code: r for r in preview.per_rule}
    assert {code: r.count for code, r in per_rule.items()} == {
        "window": 1,
        "resolution": 1,
        "file_type": 1,
        "staff_upload": 2,
        "deleted": 1,
        "reupload": 1,
    }
    assert all(r.enabled for r in preview.per_rule)
    staff = {e.title: e.reason for e in per_rule["staff_upload"].entries}
    assert staff["File:By juror.jpg"] == "Uploaded by Renamed Juror, a juror of this round"
    # The facts behind each reason travel with it, for the UI to word in any language.
    by_juror = next(e for e in per_rule["staff_upload"].entries if e.title == "File:By juror.jpg")
    assert (by_juror.code, by_juror.params) == (
        "staff_upload",
        {"uploader": "Renamed Juror", "role": "juror"},
    )
    assert staff["File:By organizer.jpg"].endswith(", the organizer of this campaign")
    assert "Juror name" not in str(preview.disqualify), "never matched by user name"

    relaxed = service.preview(
        session,
        round_=round_,
        rules=EligibilityRules(exclude_staff_uploads=False),
        lookup=no_lookup,
    )
    assert {r.code: r.enabled for r in relaxed.per_rule}["resolution"] is False
    assert relaxed.would_disqualify == 3
    assert state(session, round_) == before


def test_apply_disqualifies_by_rule_then_requalifies_when_the_rules_relax(session: Session, scene):
    round_ = scene["round"]
    coordinator = scene["coordinator"]
    result = service.apply(session, round_=round_, actor=coordinator, lookup=no_lookup)
    session.commit()
    assert (result.disqualified, result.requalified) == (7, 0)
    assert result.by_code == {
        "window": 1,
        "resolution": 1,
        "file_type": 1,
        "staff_upload": 2,
        "deleted": 1,
        "reupload": 1,
    }
    assert codes(session, scene) == {
        "fine": None,
        "early": "window",
        "small": "resolution",
        "tiff": "file_type",
        "by_juror": "staff_upload",
        "juror_name": None,
        "by_organizer": "staff_upload",
        "deleted": "deleted",
        "reupload": "reupload",
        "manual": "manual",
    }
    small = session.get(RoundEntry, scene["entries"]["small"].id)
    assert small.dq_by == coordinator.id and small.dq_at is not None
    assert small.dq_reason.startswith("1 megapixels (1000 x 1000), below the minimum")
    assert small.dq_params == {"megapixels": 1.0, "width": 1000, "height": 1000, "minimum": 2}
    listed = service.list_entries(session, round_=round_, reason="resolution")
    assert [e.dq_params for e in listed.items] == [small.dq_params]
    deleted = session.get(RoundEntry, scene["entries"]["deleted"].id)
    assert deleted.dq_params == {}, "a rule's reason with no facts still gets worded by the UI"
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "eligibility.apply")
    ).one()
    assert event.actor_id == coordinator.id and event.object_id == round_.id
    assert event.details["disqualified"]["resolution"] == [small.id]
    assert event.details["rules"]["min_megapixels"] == 2

    again = service.apply(session, round_=round_, actor=coordinator, lookup=no_lookup)
    assert (again.disqualified, again.requalified, again.reworded) == (0, 0, 0)

    relaxed = EligibilityRules(min_megapixels=None, allowed_mimes=None, exclude_deleted=False)
    result = service.apply(
        session, round_=round_, actor=coordinator, lookup=no_lookup, rules=relaxed
    )
    session.commit()
    assert (result.disqualified, result.requalified) == (0, 3)
    after = codes(session, scene)
    assert (after["small"], after["tiff"], after["deleted"]) == (None, None, None)
    session.refresh(small)
    assert small.dq_params is None
    manual = session.get(RoundEntry, scene["entries"]["manual"].id)
    assert manual.dq_params is None, "a reason written by hand has no facts to word"
    # Stored as SQL NULL (not JSON null), like the entries disqualified before facts were kept.
    nulls = session.execute(
        text("SELECT id FROM round_entries WHERE dq_params IS NULL AND id IN (:a, :b)"),
        {"a": small.id, "b": manual.id},
    ).scalars()
    assert sorted(nulls) == sorted([small.id, manual.id])
    assert after["manual"] == "manual", "a manual disqualification is never undone by rules"
    assert session.get(Round, round_.id).rules["min_megapixels"] is None


def test_staff_commons_accounts_are_resolved_by_central_id(session: Session, scene):
    round_ = scene["round"]
    newcomer = make_user(session, username="New Juror", wiki_id=777)
    impostor = make_user(session, username="Impostor", wiki_id=888)
    for user in (newcomer, impostor):
        session.add(RoundJuror(round_id=round_.id, user_id=user.id))
    make_round_entry(session, round=round_, entry=make_entry(session, uploader_id=31))
    make_round_entry(session, round=round_, entry=make_entry(session, uploader_id=32))
    session.commit()
    asked = []

    def lookup(names: list[str]) -> dict:
        asked.append(sorted(names))
        # The impostor's name now belongs to another global account: not a match.
        return {"New Juror": (777, 31), "Impostor": (999, 32)}

    preview = service.preview(session, round_=round_, lookup=lookup)
    assert asked == [["Impostor", "New Juror"]]
    staff = {r.code: r.count for r in preview.per_rule}["staff_upload"]
    assert staff == 3
    assert session.get(User, newcomer.id).commons_id == 31
    assert session.get(User, impostor.id).commons_id is None


def test_apply_on_a_running_round_gives_requalified_entries_their_tasks(session: Session, scene):
    round_ = scene["round"]
    coordinator = scene["coordinator"]
    service.apply(session, round_=round_, actor=coordinator, lookup=no_lookup)
    rounds.activate(session, round_=round_, actor=coordinator, lookup=no_lookup)
    session.commit()
    assert len(session.scalars(select(Task)).all()) == 2  # "fine" and "juror_name"

    result = service.apply(
        session,
        round_=round_,
        actor=coordinator,
        lookup=no_lookup,
        rules=EligibilityRules(min_megapixels=None, allowed_mimes=None),
    )
    session.commit()
    assert (result.requalified, result.tasks_added) == (2, 2)
    assert len(session.scalars(select(Task)).all()) == 4


def test_manual_disqualify_and_requalify_are_audited_and_restore_tasks(session: Session, scene):
    round_ = scene["round"]
    coordinator = scene["coordinator"]
    rounds.activate(session, round_=round_, actor=coordinator, lookup=no_lookup)
    fine = session.get(RoundEntry, scene["entries"]["fine"].id)
    service.disqualify(session, round_=round_, entry=fine, reason="  Duplicate ", actor=coordinator)
    assert (fine.dq_code, fine.dq_reason, fine.dq_by) == ("manual", "Duplicate", coordinator.id)
    with pytest.raises(InvalidInput):
        service.disqualify(session, round_=round_, entry=fine, reason=" ", actor=coordinator)

    manual = session.get(RoundEntry, scene["entries"]["manual"].id)
    service.requalify(
        session,
        round_=round_,
        entry=manual,
        reason="It is one",
        actor=coordinator,
        lookup=no_lookup,
    )
    session.commit()
    assert manual.dq_code is None
    assert session.scalars(select(Task).where(Task.round_entry_id == manual.id)).all()
    with pytest.raises(Conflict):
        service.requalify(session, round_=round_, entry=manual, reason="again", actor=coordinator)
    actions = session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "round_entry")
    ).all()
    assert actions.count("entry.disqualify") == 2 and actions.count("entry.requalify") == 1


def test_entries_are_listed_with_filters_and_pages(session: Session, scene):
    round_ = scene["round"]
    service.apply(session, round_=round_, actor=scene["coordinator"], lookup=no_lookup)
    session.commit()
    page = service.list_entries(session, round_=round_, limit=4)
    assert (page.total, len(page.items)) == (10, 4)
    rest = service.list_entries(session, round_=round_, offset=8, limit=4)
    assert [e.title for e in rest.items] == ["File:Reupload.jpg", "File:Manual.jpg"]
    eligible = service.list_entries(session, round_=round_, status="eligible")
    assert {e.title for e in eligible.items} == {"File:Fine.jpg", "File:Juror name.jpg"}
    dq = service.list_entries(session, round_=round_, status="disqualified")
    assert dq.total == 8
    staff = service.list_entries(session, round_=round_, reason="staff_upload")
    assert {e.title for e in staff.items} == {"File:By juror.jpg", "File:By organizer.jpg"}
    by_name = service.list_entries(session, round_=round_, uploader="jury_Person")
    assert [e.title for e in by_name.items] == ["File:Juror name.jpg"]
    item = eligible.items[0]
    assert item.thumb_url is None or item.thumb_url.startswith("https://")
    assert item.source == "test"
