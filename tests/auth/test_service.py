"""Users from logins: keyed by the global user id, blocked accounts refused, roles listed."""

import pytest
from sqlmodel import Session, func, select

from app.auth import service
from app.auth.oauth import Profile
from app.core.errors import InvalidInput
from app.models import AuditEvent, User
from tests.factories import make_campaign, make_round, make_user


def profile(sub: int, username: str | None = "Ivan Example", blocked: bool = False) -> Profile:
    return Profile(sub=sub, username=username, blocked=blocked, raw={})


def count_users(session: Session) -> int:
    return session.exec(select(func.count()).select_from(User)).one()


def test_first_login_creates_the_user(session: Session):
    user = service.login(session, profile=profile(42), admin_usernames=set())
    assert (user.wiki_id, user.username, user.is_admin) == (42, "Ivan Example", False)
    assert user.last_login_at is not None


def test_a_rename_updates_the_username_and_never_makes_a_second_user(session: Session):
    first = service.login(session, profile=profile(42, "Old"), admin_usernames=set())
    again = service.login(session, profile=profile(42, "New"), admin_usernames=set())
    assert again.id == first.id
    assert again.username == "New"
    assert count_users(session) == 1


def test_someone_else_taking_a_freed_name_is_a_different_user(session: Session):
    old = service.login(session, profile=profile(42, "Name"), admin_usernames=set())
    newcomer = service.login(session, profile=profile(43, "Name"), admin_usernames=set())
    assert newcomer.id != old.id


def test_a_blocked_account_is_refused_and_nothing_is_written(session: Session):
    with pytest.raises(service.AccountBlocked):
        service.login(session, profile=profile(42, blocked=True), admin_usernames=set())
    assert count_users(session) == 0


def test_an_account_without_a_global_id_is_refused(session: Session):
    with pytest.raises(service.NoGlobalAccount):
        service.login(session, profile=profile(0), admin_usernames=set())


def test_configured_admins_are_promoted_at_login_and_it_is_audited(session: Session):
    user = service.login(session, profile=profile(42, "Boss"), admin_usernames={"Boss"})
    assert user.is_admin
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "admin.grant")).one()
    assert event.object_id == user.id
    assert event.details["via"] == "LOUPE_ADMINS"


def test_admins_granted_by_the_cli_stay_admins_when_not_in_the_setting(session: Session):
    make_user(session, wiki_id=42, username="Boss", admin=True)
    user = service.login(session, profile=profile(42, "Boss"), admin_usernames=set())
    assert user.is_admin


def test_dev_login_reuses_an_existing_username(session: Session):
    existing = make_user(session, username="Demo juror", wiki_id=99)
    assert service.dev_login(session, username="demo_juror", admin_usernames=set()) == existing


def test_dev_login_makes_users_with_negative_ids_that_never_clash_with_real_ones(
    session: Session,
):
    user = service.dev_login(session, username="tester", admin_usernames=set())
    assert user.username == "Tester"
    assert user.wiki_id < 0
    assert service.dev_login(session, username="Tester", admin_usernames=set()).id == user.id


@pytest.mark.parametrize(
    ("raw", "name"), [("ivan_example", "Ivan example"), ("  a   b ", "A b"), ("Émile", "Émile")]
)
def test_usernames_are_normalized_like_mediawiki(raw: str, name: str):
    assert service.normalize_username(raw) == name


@pytest.mark.parametrize("raw", ["", "   ", "a|b", "x" * 256, "a/b"])
def test_invalid_usernames_are_refused(raw: str):
    with pytest.raises(InvalidInput):
        service.normalize_username(raw)


def test_roles_list_coordinated_campaigns_and_active_juror_rounds(session: Session):
    user = make_user(session, organizer=True)
    campaign = make_campaign(session, coordinators=(user,))
    other = make_campaign(session)
    judged = make_round(session, campaign=other, jurors=(user,))
    removed = make_round(session, campaign=other, jurors=(user,))
    from app.models import RoundJuror

    session.get(RoundJuror, (removed.id, user.id)).active = False
    session.flush()
    roles = service.roles(session, user=user)
    assert roles.organizer and not roles.admin
    assert [c.id for c in roles.coordinator_of] == [campaign.id]
    assert [r.id for r in roles.juror_of] == [judged.id]


def test_dev_login_steps_around_an_id_already_taken(session: Session):
    first = service.dev_login(session, username="Tester", admin_usernames=set())
    first.username = "Renamed"  # the id stays taken, the name is free again
    session.flush()
    second = service.dev_login(session, username="Tester", admin_usernames=set())
    assert second.id != first.id
    assert second.wiki_id != first.wiki_id
