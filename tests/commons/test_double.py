"""The double speaks the reference's wire format, over real HTTP."""

import hashlib
import io
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from PIL import Image

from app.commons.double import CommonsStore, create_app, serve_in_thread

UA = {"User-Agent": "LoupeTests/0.1 (tests@example.org) httpx/0.28"}
IIPROP = "timestamp|user|userid|url|size|mime|sha1|extmetadata"


def get(api_url: str, **params: str) -> httpx.Response:
    query = {"action": "query", "format": "json", "formatversion": "2", **params}
    return httpx.get(api_url, params=query, headers=UA)


def category_query(**extra: str) -> dict[str, str]:
    return {
        "generator": "categorymembers",
        "gcmtitle": "Category:WLM",
        "gcmtype": "file",
        "prop": "imageinfo",
        "iiprop": IIPROP,
        **extra,
    }


def fill(store: CommonsStore, names: list[str], category: str = "WLM") -> None:
    store.add_category(category)
    for name in names:
        store.add_file(name, uploader="Ivan Example", categories=[category])


def test_generator_batches_are_sorted_by_page_id_and_continue_with_the_next_member(store, api_url):
    # Page ids in the reverse of title order: output order must follow page ids.
    store.add_category("WLM")
    for n, name in enumerate(["C.jpg", "B.jpg", "A.jpg", "D.jpg"]):
        store.add_file(name, categories=["WLM"], page_id=500 - n)

    body = get(api_url, **category_query(gcmlimit="3")).json()

    assert body["batchcomplete"] is True
    assert [p["title"] for p in body["query"]["pages"]] == [
        "File:A.jpg",
        "File:B.jpg",
        "File:C.jpg",
    ]
    assert [p["pageid"] for p in body["query"]["pages"]] == [498, 499, 500]
    assert body["continue"] == {
        "gcmcontinue": f"file|{b'D.JPG'.hex()}|497",
        "continue": "gcmcontinue||",
    }
    assert list(body) == ["batchcomplete", "continue", "query"]

    rest = get(api_url, **category_query(gcmlimit="3"), **body["continue"]).json()
    assert [p["title"] for p in rest["query"]["pages"]] == ["File:D.jpg"]
    assert "continue" not in rest


def test_page_object_keys_and_imageinfo_keys_follow_the_emitted_order(store, api_url):
    fill(store, ["A.jpg"])
    page = get(api_url, **category_query(iiurlwidth="500"))
    page = page.json()["query"]["pages"][0]

    assert list(page) == ["pageid", "ns", "title", "imagerepository", "imageinfo"]
    assert list(page["imageinfo"][0]) == [
        "timestamp", "user", "userid", "size", "width", "height",
        "thumburl", "thumbwidth", "thumbheight", "url", "descriptionurl", "sha1",
        "extmetadata", "mime",
    ]  # fmt: skip
    assert page["imageinfo"][0]["extmetadata"]["LicenseShortName"] == {
        "value": "CC BY-SA 4.0",
        "source": "commons-desc-page",
        "hidden": "",
    }


def test_gcmlimit_max_reports_limits_and_is_capped_at_500(store, api_url):
    fill(store, [f"F{n:03d}.jpg" for n in range(501)])
    body = get(api_url, **category_query(gcmlimit="max")).json()

    assert body["limits"] == {"categorymembers": 500}
    assert len(body["query"]["pages"]) == 500
    assert body["continue"]["gcmcontinue"].endswith(f"|{store.file('F500.jpg').page_id}")


