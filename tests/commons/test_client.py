"""The Commons client against the double over real HTTP."""

import socket
from datetime import UTC, datetime

import httpx
import pytest

from app.commons.client import (
    CommonsApiError,
    CommonsClient,
    CommonsError,
    CommonsUnavailable,
    PlanCursor,
)
from app.commons.double import CommonsStore
from app.core.errors import InvalidInput, NotFound, UpstreamError


def fill(store: CommonsStore, category: str, count: int, prefix: str = "Photo") -> list[str]:
    store.add_category(category)
    titles = []
    for n in range(count):
        file = store.add_file(
            f"{prefix} {n:03d}.jpg", uploader="Ivan Example", categories=[category]
        )
        titles.append(file.title)
    return titles


def api_requests(store: CommonsStore) -> list[dict[str, str]]:
    return [r.params for r in store.requests]


# Category walks and continuation


def test_category_walk_yields_every_file_once_in_generator_batches(store, make_client):
    titles = fill(store, "WLM", 7)
    client = make_client(batch_size=3)

    batches = list(client.iter_category(category="WLM"))

    assert [len(b.files) for b in batches] == [3, 3, 1]
    assert sorted(f.title for b in batches for f in b.files) == titles
    assert [b.next_continue is None for b in batches] == [False, False, True]
    assert all(b.category == "Category:WLM" for b in batches)


def test_imageinfo_continuation_inside_a_batch_is_merged_before_the_batch_is_yielded(
    store, make_client
):
    titles = fill(store, "WLM", 5)
    # The history of Photo 001 is split across responses when the budget runs out.
    store.reupload("Photo 001.jpg", uploader="Other", timestamp="2024-10-01T00:00:00Z")
    store.reupload("Photo 001.jpg", uploader="Third", timestamp="2024-10-02T00:00:00Z")
    store.imageinfo_budget = 2
    client = make_client(batch_size=5)

    batches = list(client.iter_category(category="WLM"))

    assert len(batches) == 1
    files = {f.title: f for f in batches[0].files}
    assert sorted(files) == titles
    reuploaded = files["File:Photo 001.jpg"]
    assert reuploaded.version_count == 3
    assert reuploaded.first_upload.user == "Ivan Example"
    assert reuploaded.latest_upload.user == "Third"
    iicontinues = [p for p in api_requests(store) if "iicontinue" in p]
    assert len(iicontinues) >= 3
    # Continuation went into the original request, never carrying a stale token along.
    assert all("gcmcontinue" not in p for p in iicontinues)


def test_imageinfo_continuation_in_later_batches_keeps_the_batch(store, make_client):
    titles = fill(store, "WLM", 12)
    store.imageinfo_budget = 2
    client = make_client(batch_size=5)

    batches = list(client.iter_category(category="WLM"))

    assert [len(b.files) for b in batches] == [5, 5, 2]
    assert sorted(f.title for b in batches for f in b.files) == titles


def test_fifty_thumbnail_cap_is_followed_until_every_file_has_its_thumbnail(store, make_client):
    titles = fill(store, "WLM", 120)
    client = make_client(thumb_width=500)

    [batch] = list(client.iter_category(category="WLM"))

    assert sorted(f.title for f in batch.files) == titles
    assert all(f.thumb_url and "/500px-" in f.thumb_url for f in batch.files)
    # One categoryinfo check, then 50 + 50 + 20 thumbnails.
    assert len(store.requests) == 4


def test_resuming_from_a_batch_token_yields_exactly_the_rest(store, make_client):
    titles = fill(store, "WLM", 10)
    first_run = make_client(batch_size=4).iter_category(category="WLM")
    done = next(first_run)
    first_run.close()  # the import "crashed" after committing its first batch

    rest = list(
        make_client(batch_size=4).iter_category(category="WLM", continue_token=done.next_continue)
    )

    seen = [f.title for f in done.files] + [f.title for b in rest for f in b.files]
    assert sorted(seen) == titles
    assert len(seen) == len(set(seen))


def test_resume_tokens_are_json_values(store, make_client):
    fill(store, "WLM", 3)
    [batch, _] = list(make_client(batch_size=2).iter_category(category="WLM"))
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in batch.next_continue.items())


def test_a_malformed_resume_token_is_invalid_input(client, store):
    fill(store, "WLM", 1)
    with pytest.raises(InvalidInput):
        list(client.iter_category(category="WLM", continue_token={"gcmcontinue": 5}))


def test_empty_category_gives_one_batch_with_no_files(store, client):
    store.add_category("Empty")
    batches = list(client.iter_category(category="Empty"))
    assert [(b.files, b.next_continue) for b in batches] == [((), None)]


