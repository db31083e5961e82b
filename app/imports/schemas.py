from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints
from sqlmodel import SQLModel

from app.jobs.schemas import JobPublic

# Larger lists go in several imports (see app.imports.service.MAX_ROWS).
MAX_TITLES = 100_000
MAX_CATEGORIES = 50
MAX_DEPTH = 5

CategoryName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)
]
Title = Annotated[str, StringConstraints(max_length=1000)]


class CategoryImport(SQLModel):
    """Files in one or more categories, and in their subcategories down to ``depth``."""

    source: Literal["category"]
    categories: list[CategoryName] = Field(min_length=1, max_length=MAX_CATEGORIES)
    depth: int = Field(default=0, ge=0, le=MAX_DEPTH)


class TitlesImport(SQLModel):
    """A pasted list: file names, ``File:`` titles or Commons URLs, one per item."""

    source: Literal["titles"]
    titles: list[Title] = Field(min_length=1, max_length=MAX_TITLES)


class PreviousRoundImport(SQLModel):
    """The entries that advanced from the campaign's previous (finalized) round."""

    source: Literal["previous_round"]


ImportRequest = Annotated[
    CategoryImport | TitlesImport | PreviousRoundImport, Field(discriminator="source")
]


class ImportJobPublic(JobPublic):
    """A job with what it was asked to do (round, source and its settings)."""

    payload: dict[str, Any]