def test_imageinfo_budget_gives_case_a_continuation_with_bare_unprocessed_pages(store, api_url):
    fill(store, ["A.jpg", "B.jpg", "C.jpg", "D.jpg", "E.jpg"])
    store.imageinfo_budget = 2

    first = get(api_url, **category_query(gcmlimit="max")).json()

    assert "batchcomplete" not in first
    ts = store.file("C.jpg").versions[0].timestamp.strftime("%Y%m%d%H%M%S")
    assert first["continue"] == {"iicontinue": f"C.jpg|{ts}", "continue": "||"}
    pages = {p["title"]: p for p in first["query"]["pages"]}
    assert len(pages) == 5
    assert "imageinfo" in pages["File:A.jpg"] and "imageinfo" in pages["File:B.jpg"]
    assert pages["File:C.jpg"] == {
        "pageid": store.file("C.jpg").page_id,
        "ns": 6,
        "title": "File:C.jpg",
    }

    second = get(api_url, **category_query(gcmlimit="max"), **first["continue"]).json()
    pages = {p["title"]: p for p in second["query"]["pages"]}
    assert "imageinfo" not in pages["File:A.jpg"]
    assert "imageinfo" in pages["File:C.jpg"] and "imageinfo" in pages["File:D.jpg"]


def test_case_a_prime_repeats_the_same_gcmcontinue(store, api_url):
    fill(store, [f"{c}.jpg" for c in "ABCDEFG"])
    store.imageinfo_budget = 2
    first_batch_done: dict[str, Any] = {}
    params = category_query(gcmlimit="2")
    while "gcmcontinue" not in first_batch_done:
        first_batch_done = get(api_url, **params, **first_batch_done)
        first_batch_done = first_batch_done.json()["continue"]

    second = get(api_url, **params, **first_batch_done).json()
    assert "batchcomplete" in second  # 2 files fit the budget of 2

    store.imageinfo_budget = 1
    partial = get(api_url, **params, **first_batch_done).json()
    assert "batchcomplete" not in partial
    assert partial["continue"]["gcmcontinue"] == first_batch_done["gcmcontinue"]
    assert partial["continue"]["continue"] == "gcmcontinue||"
    assert "iicontinue" in partial["continue"]


def test_fifty_thumbnails_per_request_then_iicontinue_names_the_51st_title(store, api_url):
    names = [f"P{n:03d}.jpg" for n in range(60)]
    fill(store, names)

    body = get(api_url, **category_query(gcmlimit="max", iiurlwidth="500")).json()

    with_info = [p for p in body["query"]["pages"] if "imageinfo" in p]
    assert len(with_info) == 50
    assert body["continue"]["iicontinue"].startswith("P050.jpg|")


def test_iilimit_max_returns_the_history_newest_first(store, api_url):
    fill(store, ["A.jpg"])
    store.reupload("A.jpg", uploader="Other", timestamp="2024-10-03T18:22:09Z")

    body = get(
        api_url,
        titles="File:A.jpg",
        prop="imageinfo",
        iiprop="timestamp|user|archivename",
        iilimit="max",
    ).json()
    versions = body["query"]["pages"][0]["imageinfo"]

    assert body["limits"] == {"imageinfo": 500}
    assert [v["user"] for v in versions] == ["Other", "Ivan Example"]
    assert versions[1]["archivename"] == "20241003182209!A.jpg"
    assert "archivename" not in versions[0]


def test_empty_and_nonexistent_categories_answer_batchcomplete_only(store, api_url):
    store.add_category("Empty")
    for title in ("Category:Empty", "Category:Nothing here"):
        body = get(api_url, **category_query(gcmtitle=title, gcmlimit="max")).json()
        assert body == {"batchcomplete": True, "limits": {"categorymembers": 500}}


def test_non_category_gcmtitle_is_an_invalidcategory_error(store, api_url):
    response = get(api_url, **category_query(gcmtitle="File:X.jpg"))
    body = response.json()

    assert response.status_code == 200
    assert response.headers["MediaWiki-API-Error"] == "invalidcategory"
    assert body["error"]["code"] == "invalidcategory"
    assert body["error"]["info"] == "The category name you entered is not valid."
    assert "docref" in body["error"] and body["servedby"]