def test_category_with_members_but_no_page_is_walked(store, client):
    store.add_file("A.jpg", categories=["Pageless"])
    [batch] = list(client.iter_category(category="Pageless"))
    assert [f.title for f in batch.files] == ["File:A.jpg"]


def test_nonexistent_category_is_not_found(store, client):
    with pytest.raises(NotFound, match="Nothing here"):
        list(client.iter_category(category="Nothing here"))


def test_invalid_category_name_is_invalid_input(store, client):
    with pytest.raises(InvalidInput):
        list(client.iter_category(category="Bad<name"))


def test_category_names_are_accepted_with_or_without_prefix_and_underscores(store, client):
    fill(store, "Images from WLM 2024", 2)
    for name in ("Images_from_WLM_2024", "Category:Images from WLM 2024", "images from WLM 2024"):
        assert sum(len(b.files) for b in client.iter_category(category=name)) == 2


# Subcategories


@pytest.fixture
def tree(store: CommonsStore) -> CommonsStore:
    # A → B → C → D, with a cycle B → A, and A → E.
    store.add_category("A", subcats=["B", "E"])
    store.add_category("B", subcats=["C", "A"])
    store.add_category("C", subcats=["D"])
    store.add_category("D")
    store.add_category("E", subcats=["B"])
    for name in "ABCDE":
        store.add_file(f"{name} photo.jpg", categories=[name])
    store.add_file("Shared.jpg", categories=["B", "C"])
    return store


@pytest.mark.parametrize(
    ("depth", "plan"),
    [
        (0, ["Category:A"]),
        (1, ["Category:A", "Category:B", "Category:E"]),
        (2, ["Category:A", "Category:B", "Category:E", "Category:C"]),
        (10, ["Category:A", "Category:B", "Category:E", "Category:C", "Category:D"]),
    ],
)
def test_category_tree_is_breadth_first_depth_limited_and_survives_cycles(
    tree, client, depth, plan
):
    assert client.category_tree(categories=["A"], depth=depth) == plan


def test_several_roots_share_one_plan_without_repeats(tree, client):
    assert client.category_tree(categories=["C", "A", "C"], depth=1) == [
        "Category:C",
        "Category:A",
        "Category:D",
        "Category:B",
        "Category:E",
    ]


def test_a_tree_above_the_category_cap_is_refused(tree, make_client):
    with pytest.raises(InvalidInput, match="more than 3"):
        make_client(max_categories=3).category_tree(categories=["A"], depth=5)


def test_a_missing_root_is_not_found(tree, client):
    with pytest.raises(NotFound):
        client.category_tree(categories=["A", "Zzz"], depth=1)


def test_walking_a_plan_covers_every_file_and_ends_with_no_cursor(tree, make_client):
    client = make_client(batch_size=1)
    plan = client.category_tree(categories=["A"], depth=10)

    results = list(client.iter_categories(categories=plan))

    titles = [f.title for batch, _ in results for f in batch.files]
    expected = [f"File:{c} photo.jpg" for c in "ABCDE"]
    assert sorted(set(titles)) == sorted([*expected, "File:Shared.jpg"])
    # Shared.jpg is in B and C: it comes once per category, deduplication is the caller's.
    assert titles.count("File:Shared.jpg") == 2
    assert results[-1][1] is None
    assert all(cursor is not None for _, cursor in results[:-1])


def test_resuming_a_plan_from_any_cursor_yields_exactly_the_rest(tree, make_client):
    plan = make_client().category_tree(categories=["A"], depth=10)
    full = [
        (batch.category, tuple(f.title for f in batch.files))
        for batch, _ in make_client(batch_size=1).iter_categories(categories=plan)
    ]
    cursors = [c for _, c in make_client(batch_size=1).iter_categories(categories=plan)]

    for n, cursor in enumerate(cursors[:-1]):
        stored = PlanCursor.from_json(cursor.to_json())
        rest = [
            (batch.category, tuple(f.title for f in batch.files))
            for batch, _ in make_client(batch_size=1).iter_categories(
                categories=plan, cursor=stored
            )
        ]
        assert rest == full[n + 1 :]


def test_a_bad_cursor_is_invalid_input():
    with pytest.raises(InvalidInput):
        PlanCursor.from_json({"index": -1, "continue": None})
    with pytest.raises(InvalidInput):
        PlanCursor.from_json({"index": 0, "continue": ["x"]})


# Titles and page ids


