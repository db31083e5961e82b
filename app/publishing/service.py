"""Awards, finalizing and publishing a campaign, and what the public may see.

Nothing of a campaign's results is public before its ``publish_at`` (the embargo): the
public functions answer exactly as for a campaign that does not exist.
"""

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from urllib.parse import quote, unquote, urlsplit

import httpx
from sqlalchemy import delete, func, select
from sqlmodel import Session, col

from app.audit.service import campaign_event
from app.commons.thumbs import srcset, thumb_url
from app.commons.urls import site_bases
from app.core.errors import Conflict, InvalidInput, NotFound
from app.models import (
    Award,
    AwardKind,
    Campaign,
    CampaignStatus,
    Entry,
    Round,
    RoundEntry,
    RoundJuror,
    RoundStatus,
    User,
    Vote,
    utcnow,
)
from app.publishing import pdf
from app.publishing.schemas import (
    Attribution,
    AwardIn,
    AwardPublic,
    PublicCampaign,
    PublicCampaignBrief,
    RoundReport,
    WinnerEntry,
)

log = logging.getLogger(__name__)

THUMB_WIDTH = 960
# A standard Commons width that fills the PDF's photo box at 150 dpi well enough.
PRINT_WIDTH = 1280
MAX_IMAGE_BYTES = 20_000_000
# From a phone's card to a projector at 4K.
SRCSET_WIDTHS = (330, 500, 960, 1280, 1920, 3840)


def final_round(session: Session, *, campaign: Campaign) -> Round | None:
    """The campaign's last finalized round, whose entries awards are chosen from."""
    return session.scalar(
        select(Round)
        .where(Round.campaign_id == campaign.id, Round.status == RoundStatus.finalized)
        .order_by(col(Round.ordinal).desc())
        .limit(1)
    )


def set_awards(
    session: Session, *, campaign: Campaign, awards: list[AwardIn], actor: User
) -> list[Award]:
    """Replace the campaign's awards; every award goes to an entry of the final round."""
    if campaign.status == CampaignStatus.published:
        raise Conflict("The campaign is published; unpublish it before changing its awards.")
    last = final_round(session, campaign=campaign)
    if last is None:
        raise Conflict("Finalize the campaign's last round before choosing its awards.")
    names = Counter(a.name for a in awards)
    places = Counter(a.place for a in awards if a.place is not None)
    if repeated := [n for n, k in names.items() if k > 1]:
        raise InvalidInput(f"Award names must differ: {', '.join(repeated)} appears twice.")
    if repeated_places := sorted(p for p, k in places.items() if k > 1):
        raise InvalidInput(f"Place {repeated_places[0]} is given twice.")
    wanted = {a.round_entry_id for a in awards}
    rows = session.execute(
        select(RoundEntry.id, RoundEntry.entry_id).where(
            col(RoundEntry.id).in_(wanted),
            RoundEntry.round_id == last.id,
            col(RoundEntry.dq_code).is_(None),
        )
    ).all()
    entry_of = dict(rows)
    if missing := sorted(wanted - set(entry_of)):
        raise InvalidInput(
            f"Entry {missing[0]} is not an eligible entry of the final round ({last.name})."
        )
    session.execute(delete(Award).where(Award.campaign_id == campaign.id))
    created = [
        Award(
            campaign_id=campaign.id,
            kind=a.kind,
            place=a.place,
            name=a.name,
            entry_id=entry_of[a.round_entry_id],
            sort_order=i,
        )
        for i, a in enumerate(awards)
    ]
    session.add_all(created)
    campaign_event(
        session,
        campaign,
        actor,
        "awards_set",
        awards=[a.model_dump() for a in awards],
        round_id=last.id,
    )
    session.flush()
    return created


def finalize(session: Session, *, campaign: Campaign, actor: User) -> Campaign:
    """Close judging: no round may still run, and at least one must be finalized."""
    if campaign.status not in (CampaignStatus.draft, CampaignStatus.judging):
        raise Conflict(f"The campaign is already {campaign.status}.")
    running = session.scalar(
        select(func.count())
        .select_from(Round)
        .where(
            Round.campaign_id == campaign.id,
            col(Round.status).in_([RoundStatus.active, RoundStatus.paused]),
        )
    )
    if running:
        raise Conflict("A round is still running; finalize or cancel it first.")
    if final_round(session, campaign=campaign) is None:
        raise Conflict("The campaign has no finalized round yet.")
    campaign.status = CampaignStatus.finalized
    campaign.updated_at = utcnow()
    campaign_event(session, campaign, actor, "finalize")
    session.flush()
    return campaign


