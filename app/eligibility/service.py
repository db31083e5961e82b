"""Disqualifying and requalifying a round's entries, by hand or by rule, and listing them.

The rules themselves are pure functions in ``app.eligibility.rules``; this module feeds them
the round's entries, campaign window and staff (matched by Commons user id, resolved through
the API once per user), and stores what they decide with bulk statements, one audit event per
application. Rules only ever touch their own disqualifications: an entry disqualified by hand
("manual") or from a juror flag ("flag") stays as the coordinator left it.
"""

from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import JSON, Select, bindparam, func, or_, select, update
from sqlmodel import Session, col

from app.audit.service import record
from app.commons.thumbs import thumb_url
from app.core.errors import Conflict, InvalidInput, NotFound
from app.eligibility import rules as rules_
from app.eligibility.schemas import (
    EligibilityPreview,
    EligibilityResult,
    EntryBrief,
    RoundEntryPage,
    RoundEntryPublic,
    RulePreview,
)
from app.models import (
    Campaign,
    CampaignCoordinator,
    Entry,
    Round,
    RoundEntry,
    RoundJuror,
    RoundStatus,
    User,
    utcnow,
)
from app.rounds.schemas import EligibilityRules
from app.rounds.service import (
    RUNNING,
    CommonsIdLookup,
    add_entries_to_running_round,
    resolve_commons_ids,
)

MANUAL = "manual"
PREVIEW_SAMPLE = 20
THUMB_WIDTH = 330


def round_entry(session: Session, *, round_: Round, round_entry_id: int) -> RoundEntry:
    found = session.get(RoundEntry, round_entry_id)
    if found is None or found.round_id != round_.id:
        raise NotFound(f"Entry {round_entry_id} is not in this round.")
    return found


def _check_open(round_: Round) -> None:
    if round_.status in (RoundStatus.finalized, RoundStatus.cancelled):
        raise Conflict(f"The round is {round_.status}; its entries can no longer change.")


def disqualify(
    session: Session,
    *,
    round_: Round,
    entry: RoundEntry,
    reason: str,
    actor: User | None,
    code: str = MANUAL,
) -> RoundEntry:
    """Take an entry out of judging with a readable reason; its open tasks stop showing."""
    _check_open(round_)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("Give a reason for the disqualification.")
    entry.dq_code = code
    entry.dq_reason = reason
    entry.dq_params = None
    entry.dq_by = actor.id if actor else None
    entry.dq_at = utcnow()
    record(
        session,
        actor_id=actor.id if actor else None,
        action="entry.disqualify",
        object_type="round_entry",
        object_id=entry.id,
        campaign_id=round_.campaign_id,
        details={"round_id": round_.id, "code": code, "reason": reason},
    )
    session.flush()
    return entry


def requalify(
    session: Session,
    *,
    round_: Round,
    entry: RoundEntry,
    reason: str,
    actor: User,
    lookup: CommonsIdLookup | None = None,
) -> RoundEntry:
    """Bring a disqualified entry back; a running round gives it any tasks it lacks.

    ``lookup`` resolves jurors' Commons accounts when a running round needs them (jurors
    never get their own uploads)."""
    _check_open(round_)
    if entry.dq_code is None:
        raise Conflict("The entry is not disqualified.")
    before = {"code": entry.dq_code, "reason": entry.dq_reason}
    entry.dq_code = entry.dq_reason = entry.dq_params = entry.dq_by = entry.dq_at = None
    record(
        session,
        actor_id=actor.id,
        action="entry.requalify",
        object_type="round_entry",
        object_id=entry.id,
        campaign_id=round_.campaign_id,
        details={"round_id": round_.id, "reason": reason.strip(), "was": before},
    )
    session.flush()
    if round_.status in RUNNING:
        add_entries_to_running_round(session, round_=round_, lookup=lookup)
    return entry


# --- rules ---------------------------------------------------------------------------


def round_rules(round_: Round) -> EligibilityRules:
    return EligibilityRules.model_validate(round_.rules or {})