def test_titles_are_looked_up_50_a_request_with_missing_and_invalid_reported(store, client):
    store.add_category("WLM")
    requested = []
    for n in range(120):
        if n % 10 == 3:
            requested.append(f"Missing {n}.jpg")
        elif n % 10 == 7:
            requested.append(f"Bad<{n}>.jpg")
        else:
            store.add_file(f"Photo {n}.jpg")
            # Inputs in every shape an organizer might paste.
            requested.append([f"Photo_{n}.jpg", f"File:Photo {n}.jpg", f"photo {n}.jpg"][n % 3])

    batches = list(client.lookup_titles(titles=requested))

    assert [len(b.results) for b in batches] == [50, 50, 20]
    results = [r for b in batches for r in b.results]
    assert [r.requested for r in results] == requested
    for n, result in enumerate(results):
        if n % 10 == 3:
            assert result.missing and result.title == f"File:Missing {n}.jpg"
        elif n % 10 == 7:
            assert result.invalid_reason and "invalid characters" in result.invalid_reason
            assert not result.missing
        else:
            assert result.file is not None and result.file.title == f"File:Photo {n}.jpg"
    title_requests = [p for p in api_requests(store) if "titles" in p]
    assert len(title_requests) == 3
    assert all(len(p["titles"].split("|")) <= 50 for p in title_requests)


def test_title_lookup_follows_redirects_from_renames(store, client):
    store.add_file("New name.jpg")
    store.add_redirect("Old name.jpg", "New name.jpg")

    [batch] = list(client.lookup_titles(titles=["Old name.jpg"]))

    assert batch.results[0].title == "File:New name.jpg"
    assert batch.files[0].title == "File:New name.jpg"


def test_long_title_lists_are_sent_as_post(store, client):
    names = [f"{'Very long name ' * 12}{n}.jpg" for n in range(50)]
    for name in names:
        store.add_file(name)

    [batch] = list(client.lookup_titles(titles=names))

    assert len(batch.files) == 50
    assert store.requests[-1].method == "POST"
    assert store.requests[-1].params["maxlag"] == "5"


def test_page_ids_are_looked_up_with_missing_ids_reported(store, client):
    ids = [store.add_file(f"P{n}.jpg").page_id for n in range(60)]
    store.delete_file("P5.jpg")

    batches = list(client.lookup_page_ids(page_ids=ids))

    assert [len(b.files) + len(b.missing) for b in batches] == [50, 10]
    assert batches[0].missing == (ids[5],)


# First and latest upload


def test_a_reuploaded_file_reports_its_first_and_its_latest_upload(store, client):
    store.add_file(
        "Lavra.jpg",
        uploader="Ivan Example",
        timestamp="2024-09-14T09:30:11Z",
        width=6000,
        height=4000,
    )
    store.reupload(
        "Lavra.jpg", uploader="Someone Else", timestamp="2024-10-03T18:22:09Z", width=5000
    )

    [batch] = list(client.lookup_titles(titles=["Lavra.jpg"]))
    file = batch.files[0]

    assert file.first_upload.user == "Ivan Example"
    assert file.first_upload.user_id == store.user("Ivan Example").local_id
    assert file.first_upload.timestamp == datetime(2024, 9, 14, 9, 30, 11, tzinfo=UTC)
    assert file.latest_upload.user == "Someone Else"
    assert file.latest_upload.timestamp == datetime(2024, 10, 3, 18, 22, 9, tzinfo=UTC)
    assert file.width == 5000 and file.reuploaded


def test_license_and_artist_come_as_plain_text(store, client):
    store.add_file("A.jpg", uploader="Ivan Example", license="CC BY 4.0")
    [batch] = list(client.lookup_titles(titles=["A.jpg"]))
    assert (batch.files[0].license, batch.files[0].artist) == ("CC BY 4.0", "Ivan Example")


# Users


def test_user_names_map_to_central_ids_50_a_request(store, client):
    names = []
    for n in range(120):
        store.add_user(f"User {n}", local_id=1000 + n, central_id=900_000 + n)
        names.append(f"user_{n}" if n % 2 else f"User {n}")
    store.add_user("Local Only", local_id=7, central_id=0)

    found = client.central_ids(usernames=[*names, "Local Only", "Nobody", "Bad|name"])

    assert found["user_1"].central_id == 900_001
    assert found["user_1"].local_id == 1001
    assert found["User 2"].name == "User 2"
    assert found["Local Only"].central_id is None
    assert "Nobody" not in found and "Bad|name" not in found
    assert len([p for p in api_requests(store) if p.get("list") == "users"]) == 3


# Etiquette and failures