def test_titles_are_normalized_and_missing_and_invalid_pages_come_first(store, api_url):
    fill(store, ["Kyiv Pechersk Lavra 01.jpg"])
    titles = "|".join(
        [
            "File:Kyiv_Pechersk_Lavra_01.jpg",
            "File:kyiv pechersk lavra 02.jpg",
            "File:Nope.jpg",
            "File:Foo<bar>.jpg",
        ]
    )

    body = get(api_url, titles=titles, prop="imageinfo", iiprop="timestamp").json()
    query = body["query"]

    lavra_1, lavra_2 = "File:Kyiv Pechersk Lavra 01.jpg", "File:Kyiv pechersk lavra 02.jpg"
    assert query["normalized"] == [
        {"fromencoded": False, "from": "File:Kyiv_Pechersk_Lavra_01.jpg", "to": lavra_1},
        {"fromencoded": False, "from": "File:kyiv pechersk lavra 02.jpg", "to": lavra_2},
    ]
    # Fake ids -1, -2, -3 in input order, sorted ascending: reverse input order first.
    reason = 'The requested page title contains invalid characters: "<".'
    assert query["pages"][:3] == [
        {"title": "File:Foo<bar>.jpg", "invalidreason": reason, "invalid": True},
        {"ns": 6, "title": "File:Nope.jpg", "missing": True, "imagerepository": ""},
        {"ns": 6, "title": lavra_2, "missing": True, "imagerepository": ""},
    ]
    assert query["pages"][3]["title"] == "File:Kyiv Pechersk Lavra 01.jpg"


def test_more_than_50_titles_is_a_toomanyvalues_error(store, api_url):
    titles = "|".join(f"File:{n}.jpg" for n in range(51))
    body = get(api_url, titles=titles, prop="imageinfo").json()

    assert body["error"]["code"] == "toomanyvalues"
    assert (body["error"]["parameter"], body["error"]["limit"]) == ("titles", 50)


def test_redirects_are_reported_and_followed(store, api_url):
    fill(store, ["New.jpg"])
    store.add_redirect("Old.jpg", "New.jpg")

    body = get(api_url, titles="File:Old.jpg", redirects="1", prop="imageinfo").json()

    assert body["query"]["redirects"] == [{"from": "File:Old.jpg", "to": "File:New.jpg"}]
    assert body["query"]["pages"][0]["title"] == "File:New.jpg"


def test_formatversion_1_keys_pages_by_id_and_uses_empty_strings(store, api_url):
    fill(store, ["A.jpg"])
    body = get(
        api_url, formatversion="1", titles="File:A.jpg|File:Nope.jpg", prop="imageinfo"
    ).json()

    assert body["batchcomplete"] == ""
    page_id = str(store.file("A.jpg").page_id)
    assert list(body["query"]["pages"]) == [page_id, "-1"]
    assert body["query"]["pages"]["-1"] == {
        "ns": 6,
        "title": "File:Nope.jpg",
        "missing": "",
        "imagerepository": "",
    }


def test_formatversion_1_escapes_non_ascii_and_2_sends_raw_utf8(store, api_url):
    fill(store, ["Київ.jpg"])
    fv1 = get(api_url, formatversion="1", titles="File:Київ.jpg", prop="imageinfo")
    fv2 = get(api_url, titles="File:Київ.jpg", prop="imageinfo")
    assert "\\u041a" in fv1.text and "Київ" in fv2.text


def test_subcategory_listing_continues_with_dash_pipes(store, api_url):
    store.add_category("Top", subcats=["S1", "S2", "S3"])
    params = {
        "list": "categorymembers",
        "cmtitle": "Category:Top",
        "cmtype": "subcat",
        "cmlimit": "2",
    }

    body = get(api_url, **params).json()

    assert body["batchcomplete"] is True
    assert [m["title"] for m in body["query"]["categorymembers"]] == ["Category:S1", "Category:S2"]
    assert list(body["query"]["categorymembers"][0]) == ["pageid", "ns", "title"]
    assert body["continue"]["continue"] == "-||"
    assert body["continue"]["cmcontinue"].startswith("subcat|")