def staff_roles(
    session: Session, *, round_: Round, lookup: CommonsIdLookup | None
) -> dict[int, str]:
    """Commons local id → role of the round's jurors, the campaign's coordinators and the
    organizer who created it; their Commons accounts are resolved first if unknown."""
    campaign = session.get(Campaign, round_.campaign_id)
    roles: dict[int, str] = {}
    jurors = session.scalars(
        select(RoundJuror.user_id).where(RoundJuror.round_id == round_.id, RoundJuror.active)
    ).all()
    coordinators = session.scalars(
        select(CampaignCoordinator.user_id).where(
            CampaignCoordinator.campaign_id == round_.campaign_id
        )
    ).all()
    organizers = [campaign.created_by] if campaign and campaign.created_by else []
    # The most specific role wins when one person holds several.
    for role, user_ids in (
        ("organizer", organizers),
        ("coordinator", coordinators),
        ("juror", jurors),
    ):
        roles.update(dict.fromkeys(user_ids, role))
    if not roles:
        return {}
    resolve_commons_ids(session, user_ids=list(roles), lookup=lookup)
    found = session.execute(
        select(User.id, User.commons_id).where(
            col(User.id).in_(list(roles)), col(User.commons_id).is_not(None)
        )
    )
    return {commons_id: roles[user_id] for user_id, commons_id in found}


def rule_set(
    session: Session,
    *,
    round_: Round,
    rules: EligibilityRules,
    lookup: CommonsIdLookup | None,
) -> rules_.RuleSet:
    campaign = session.get(Campaign, round_.campaign_id)
    staff = (
        staff_roles(session, round_=round_, lookup=lookup) if rules.exclude_staff_uploads else {}
    )
    return rules_.RuleSet(
        opens_at=campaign.opens_at if campaign else None,
        closes_at=campaign.closes_at if campaign else None,
        window=rules.window,
        min_megapixels=rules.min_megapixels,
        allowed_mimes=tuple(rules.allowed_mimes) if rules.allowed_mimes is not None else None,
        exclude_staff_uploads=rules.exclude_staff_uploads,
        staff=staff,
        exclude_deleted=rules.exclude_deleted,
        exclude_reuploads=rules.exclude_reuploads,
    )


_FACT_COLUMNS = (
    Entry.width,
    Entry.height,
    Entry.mime,
    Entry.uploader,
    Entry.uploader_id,
    Entry.uploaded_at,
    Entry.latest_uploader,
    Entry.latest_uploader_id,
    Entry.latest_uploaded_at,
    Entry.deleted,
)


def _current(
    session: Session, *, round_id: int, where: Iterable[Any] = ()
) -> list[tuple[rules_.Current, int, str]]:
    """(the entry as the rules see it, entry id, title) for the round's entries."""
    query = (
        select(
            RoundEntry.id,
            RoundEntry.entry_id,
            RoundEntry.dq_code,
            RoundEntry.dq_reason,
            Entry.title,
            RoundEntry.dq_params,
            *_FACT_COLUMNS,
        )
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(RoundEntry.round_id == round_id, *where)
        .order_by(RoundEntry.id)
    )
    found = []
    for row in session.execute(query):
        facts = rules_.EntryFacts(*row[6:])
        current = rules_.Current(row[0], row[2], row[3], facts, dq_params=row[5])
        found.append((current, row[1], row[4]))
    return found


def preview(
    session: Session,
    *,
    round_: Round,
    rules: EligibilityRules | None = None,
    lookup: CommonsIdLookup | None,
    sample: int = PREVIEW_SAMPLE,
) -> EligibilityPreview:
    """What applying ``rules`` (the round's own by default) would do; changes nothing.

    Per rule: how many entries in the rules' scope fail it and the first ``sample`` of them
    (an entry failing several rules counts under each). Totals: how many eligible entries
    would be disqualified and how many rule-disqualified ones requalified.
    """
    rules = rules or round_rules(round_)
    ruleset = rule_set(session, round_=round_, rules=rules, lookup=lookup)
    current = _current(session, round_id=round_.id)
    decided = rules_.plan((c for c, _, _ in current), ruleset)
    by_id = {c.id: (c, entry_id, title) for c, entry_id, title in current}
    per_rule: dict[str, list[EntryBrief]] = {rule.code: [] for rule in rules_.RULES}
    counts: Counter[str] = Counter()
    untouched = set(decided.untouched)
    for entry, entry_id, title in current:
        if entry.id in untouched:
            continue
        for failure in rules_.failures(entry.facts, ruleset):
            counts[failure.code] += 1
            if len(per_rule[failure.code]) < sample:
                per_rule[failure.code].append(_brief(entry, entry_id, title, failure))

    def brief(round_entry_id: int, failure: rules_.Failure) -> EntryBrief:
        entry, entry_id, title = by_id[round_entry_id]
        return _brief(entry, entry_id, title, failure)

    return EligibilityPreview(
        rules=rules,
        entries=len(current),
        eligible=sum(1 for c, _, _ in current if c.dq_code is None),
        would_disqualify=len(decided.disqualify),
        would_requalify=len(decided.requalify),
        untouched=len(untouched),
        per_rule=[
            RulePreview(
                code=rule.code,
                label=rule.label,
                enabled=rule.enabled(ruleset),
                count=counts[rule.code],
                entries=per_rule[rule.code],
            )
            for rule in rules_.RULES
        ],
        disqualify=[brief(i, f) for i, f in decided.disqualify[:sample]],
        requalify=[brief(i, _stored(by_id[i][0])) for i in decided.requalify[:sample]],
    )


