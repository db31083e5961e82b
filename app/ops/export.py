"""The exports of the web UI, from the command line: a round's CSVs and a campaign's gallery
and ceremony PDF, for organizers who script their contest or have no browser at hand.

Unlike the public routes, nothing here waits for the embargo: whoever runs `loupe` holds the
database already.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import httpx
from sqlalchemy import select
from sqlmodel import Session

from app.core.errors import NotFound
from app.models import Campaign
from app.publishing import service as publishing
from app.results import exports
from app.rounds import service as rounds

RoundExport = Literal["results", "votes", "entries"]


@dataclass(frozen=True)
class Output:
    filename: str
    chunks: Iterator[str] | Iterator[bytes]


def round_csv(
    session: Session, *, round_id: int, kind: RoundExport, pseudonymize: bool = True
) -> Output:
    round_ = rounds.get(session, round_id=round_id)
    if kind == "results":
        export = exports.results_csv(session, round_=round_)
    elif kind == "votes":
        export = exports.votes_csv(session, round_=round_, pseudonymize=pseudonymize)
    else:
        export = exports.entries_csv(session, round_=round_)
    return Output(export.filename, export.chunks)


def _campaign(session: Session, slug: str) -> Campaign:
    campaign = session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise NotFound(f"There is no campaign {slug!r}.")
    return campaign


def gallery(session: Session, *, slug: str, commons_api_url: str) -> Output:
    campaign = _campaign(session, slug)
    awards = publishing.awards_of(session, campaign=campaign, commons_api_url=commons_api_url)
    text = publishing.wikitext_gallery(awards, campaign_name=campaign.name)
    return Output(f"{campaign.slug}-gallery.wiki", iter([text]))


def ceremony_pdf(
    session: Session,
    *,
    slug: str,
    commons_api_url: str,
    user_agent: str,
    transport: httpx.BaseTransport | None = None,
) -> Output:
    campaign = _campaign(session, slug)
    page = publishing.results_page(session, campaign=campaign, commons_api_url=commons_api_url)
    with publishing.image_fetcher(
        commons_api_url=commons_api_url, user_agent=user_agent, transport=transport
    ) as fetch:
        data = publishing.ceremony_pdf(page, fetch=fetch)
    return Output(f"{campaign.slug}-ceremony.pdf", iter([data]))