def test_categoryinfo_tells_missing_pages_with_and_without_members(store, api_url):
    store.add_category("Real")
    store.add_file("A.jpg", categories=["Pageless"])

    body = get(
        api_url, titles="Category:Real|Category:Pageless|Category:Nothing", prop="categoryinfo"
    ).json()
    pages = {p["title"]: p for p in body["query"]["pages"]}

    assert "missing" not in pages["Category:Real"]
    assert pages["Category:Pageless"]["missing"] is True
    assert pages["Category:Pageless"]["categoryinfo"]["files"] == 1
    assert pages["Category:Nothing"] == {"ns": 14, "title": "Category:Nothing", "missing": True}


def test_users_come_with_local_and_central_ids(store, api_url):
    store.add_user("Ivan Example", local_id=5120777, central_id=53182469)
    store.add_user("Local Only", central_id=0)

    body = get(
        api_url, list="users", ususers="Ivan_Example|Local Only|Nobody", usprop="centralids"
    ).json()

    local_only = store.user("Local Only").local_id
    assert body["query"]["users"] == [
        {
            "userid": 5120777,
            "name": "Ivan Example",
            "centralids": {"CentralAuth": 53182469, "local": 5120777},
            "attachedlocal": {"CentralAuth": True, "local": True},
        },
        {
            "userid": local_only,
            "name": "Local Only",
            "centralids": {"CentralAuth": 0, "local": local_only},
            "attachedlocal": {"CentralAuth": False, "local": True},
        },
        {"name": "Nobody", "missing": True},
    ]


def test_maxlag_fault_has_the_live_capture_shape(store, api_url):
    store.inject_fault("maxlag")
    response = get(api_url, titles="File:A.jpg", maxlag="5")

    assert response.status_code == 200
    assert response.headers["Retry-After"] == "5"
    assert response.headers["X-Database-Lag"].isdigit()
    assert response.headers["MediaWiki-API-Error"] == "maxlag"
    error = response.json()["error"]
    assert error["code"] == "maxlag"
    assert {"info", "host", "lag", "type"} <= set(error)
    assert error["type"] == "db"
    assert get(api_url, titles="File:A.jpg").status_code == 200


def test_persistent_lag_refuses_requests_with_a_lower_maxlag(store, api_url):
    store.lag = 8.0
    assert get(api_url, titles="File:A.jpg", maxlag="5").json()["error"]["code"] == "maxlag"
    assert "error" not in get(api_url, titles="File:A.jpg", maxlag="10").json()


def test_faults_wait_their_turn_and_then_fire_the_given_number_of_times(store, api_url):
    store.inject_fault("ratelimit", after=1, times=2, retry_after="3")

    statuses = [get(api_url, titles="File:A.jpg") for _ in range(4)]

    assert [r.status_code for r in statuses] == [200, 429, 429, 200]
    assert statuses[1].headers["Retry-After"] == "3"
    assert statuses[1].headers["content-type"].startswith("text/plain")


@pytest.mark.parametrize(
    ("kind", "status", "content_type"),
    [
        ("server_error", 503, "text/html"),
        ("garbage", 200, "application/json"),
        ("html", 200, "text/html"),
    ],
)
def test_fault_kinds_answer_like_the_edge_does(store, api_url, kind, status, content_type):
    store.inject_fault(kind, status=503)
    response = get(api_url, titles="File:A.jpg")
    assert response.status_code == status
    assert response.headers["content-type"].startswith(content_type)


def test_default_library_user_agents_are_blocked(store, api_url):
    response = httpx.get(api_url, params={"action": "query", "format": "json"})
    assert response.status_code == 403
    assert "user-agent" in response.text


def test_bad_continue_values_are_badcontinue_errors(store, api_url):
    fill(store, ["A.jpg"])
    body = get(api_url, **category_query(gcmcontinue="nonsense", **{"continue": "gcmcontinue||"}))
    assert body.json()["error"]["code"] == "badcontinue"


def test_unimplemented_queries_are_refused_loudly(store, api_url):
    body = get(api_url, prop="revisions", titles="File:A.jpg").json()
    assert body["error"]["code"] == "double-unsupported"