def _stored(entry: rules_.Current) -> rules_.Failure:
    """The rule failure an entry was disqualified for, as stored (without its facts if it
    was disqualified before they were kept)."""
    return rules_.Failure(entry.dq_code or "", entry.dq_reason or "", entry.dq_params)  # type: ignore[arg-type]


def _brief(entry: rules_.Current, entry_id: int, title: str, failure: rules_.Failure) -> EntryBrief:
    return EntryBrief(
        round_entry_id=entry.id,
        entry_id=entry_id,
        title=title,
        uploader=entry.facts.uploader,
        code=failure.code,
        reason=failure.reason,
        params=failure.params,
    )


def apply(
    session: Session,
    *,
    round_: Round,
    actor: User,
    lookup: CommonsIdLookup | None,
    rules: EligibilityRules | None = None,
) -> EligibilityResult:
    """Apply the rules (stored on the round first when given): disqualify eligible entries
    that fail one, requalify rule-disqualified ones that pass; audited as one event. On a
    running round, requalified entries get their tasks."""
    _check_open(round_)
    if rules is not None:
        round_.rules = rules.model_dump()
    rules = round_rules(round_)
    ruleset = rule_set(session, round_=round_, rules=rules, lookup=lookup)
    current = [c for c, _, _ in _current(session, round_id=round_.id)]
    decided = rules_.plan(current, ruleset)
    tasks = _store(
        session,
        round_=round_,
        decided=decided,
        actor_id=actor.id,
        lookup=lookup,
        details={"rules": rules.model_dump()},
    )
    return EligibilityResult(
        rules=rules,
        disqualified=len(decided.disqualify),
        requalified=len(decided.requalify),
        reworded=len(decided.reword),
        by_code=dict(Counter(f.code for _, f in decided.disqualify)),
        tasks_added=tasks,
    )


def apply_to_new_entries(
    session: Session,
    *,
    round_: Round,
    job_id: int,
    actor_id: int | None,
    lookup: CommonsIdLookup | None,
) -> int:
    """Check the eligible entries an import job added against the round's rules and
    disqualify those that fail (before a running round gives them tasks); returns how many."""
    rules = round_rules(round_)
    ruleset = rule_set(session, round_=round_, rules=rules, lookup=lookup)
    current = [
        c
        for c, _, _ in _current(
            session,
            round_id=round_.id,
            where=(RoundEntry.source_job_id == job_id, col(RoundEntry.dq_code).is_(None)),
        )
    ]
    decided = rules_.plan(current, ruleset)
    if decided.disqualify:
        _store(
            session,
            round_=round_,
            decided=decided,
            actor_id=actor_id,
            lookup=None,
            details={"rules": rules.model_dump(), "job_id": job_id},
        )
    return len(decided.disqualify)


def _store(
    session: Session,
    *,
    round_: Round,
    decided: rules_.Plan,
    actor_id: int | None,
    lookup: CommonsIdLookup | None,
    details: dict[str, Any],
) -> int:
    """Write a plan with bulk updates and one audit event; returns tasks added."""
    session.flush()
    now = utcnow()
    changed = [*decided.disqualify, *decided.reword]
    connection = session.connection()
    if changed:
        connection.execute(
            update(RoundEntry)
            .where(RoundEntry.id == bindparam("rid"))
            .values(
                dq_code=bindparam("c"),
                dq_reason=bindparam("r"),
                dq_params=bindparam("p", type_=JSON(none_as_null=True)),
                dq_by=actor_id,
                dq_at=now,
            ),
            [{"rid": i, "c": f.code, "r": f.reason, "p": f.params} for i, f in changed],
        )
    if decided.requalify:
        connection.execute(
            update(RoundEntry)
            .where(RoundEntry.id == bindparam("rid"))
            .values(dq_code=None, dq_reason=None, dq_params=None, dq_by=None, dq_at=None),
            [{"rid": i} for i in decided.requalify],
        )
    by_code: dict[str, list[int]] = {}
    for round_entry_id, failure in decided.disqualify:
        by_code.setdefault(failure.code, []).append(round_entry_id)
    record(
        session,
        actor_id=actor_id,
        action="eligibility.apply",
        object_type="round",
        object_id=round_.id,
        campaign_id=round_.campaign_id,
        details={
            **details,
            "disqualified": by_code,
            "requalified": decided.requalify,
            "reworded": [i for i, _ in decided.reword],
        },
    )
    # Round entries loaded earlier must not hide the bulk changes.
    for obj in list(session.identity_map.values()):
        if isinstance(obj, RoundEntry):
            session.expire(obj)
    session.flush()
    if decided.requalify and round_.status in RUNNING:
        return add_entries_to_running_round(session, round_=round_, lookup=lookup)
    return 0