def publish(
    session: Session, *, campaign: Campaign, publish_at: datetime | None, actor: User
) -> Campaign:
    """Make the results public at ``publish_at`` (now by default), never before."""
    if campaign.status not in (CampaignStatus.finalized, CampaignStatus.published):
        raise Conflict("Finalize the campaign before publishing it.")
    if publish_at is not None and publish_at.tzinfo is None:
        raise InvalidInput("publish_at needs a time zone (UTC, e.g. 2026-12-01T18:00:00Z)")
    has_awards = session.scalar(
        select(func.count()).select_from(Award).where(Award.campaign_id == campaign.id)
    )
    if not has_awards:
        raise Conflict("Choose the awards before publishing.")
    campaign.status = CampaignStatus.published
    campaign.publish_at = publish_at or utcnow()
    campaign.updated_at = utcnow()
    campaign_event(session, campaign, actor, "publish", publish_at=campaign.publish_at.isoformat())
    session.flush()
    return campaign


def unpublish(session: Session, *, campaign: Campaign, actor: User) -> Campaign:
    if campaign.status != CampaignStatus.published:
        raise Conflict("The campaign is not published.")
    campaign.status = CampaignStatus.finalized
    campaign.publish_at = None
    campaign.updated_at = utcnow()
    campaign_event(session, campaign, actor, "unpublish")
    session.flush()
    return campaign


# --- what everyone may see ------------------------------------------------------------


def _is_public(campaign: Campaign | None, now: datetime) -> bool:
    return (
        campaign is not None
        and campaign.status == CampaignStatus.published
        and campaign.publish_at is not None
        and campaign.publish_at <= now
    )


def attribution(entry: Entry, *, commons_api_url: str) -> Attribution:
    author = entry.artist or entry.uploader
    _, wiki = site_bases(commons_api_url)
    author_url = (
        f"{wiki}/wiki/User:{quote(entry.uploader.replace(' ', '_'))}" if entry.uploader else None
    )
    license_name = entry.license or "licence not yet known"
    return Attribution(
        author=author,
        author_url=author_url,
        license=license_name,
        file_url=entry.description_url,
        text=f"{author}, {license_name}, via Wikimedia Commons",
    )


def _winner(entry: Entry, *, commons_api_url: str) -> WinnerEntry:
    try:
        thumb = thumb_url(entry.url, THUMB_WIDTH, original_width=entry.width or None)
        candidates = srcset(entry.url, SRCSET_WIDTHS, original_width=entry.width or None)
    except ValueError:
        thumb, candidates = entry.url, ""
    return WinnerEntry(
        entry_id=entry.id,
        page_id=entry.page_id,
        title=entry.title,
        width=entry.width,
        height=entry.height,
        url=entry.url,
        thumb_url=thumb,
        srcset=candidates,
        description_url=entry.description_url,
        attribution=attribution(entry, commons_api_url=commons_api_url),
    )


def awards_of(session: Session, *, campaign: Campaign, commons_api_url: str) -> list[AwardPublic]:
    rows = session.execute(
        select(Award, Entry)
        .outerjoin(Entry, col(Entry.id) == Award.entry_id)
        .where(Award.campaign_id == campaign.id)
        .order_by(Award.kind == AwardKind.special, Award.place, Award.sort_order)
    ).all()
    last = final_round(session, campaign=campaign)
    round_entry_of: dict[int, int] = {}
    if last is not None:
        round_entry_of = dict(
            session.execute(
                select(RoundEntry.entry_id, RoundEntry.id).where(RoundEntry.round_id == last.id)
            ).all()
        )
    return [
        AwardPublic(
            id=award.id,
            name=award.name,
            kind=award.kind,
            place=award.place,
            round_entry_id=round_entry_of.get(award.entry_id) if award.entry_id else None,
            entry=_winner(entry, commons_api_url=commons_api_url) if entry else None,
        )
        for award, entry in rows
    ]


def transparency(session: Session, *, campaign: Campaign) -> list[RoundReport]:
    """Rounds with dates, counts and the rule used to advance; never who voted what."""
    rounds = session.scalars(
        select(Round)
        .where(Round.campaign_id == campaign.id, Round.status != RoundStatus.cancelled)
        .order_by(Round.ordinal)
    ).all()
    reports = []
    for round_ in rounds:
        by_code = dict(
            session.execute(
                select(RoundEntry.dq_code, func.count())
                .where(RoundEntry.round_id == round_.id)
                .group_by(RoundEntry.dq_code)
            ).all()
        )
        eligible = by_code.pop(None, 0)
        jurors = session.scalar(
            select(func.count()).select_from(RoundJuror).where(RoundJuror.round_id == round_.id)
        )
        votes = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.round_id == round_.id)
        )
        reports.append(
            RoundReport(
                ordinal=round_.ordinal,
                name=round_.name,
                vote_method=round_.vote_method,
                quorum=round_.quorum,
                status=round_.status,
                activated_at=round_.activated_at,
                finalized_at=round_.finalized_at,
                entries=eligible + sum(by_code.values()),
                eligible=eligible,
                jurors=jurors or 0,
                votes=votes or 0,
                disqualified=by_code,
                advancing_rule=round_.outcome.get("advance"),
            )
        )
    return reports


def published(session: Session, *, now: datetime) -> list[PublicCampaignBrief]:
    campaigns = session.scalars(
        select(Campaign)
        .where(Campaign.status == CampaignStatus.published, col(Campaign.publish_at) <= now)
        .order_by(col(Campaign.publish_at).desc())
    ).all()
    return [
        PublicCampaignBrief(slug=c.slug, name=c.name, published_at=c.publish_at) for c in campaigns
    ]


