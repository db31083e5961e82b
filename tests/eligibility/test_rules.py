"""The eligibility rules as pure functions, table-driven."""

from datetime import UTC, datetime

import pytest

from app.eligibility.rules import (
    Current,
    EntryFacts,
    Failure,
    RuleSet,
    failures,
    mime_allowed,
    plan,
    verdict,
)

OPENS = datetime(2026, 9, 1, tzinfo=UTC)
CLOSES = datetime(2026, 10, 1, tzinfo=UTC)
INSIDE = datetime(2026, 9, 15, 12, 0, tzinfo=UTC)


def facts(**fields) -> EntryFacts:
    defaults = {
        "width": 4000,
        "height": 3000,
        "mime": "image/jpeg",
        "uploader": "Ama",
        "uploader_id": 11,
        "uploaded_at": INSIDE,
        "latest_uploader": "Ama",
        "latest_uploader_id": 11,
        "latest_uploaded_at": INSIDE,
    }
    return EntryFacts(**{**defaults, **fields})


ALL_ON = RuleSet(
    opens_at=OPENS,
    closes_at=CLOSES,
    window=True,
    min_megapixels=2,
    allowed_mimes=("image/jpeg", "image/png"),
    exclude_staff_uploads=True,
    staff={7: "juror", 8: "coordinator", 9: "organizer"},
    exclude_deleted=True,
    exclude_reuploads=True,
)


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        (facts(), None),
        # window: the first upload decides, both ends included
        (facts(uploaded_at=OPENS), None),
        (facts(uploaded_at=CLOSES), None),
        (
            facts(uploaded_at=datetime(2026, 8, 31, 23, 59, tzinfo=UTC)),
            Failure(
                "window",
                "First uploaded 2026-08-31 23:59 UTC, before the campaign opened "
                "(2026-09-01 00:00 UTC)",
                {
                    "uploaded_at": "2026-08-31T23:59:00+00:00",
                    "opens_at": "2026-09-01T00:00:00+00:00",
                },
            ),
        ),
        (
            facts(uploaded_at=datetime(2026, 10, 1, 0, 1, tzinfo=UTC)),
            Failure(
                "window",
                "First uploaded 2026-10-01 00:01 UTC, after the campaign closed "
                "(2026-10-01 00:00 UTC)",
                {
                    "uploaded_at": "2026-10-01T00:01:00+00:00",
                    "closes_at": "2026-10-01T00:00:00+00:00",
                },
            ),
        ),
        (facts(uploaded_at=None), None),
        # resolution
        (facts(width=2000, height=1000), None),
        (
            facts(width=1600, height=1200),
            Failure(
                "resolution",
                "1.92 megapixels (1600 x 1200), below the minimum of 2 megapixels",
                {"megapixels": 1.92, "width": 1600, "height": 1200, "minimum": 2},
            ),
        ),
        (facts(width=0, height=0), None),
        # file type
        (facts(mime="image/png"), None),
        (facts(mime="IMAGE/JPEG"), None),
        (
            facts(mime="image/tiff"),
            Failure(
                "file_type",
                "File type image/tiff is not allowed (allowed: image/jpeg, image/png)",
                {"mime": "image/tiff", "allowed": ["image/jpeg", "image/png"]},
            ),
        ),
        (facts(mime=""), None),
        # uploads by staff, by Commons id only
        (facts(uploader="Juror Name", uploader_id=12), None),
        (
            facts(uploader="Someone", uploader_id=7),
            Failure(
                "staff_upload",
                "Uploaded by Someone, a juror of this round",
                {"uploader": "Someone", "role": "juror"},
            ),
        ),
        (
            facts(uploader="", uploader_id=8),
            Failure(
                "staff_upload",
                "Uploaded by user #8, a coordinator of this campaign",
                {"uploader": "user #8", "role": "coordinator"},
            ),
        ),
        (
            facts(uploader_id=9),
            Failure(
                "staff_upload",
                "Uploaded by Ama, the organizer of this campaign",
                {"uploader": "Ama", "role": "organizer"},
            ),
        ),
        (facts(uploader_id=None), None),
        # deleted
        (facts(deleted=True), Failure("deleted", "Deleted from Commons")),
        # re-uploads: by someone else, after the window
        (
            facts(
                latest_uploader="Kofi",
                latest_uploader_id=12,
                latest_uploaded_at=datetime(2026, 10, 5, 8, 0, tzinfo=UTC),
            ),
            Failure(
                "reupload",
                "Re-uploaded by Kofi on 2026-10-05 08:00 UTC, after the campaign closed "
                "(2026-10-01 00:00 UTC)",
                {
                    "uploader": "Kofi",
                    "uploaded_at": "2026-10-05T08:00:00+00:00",
                    "closes_at": "2026-10-01T00:00:00+00:00",
                },
            ),
        ),
        (facts(latest_uploader_id=12, latest_uploaded_at=INSIDE), None),
        (facts(latest_uploaded_at=datetime(2026, 10, 5, tzinfo=UTC)), None),
        (facts(latest_uploader_id=None, latest_uploaded_at=None), None),
    ],
)
def test_each_rule_gives_a_readable_reason(entry: EntryFacts, expected: Failure | None):
    assert verdict(entry, ALL_ON) == expected