def test_post_requests_are_answered_like_get(store, api_url):
    fill(store, ["A.jpg"])
    data = {
        "action": "query",
        "format": "json",
        "formatversion": "2",
        "titles": "File:A.jpg",
        "prop": "imageinfo",
    }
    body = httpx.post(api_url, data=data, headers=UA).json()
    assert body["query"]["pages"][0]["imageinfo"][0]["user"] == "Ivan Example"


# Files


def test_imageinfo_urls_use_the_commons_hash_layout_on_the_doubles_base(store, api_url, base_url):
    fill(store, ["Kyiv Pechersk Lavra 01.jpg"])
    info = get(
        api_url,
        titles="File:Kyiv Pechersk Lavra 01.jpg",
        prop="imageinfo",
        iiprop="url",
        iiurlwidth="640",
    )
    info = info.json()["query"]["pages"][0]["imageinfo"][0]
    digest = hashlib.md5(b"Kyiv_Pechersk_Lavra_01.jpg").hexdigest()

    assert info["url"].startswith(
        f"{base_url}/wikipedia/commons/{digest[0]}/{digest[:2]}/Kyiv_Pechersk_Lavra_01.jpg?utm_source="
    )
    # 640 is not a standard width: the file is the next step, the display box is as asked.
    assert f"/thumb/{digest[0]}/{digest[:2]}/Kyiv_Pechersk_Lavra_01.jpg/960px-" in info["thumburl"]
    assert (info["thumbwidth"], info["thumbheight"]) == (640, 480)


def test_originals_and_thumbnails_are_served_as_real_images(store, api_url):
    fill(store, ["A b.jpg"])
    info = get(api_url, titles="File:A b.jpg", prop="imageinfo", iiprop="url", iiurlwidth="500")
    info = info.json()["query"]["pages"][0]["imageinfo"][0]

    original = httpx.get(info["url"])
    thumb = httpx.get(info["thumburl"])

    assert original.headers["content-type"] == "image/jpeg"
    assert max(Image.open(io.BytesIO(original.content)).size) == 1600
    assert Image.open(io.BytesIO(thumb.content)).size == (500, 375)


def test_given_bytes_are_served_as_the_original(store, base_url):
    png = io.BytesIO()
    Image.new("RGB", (3, 2), "red").save(png, "PNG")
    file = store.add_file("Tiny.png", mime="image/png", width=3, height=2, content=png.getvalue())

    response = httpx.get(f"{base_url}/wikipedia/commons/{file.hash_path}")

    assert response.content == png.getvalue()
    assert file.versions[0].sha1 == hashlib.sha1(png.getvalue()).hexdigest()


def test_thumbnails_at_non_standard_widths_are_refused_like_the_cdn_does(store, base_url):
    file = store.add_file("A.jpg")
    response = httpx.get(f"{base_url}/wikipedia/commons/thumb/{file.hash_path}/640px-A.jpg")
    assert response.status_code == 429
    assert "w.wiki/GHai" in response.text


def test_a_wrong_hash_path_is_not_found(store, base_url):
    store.add_file("A.jpg")
    assert httpx.get(f"{base_url}/wikipedia/commons/0/00/A.jpg").status_code == 404


def test_public_url_setting_controls_the_urls_in_imageinfo(store, api_url):
    store.public_url = "https://commons.example"
    fill(store, ["A.jpg"])
    info = get(api_url, titles="File:A.jpg", prop="imageinfo", iiprop="url")
    assert info.json()["query"]["pages"][0]["imageinfo"][0]["url"].startswith(
        "https://commons.example/wikipedia/commons/"
    )


def test_serve_in_thread_serves_on_a_free_port_and_stops_on_exit():
    store = CommonsStore()
    with serve_in_thread(create_app(store)) as base:
        assert base.startswith("http://127.0.0.1:")
        assert (
            httpx.get(f"{base}/w/api.php?action=query&format=json", headers=UA).status_code == 200
        )
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base}/w/api.php", headers=UA)


def test_store_timestamps_are_stored_as_utc(store):
    file = store.add_file("A.jpg", timestamp="2024-09-01T10:00:00+02:00")
    assert file.versions[0].timestamp == datetime(2024, 9, 1, 8, 0, tzinfo=UTC)