def public_campaign(
    session: Session, *, slug: str, now: datetime, commons_api_url: str
) -> PublicCampaign:
    return results_page(
        session,
        campaign=public_campaign_named(session, slug=slug, now=now),
        commons_api_url=commons_api_url,
    )


def public_campaign_named(session: Session, *, slug: str, now: datetime) -> Campaign:
    """The campaign called ``slug`` if its results are public at ``now``."""
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if not _is_public(campaign, now):
        # The same answer as for a campaign that does not exist: nothing leaks early.
        raise NotFound(f"No published results for {slug!r}.")
    assert campaign is not None
    return campaign


def results_page(session: Session, *, campaign: Campaign, commons_api_url: str) -> PublicCampaign:
    """What the public page shows; coordinators see it before publication to rehearse."""
    return PublicCampaign(
        slug=campaign.slug,
        name=campaign.name,
        description=campaign.description,
        opens_at=campaign.opens_at,
        closes_at=campaign.closes_at,
        published_at=campaign.publish_at,
        awards=awards_of(session, campaign=campaign, commons_api_url=commons_api_url),
        rounds=transparency(session, campaign=campaign),
    )


def ceremony_order(awards: list[AwardPublic]) -> list[AwardPublic]:
    """The order a ceremony reveals awards in: special prizes, then places from last to first."""
    specials = [a for a in awards if a.place is None]
    places = sorted((a for a in awards if a.place is not None), key=lambda a: -(a.place or 0))
    return specials + places


# Characters that start wiki markup (links, templates, tables, tags, bold, signatures), as
# entities: names and credits come from Commons uploaders and are pasted as text.
_WIKI_ENTITIES = str.maketrans({c: f"&#{ord(c)};" for c in "[]{}|<>'~&="})


def wiki_plain(text: str) -> str:
    """``text`` as literal wikitext on one line: no markup of the reader's survives."""
    return " ".join(text.split()).translate(_WIKI_ENTITIES)


def wikitext_gallery(awards: list[AwardPublic], *, campaign_name: str) -> str:
    """A gallery of the winners to paste on a Commons page, with attribution in captions."""
    lines = [
        f"== {wiki_plain(campaign_name)}: winners ==",
        '<gallery mode="packed" heights="240px">',
    ]
    for award in awards:
        if award.entry is None:
            continue
        credit = award.entry.attribution
        author = wiki_plain(credit.author)
        user = credit.author_url.rsplit("/wiki/", 1)[1] if credit.author_url else None
        who = f"[[{unquote(user).replace('_', ' ')}|{author}]]" if user else author
        caption = f"{wiki_plain(award.name)}: {who} ({wiki_plain(credit.license)})"
        lines.append(f"{award.entry.title}|{caption}")
    lines.append("</gallery>")
    return "\n".join(lines) + "\n"


# --- the printable ceremony ----------------------------------------------------------

Fetch = Callable[[str], bytes | None]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


@contextmanager
def image_fetcher(
    *, commons_api_url: str, user_agent: str, transport: httpx.BaseTransport | None = None
) -> Iterator[Fetch]:
    """A function giving a photo's bytes, or None when it cannot be had.

    Only files on the configured Commons' upload host are fetched: the PDF is public, and
    must not make the server fetch anything else.
    """
    upload, _ = site_bases(commons_api_url)
    allowed = _origin(upload)
    with httpx.Client(
        headers={"User-Agent": user_agent}, timeout=15.0, transport=transport
    ) as http:

        def fetch(url: str) -> bytes | None:
            if _origin(url) != allowed:
                return None
            try:
                with http.stream("GET", url) as response:
                    if response.status_code != 200:
                        log.warning("ceremony PDF: %s answered %s", url, response.status_code)
                        return None
                    data = bytearray()
                    for chunk in response.iter_bytes():
                        data += chunk
                        if len(data) > MAX_IMAGE_BYTES:
                            return None
                    return bytes(data)
            except httpx.HTTPError as exc:
                log.warning("ceremony PDF: could not fetch %s: %s", url, exc)
                return None

        yield fetch


def _print_url(award: AwardPublic) -> str:
    assert award.entry is not None
    try:
        return thumb_url(award.entry.url, PRINT_WIDTH, original_width=award.entry.width or None)
    except ValueError:
        return award.entry.thumb_url


def ceremony_pdf(page: PublicCampaign, *, fetch: Fetch) -> bytes:
    """One page per award with its photo, in the order the ceremony reveals them."""
    awards = [a for a in ceremony_order(page.awards) if a.entry is not None]
    if not awards:
        raise Conflict("The campaign has no awards to print yet.")
    return pdf.render(
        title=f"{page.name}: awards",
        pages=[
            pdf.Page(
                text=pdf.page_text(award, campaign_name=page.name),
                image=fetch(_print_url(award)),
            )
            for award in awards
        ],
    )