@pytest.mark.parametrize(
    ("rules", "entry"),
    [
        (
            RuleSet(opens_at=OPENS, closes_at=CLOSES, window=False),
            facts(uploaded_at=OPENS.replace(year=2020)),
        ),
        (RuleSet(window=True), facts(uploaded_at=OPENS.replace(year=2020))),
        (RuleSet(min_megapixels=None), facts(width=10, height=10)),
        (RuleSet(allowed_mimes=None), facts(mime="video/webm")),
        (RuleSet(staff={11: "juror"}, exclude_staff_uploads=False), facts()),
        (RuleSet(exclude_deleted=False), facts(deleted=True)),
        (
            RuleSet(closes_at=CLOSES, exclude_reuploads=False),
            facts(latest_uploader_id=12, latest_uploaded_at=datetime(2026, 12, 1, tzinfo=UTC)),
        ),
        (
            RuleSet(exclude_reuploads=True),
            facts(latest_uploader_id=12, latest_uploaded_at=datetime(2026, 12, 1, tzinfo=UTC)),
        ),
    ],
)
def test_a_rule_that_is_off_or_lacks_its_settings_never_fires(rules: RuleSet, entry: EntryFacts):
    assert verdict(entry, rules) is None


def test_an_entry_failing_several_rules_is_disqualified_under_the_first_and_all_are_listed():
    entry = facts(width=100, height=100, mime="image/gif", deleted=True)
    assert [f.code for f in failures(entry, ALL_ON)] == ["resolution", "file_type", "deleted"]
    assert verdict(entry, ALL_ON).code == "resolution"


@pytest.mark.parametrize(
    ("mime", "allowed", "expected"),
    [
        ("image/jpeg", ["image/jpeg"], True),
        ("image/webp", ["image/*"], True),
        ("video/webm", ["image/*"], False),
        ("image/jpeg", [], False),
        ("image/jpeg", [" Image/JPEG "], True),
    ],
)
def test_mime_patterns(mime: str, allowed: list[str], expected: bool):
    assert mime_allowed(mime, allowed) is expected


TOO_SMALL = facts(width=100, height=100)


@pytest.mark.parametrize(
    ("current", "disqualify", "requalify", "reword", "untouched"),
    [
        (Current(1, None, None, facts()), [], [], [], []),
        (Current(1, None, None, TOO_SMALL), ["resolution"], [], [], []),
        (Current(1, "resolution", "old words", facts()), [], [1], [], []),
        (Current(1, "window", "too early", TOO_SMALL), [], [], ["resolution"], []),
        (
            Current(
                1,
                "resolution",
                verdict(TOO_SMALL, ALL_ON).reason,
                TOO_SMALL,
                dq_params=verdict(TOO_SMALL, ALL_ON).params,
            ),
            [],
            [],
            [],
            [],
        ),
        # The same reason, stored before its facts were kept: reworded to gain them.
        (
            Current(1, "resolution", verdict(TOO_SMALL, ALL_ON).reason, TOO_SMALL),
            [],
            [],
            ["resolution"],
            [],
        ),
        (Current(1, "manual", "not a monument", facts()), [], [], [], [1]),
        (Current(1, "flag", "copyright", TOO_SMALL), [], [], [], [1]),
    ],
)
def test_the_plan_only_ever_touches_rule_disqualifications(
    current: Current, disqualify, requalify, reword, untouched
):
    decided = plan([current], ALL_ON)
    assert [f.code for _, f in decided.disqualify] == disqualify
    assert decided.requalify == requalify
    assert [f.code for _, f in decided.reword] == reword
    assert decided.untouched == untouched
