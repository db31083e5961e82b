"""Users from logins, and the roles a user holds.

Users are keyed by the Wikimedia global user id (the OAuth ``sub``): a renamed account logs in
as the same user with its new name, never as a second one.
"""

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from app.audit.service import record
from app.auth.oauth import Profile, ProviderError
from app.core.errors import Forbidden, InvalidInput
from app.models import Campaign, CampaignCoordinator, Round, RoundJuror, User, utcnow


class AccountBlocked(Forbidden):
    code = "account_blocked"


class NoGlobalAccount(Forbidden):
    code = "no_global_account"


def login(session: Session, *, profile: Profile, admin_usernames: set[str]) -> User:
    """The user for a verified Wikimedia profile, created or brought up to date."""
    if profile.blocked:
        raise AccountBlocked(
            "Your Wikimedia account is blocked, so it cannot be used to log in to Loupe. "
            "If you think this is a mistake, contact the Wikimedia administrators who blocked it."
        )
    if profile.sub <= 0:
        # Wikimedia answers sub "0" for accounts without a global (SUL) account.
        raise NoGlobalAccount(
            "Your Wikimedia account has no global account, which Loupe needs to know you."
        )
    if profile.username is None:
        raise ProviderError("Wikimedia's profile has no username.")
    return _upsert(
        session, wiki_id=profile.sub, username=profile.username, admin_usernames=admin_usernames
    )


def dev_login(session: Session, *, username: str, admin_usernames: set[str]) -> User:
    """A pick-any-username login for local development only (routes refuse it elsewhere)."""
    username = normalize_username(username)
    user = session.exec(
        select(User).where(User.username == username).order_by(col(User.id))
    ).first()
    if user is not None:
        return _upsert(
            session, wiki_id=user.wiki_id, username=username, admin_usernames=admin_usernames
        )
    # Negative ids never clash with real global ids, which are positive; stable per name, and
    # within the column's 32 bits.
    digest = hashlib.sha256(username.encode()).digest()
    wiki_id = -(int.from_bytes(digest[:4], "big") & 0x7FFFFFFF) - 1
    while _by_wiki_id(session, wiki_id) is not None:
        wiki_id = wiki_id + 1 if wiki_id < -1 else -(2**31)
    return _upsert(session, wiki_id=wiki_id, username=username, admin_usernames=admin_usernames)


def normalize_username(raw: str) -> str:
    """MediaWiki's form of a username: underscores as spaces, one space, first letter upper."""
    name = re.sub(r"[\s_]+", " ", raw).strip()
    if not name:
        raise InvalidInput("Enter a username.")
    if len(name) > 255 or any(char in name for char in "#<>[]|{}/:"):
        raise InvalidInput("That is not a valid username.")
    return name[0].upper() + name[1:]


def _upsert(session: Session, *, wiki_id: int, username: str, admin_usernames: set[str]) -> User:
    user = _by_wiki_id(session, wiki_id)
    if user is None:
        try:
            # Two first logins of one account can race; the unique wiki_id decides the winner.
            with session.begin_nested():
                user = User(wiki_id=wiki_id, username=username)
                session.add(user)
        except IntegrityError:
            user = _by_wiki_id(session, wiki_id)
            assert user is not None
    if user.username != username:
        record(
            session,
            actor_id=user.id,
            action="user.rename",
            object_type="user",
            object_id=user.id,
            details={"from": user.username, "to": username},
        )
        user.username = username
    if username in admin_usernames and not user.is_admin:
        user.is_admin = True
        record(
            session,
            actor_id=None,
            action="admin.grant",
            object_type="user",
            object_id=user.id,
            details={"username": username, "via": "LOUPE_ADMINS"},
        )
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    return user


def end_sessions(session: Session, *, user_id: int, epoch: int | None = None) -> bool:
    """End every session of a user by bumping their epoch; with ``epoch``, only if it is still
    the current one (a stale cookie's logout changes nothing). True when it was bumped."""
    query = update(User).where(col(User.id) == user_id)
    if epoch is not None:
        query = query.where(col(User.session_epoch) == epoch)
    done = session.execute(query.values(session_epoch=col(User.session_epoch) + 1))
    return bool(done.rowcount)  # type: ignore[attr-defined]


def revoke_sessions(session: Session, *, user: User, actor: User) -> None:
    """An admin logs a user out everywhere (a stolen cookie, an account blocked on Wikimedia)."""
    end_sessions(session, user_id=user.id)
    record(
        session,
        actor_id=actor.id,
        action="user.sessions_revoke",
        object_type="user",
        object_id=user.id,
        details={"username": user.username},
    )
    session.flush()


def _by_wiki_id(session: Session, wiki_id: int) -> User | None:
    return session.exec(select(User).where(User.wiki_id == wiki_id)).first()


@dataclass(frozen=True, slots=True)
class Roles:
    admin: bool
    organizer: bool
    coordinator_of: list[Campaign]
    juror_of: list[Round]


def roles(session: Session, *, user: User) -> Roles:
    """What the user may do: instance roles, campaigns coordinated, rounds judged.

    Admins coordinate every campaign implicitly; ``coordinator_of`` lists only explicit ones.
    """
    campaigns = session.exec(
        select(Campaign)
        .join(CampaignCoordinator, col(CampaignCoordinator.campaign_id) == col(Campaign.id))
        .where(CampaignCoordinator.user_id == user.id)
        .order_by(col(Campaign.id))
    ).all()
    rounds = session.exec(
        select(Round)
        .join(RoundJuror, col(RoundJuror.round_id) == col(Round.id))
        .where(RoundJuror.user_id == user.id, col(RoundJuror.active))
        .order_by(col(Round.campaign_id), col(Round.ordinal))
    ).all()
    return Roles(
        admin=user.is_admin,
        organizer=user.is_organizer,
        coordinator_of=list(campaigns),
        juror_of=list(rounds),
    )