def test_every_request_sends_the_user_agent_maxlag_and_formatversion_2(store, client, user_agent):
    fill(store, "WLM", 3)
    list(client.iter_category(category="WLM"))
    list(client.lookup_titles(titles=["Photo 001.jpg"]))
    client.central_ids(usernames=["Ivan Example"])

    assert len(store.requests) >= 4
    for request in store.requests:
        assert request.user_agent.startswith(user_agent)
        assert f"httpx/{httpx.__version__}" in request.user_agent
        assert request.params["maxlag"] == "5"
        assert request.params["formatversion"] == "2"
        assert request.params["format"] == "json"


def test_maxlag_is_retried_after_the_retry_after_delay(store, client, sleeps):
    fill(store, "WLM", 2)
    store.inject_fault("maxlag", after=1, times=2, retry_after="5")

    files = [f for b in client.iter_category(category="WLM") for f in b.files]

    assert len(files) == 2
    assert sleeps == [5.0, 5.0]


def test_rate_limits_and_server_errors_are_retried_with_growing_backoff(store, client, sleeps):
    fill(store, "WLM", 2)
    store.inject_fault("ratelimit", retry_after="3")
    store.inject_fault("server_error", status=500)
    store.inject_fault("server_error", status=503)
    store.inject_fault("api_error", code="internal_api_error_DBConnectionError")

    files = [f for b in client.iter_category(category="WLM") for f in b.files]

    assert len(files) == 2
    # Retry-After 3 wins over the first 1 s step; then 2, 4, 8.
    assert sleeps == [3.0, 2.0, 4.0, 8.0]


def test_it_gives_up_after_the_retry_budget_with_a_clear_error(store, make_client, sleeps):
    store.add_category("WLM")
    store.lag = 30.0
    client = make_client(max_retry_seconds=120)

    with pytest.raises(CommonsUnavailable, match="maxlag") as caught:
        list(client.iter_category(category="WLM"))

    assert isinstance(caught.value, UpstreamError)
    assert sum(sleeps) <= 120
    assert len(sleeps) >= 3


def test_unreachable_commons_is_retried_then_unavailable(make_client, sleeps):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_client(api_url=f"http://127.0.0.1:{port}/w/api.php", max_retry_seconds=5)

    with pytest.raises(CommonsUnavailable, match="could not reach Commons"):
        client.category_info(category="WLM")
    assert sleeps == [1.0, 2.0]


def test_garbage_json_half_way_is_a_clear_error_after_the_good_batches(store, make_client):
    fill(store, "WLM", 9)
    store.inject_fault("garbage", after=2)
    walk = make_client(batch_size=3).iter_category(category="WLM")

    first = next(walk)  # categoryinfo + first batch went through
    with pytest.raises(CommonsError, match="not JSON"):
        next(walk)
    assert len(first.files) == 3


def test_an_html_page_with_status_200_is_a_clear_error(store, client, sleeps):
    store.inject_fault("html")
    with pytest.raises(CommonsError, match=r"not JSON.*text/html"):
        client.category_info(category="WLM")
    assert sleeps == []


def test_api_errors_become_exceptions_with_their_code(store, client):
    store.inject_fault("api_error", code="badcontinue", info="Invalid continue param.")
    with pytest.raises(CommonsApiError) as caught:
        client.category_info(category="WLM")
    assert caught.value.api_code == "badcontinue"
    assert "badcontinue" in caught.value.detail


def test_a_user_agent_block_is_not_retried(store, make_client, sleeps):
    client = make_client(user_agent="python-requests/2.32")
    with pytest.raises(CommonsError, match="HTTP 403"):
        client.category_info(category="WLM")
    assert sleeps == []


def test_an_empty_user_agent_is_refused_up_front():
    with pytest.raises(ValueError):
        CommonsClient(api_url="http://x", user_agent=" ")


def test_answers_that_are_not_objects_are_errors(make_client):
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=["not", "an", "object"])

    client = make_client(transport=httpx.MockTransport(handler))
    with pytest.raises(CommonsError, match="not an object"):
        client.category_info(category="WLM")


def test_title_lookup_merges_imageinfo_continuation_too(store, client):
    names = [f"P{n}.jpg" for n in range(7)]
    for name in names:
        store.add_file(name)
    store.add_redirect("Old.jpg", "P3.jpg")
    store.imageinfo_budget = 2

    [batch] = list(client.lookup_titles(titles=[*names, "p1.jpg", "Old.jpg", "Nope.jpg"]))

    assert [r.file.title if r.file else None for r in batch.results] == [
        *(f"File:{n}" for n in names),
        "File:P1.jpg",
        "File:P3.jpg",
        None,
    ]
    assert len([p for p in api_requests(store) if "titles" in p]) == 4