# --- listing -------------------------------------------------------------------------


def list_entries(
    session: Session,
    *,
    round_: Round,
    status: str | None = None,
    reason: str | None = None,
    uploader: str | None = None,
    marked: str | None = None,
    offset: int = 0,
    limit: int = 100,
) -> RoundEntryPage:
    """The round's entries in import order, filtered: ``status`` eligible|disqualified,
    ``reason`` a disqualification code, ``uploader`` a Commons user name, ``marked``
    deleted|reuploaded (what a refresh found)."""
    query: Select[Any] = (
        select(RoundEntry, Entry)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(RoundEntry.round_id == round_.id)
    )
    if status == "eligible":
        query = query.where(col(RoundEntry.dq_code).is_(None))
    elif status == "disqualified":
        query = query.where(col(RoundEntry.dq_code).is_not(None))
    if reason:
        query = query.where(RoundEntry.dq_code == reason)
    if uploader:
        name = " ".join(uploader.replace("_", " ").split())
        query = query.where(Entry.uploader == name[:1].upper() + name[1:])
    if marked == "deleted":
        query = query.where(Entry.deleted)
    elif marked == "reuploaded":
        query = query.where(
            col(Entry.latest_uploader_id).is_not(None),
            or_(
                col(Entry.uploader_id).is_(None),
                Entry.latest_uploader_id != Entry.uploader_id,
            ),
        )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(query.order_by(RoundEntry.id).offset(offset).limit(limit)).all()
    return RoundEntryPage(
        total=total,
        offset=offset,
        limit=limit,
        items=[_public(round_entry_, entry) for round_entry_, entry in rows],
    )


def entry_public(session: Session, *, round_entry_id: int) -> RoundEntryPublic:
    row = session.execute(
        select(RoundEntry, Entry)
        .join(Entry, col(Entry.id) == RoundEntry.entry_id)
        .where(RoundEntry.id == round_entry_id)
    ).one()
    return _public(row[0], row[1])


def _public(round_entry_: RoundEntry, entry: Entry) -> RoundEntryPublic:
    reuploaded = entry.latest_uploader_id is not None and (
        entry.latest_uploader_id != entry.uploader_id
    )
    return RoundEntryPublic(
        id=round_entry_.id,
        entry_id=entry.id,
        page_id=entry.page_id,
        title=entry.title,
        url=entry.url,
        description_url=entry.description_url,
        thumb_url=_thumb(entry),
        width=entry.width,
        height=entry.height,
        size=entry.size,
        mime=entry.mime,
        uploader=entry.uploader,
        uploader_id=entry.uploader_id,
        uploaded_at=entry.uploaded_at,
        latest_uploader=entry.latest_uploader,
        latest_uploader_id=entry.latest_uploader_id,
        latest_uploaded_at=entry.latest_uploaded_at,
        license=entry.license,
        artist=entry.artist,
        deleted=entry.deleted,
        reuploaded=reuploaded,
        refreshed_at=entry.refreshed_at,
        source=round_entry_.source,
        source_job_id=round_entry_.source_job_id,
        dq_code=round_entry_.dq_code,
        dq_reason=round_entry_.dq_reason,
        dq_params=round_entry_.dq_params,
        dq_by=round_entry_.dq_by,
        dq_at=round_entry_.dq_at,
        created_at=round_entry_.created_at,
    )


def _thumb(entry: Entry) -> str | None:
    if not entry.url:
        return None
    try:
        return thumb_url(entry.url, THUMB_WIDTH, original_width=entry.width or None)
    except ValueError:
        return None
