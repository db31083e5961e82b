"""Thumbnail URLs built from real Commons original URLs (reference §6)."""

import hashlib
import json
from pathlib import Path
from urllib.parse import unquote

import pytest

from app.commons.thumbs import STANDARD_WIDTHS, srcset, standard_width, thumb_url

FIXTURE = Path("/work/shared/fixtures/real/commons-imageinfo-wle2017-winners-fv1.json")
COMMONS = "https://upload.wikimedia.org/wikipedia/commons"


def fixture_infos() -> list[dict]:
    if not FIXTURE.exists():
        pytest.skip("the recorded Commons answer is not available")
    pages = json.loads(FIXTURE.read_text())["query"]["pages"].values()
    return [info for page in pages for info in page.get("imageinfo", [])]


@pytest.mark.parametrize(
    ("asked", "given"),
    [(1, 20), (20, 20), (21, 40), (100, 120), (640, 960), (960, 960), (1281, 1920)],
)
def test_widths_snap_up_to_the_next_standard_step(asked, given):
    assert standard_width(asked) == given


def test_widths_above_the_largest_step_get_the_largest_step():
    # The CDN refuses non-standard widths, even large ones.
    assert standard_width(5000) == 3840


def test_a_width_must_be_positive():
    with pytest.raises(ValueError):
        standard_width(0)


def test_a_jpeg_thumbnail_sits_under_thumb_with_the_same_hash_path():
    url = f"{COMMONS}/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg"
    assert thumb_url(url, 960) == (
        f"{COMMONS}/thumb/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg/"
        "960px-%27Tirumnieki%27_pie_Inesa_ezera.jpg"
    )


def test_a_non_standard_width_is_rounded_up_in_the_url():
    url = f"{COMMONS}/0/0f/%28Khao_Luang%29_Ramkhamhaeng_National_Park_04.jpg"
    assert thumb_url(url, 1000).endswith(
        "/1280px-%28Khao_Luang%29_Ramkhamhaeng_National_Park_04.jpg"
    )
    assert thumb_url(url, 640).endswith("/960px-%28Khao_Luang%29_Ramkhamhaeng_National_Park_04.jpg")


def test_percent_encoded_punctuation_is_kept_as_commons_encodes_it():
    name = (
        "Sunset_and_Silhouette_of_Trees_viewed_from_a_road_leading_to_Pegni_Village_"
        "and_1000_Unit_Estate%2C_Kuje.jpg"
    )
    assert thumb_url(f"{COMMONS}/c/cf/{name}", 500) == f"{COMMONS}/thumb/c/cf/{name}/500px-{name}"


def test_svg_renders_to_png():
    url = f"{COMMONS}/f/f4/WLE_Austria_Logo.svg"
    assert (
        thumb_url(url, 250)
        == f"{COMMONS}/thumb/f/f4/WLE_Austria_Logo.svg/250px-WLE_Austria_Logo.svg.png"
    )


def test_svg_scales_up_past_its_nominal_width():
    url = f"{COMMONS}/8/89/Bronze_medal_icon.svg"
    assert thumb_url(url, 120, original_width=16).endswith("/120px-Bronze_medal_icon.svg.png")


def test_png_and_gif_keep_their_name():
    assert thumb_url(f"{COMMONS}/0/06/Bahariya_Oasis.png", 330).endswith(
        "/thumb/0/06/Bahariya_Oasis.png/330px-Bahariya_Oasis.png"
    )
    assert thumb_url(f"{COMMONS}/b/b4/Al_-_Hawar.gif", 500).endswith(
        "/thumb/b/b4/Al_-_Hawar.gif/500px-Al_-_Hawar.gif"
    )


def test_names_longer_than_160_bytes_become_thumbnail_dot_ext():
    # A recorded Thai name: 169 bytes in UTF-8 (3 bytes a character).
    encoded = (
        "%E0%B8%99%E0%B8%B4%E0%B9%80%E0%B8%A7%E0%B8%A8%E0%B8%99%E0%B9%8C%E0%B8%A7%E0%B8%B4"
        "%E0%B8%97%E0%B8%A2%E0%B8%B2_%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%9E%E0%B8%B8%E0%B8%A3"
        "%E0%B9%89%E0%B8%AD%E0%B8%99%E0%B9%82%E0%B8%9B%E0%B9%88%E0%B8%87%E0%B9%80%E0%B8%94"
        "%E0%B8%B7%E0%B8%AD%E0%B8%941_%E0%B8%AD%E0%B8%B8%E0%B8%97%E0%B8%A2%E0%B8%B2%E0%B8%99"
        "%E0%B9%81%E0%B8%AB%E0%B9%88%E0%B8%87%E0%B8%8A%E0%B8%B2%E0%B8%95%E0%B8%B4%E0%B8%AB"
        "%E0%B9%89%E0%B8%A7%E0%B8%A2%E0%B8%99%E0%B9%89%E0%B8%B3%E0%B8%94%E0%B8%B1%E0%B8%87.jpg"
    )
    assert len(unquote(encoded).encode()) == 169
    assert thumb_url(f"{COMMONS}/9/94/{encoded}", 1280) == (
        f"{COMMONS}/thumb/9/94/{encoded}/1280px-thumbnail.jpg"
    )


def test_a_long_name_counts_bytes_not_characters():
    # 152 bytes of ASCII: kept in full.
    name = (
        "Toragay_Mud_Volcano._The_highest_Azerbaijani_and_world_stand_alone_mud_volcano._"
        "a_view_from_Grosser_Kanizdagh_Mud_Volcano._Photo_by_Uzeyir_Mikayilov.jpg"
    )
    assert thumb_url(f"{COMMONS}/e/ef/{name}", 500).endswith(f"/500px-{name}")


def test_a_name_of_exactly_160_bytes_is_not_abbreviated():
    name = "A" * 156 + ".jpg"
    digest = hashlib.md5(name.encode()).hexdigest()
    url = f"{COMMONS}/{digest[0]}/{digest[:2]}/{name}"
    assert thumb_url(url, 120).endswith(f"/120px-{name}")
    longer = "A" * 157 + ".svg"
    digest = hashlib.md5(longer.encode()).hexdigest()
    url = f"{COMMONS}/{digest[0]}/{digest[:2]}/{longer}"
    assert thumb_url(url, 120).endswith("/120px-thumbnail.svg.png")


def test_bitmaps_are_never_upscaled_the_original_is_used_instead():
    url = f"{COMMONS}/0/06/Bahariya_Oasis.png"  # 598 px wide
    assert thumb_url(url, 500, original_width=598).endswith("/500px-Bahariya_Oasis.png")
    assert thumb_url(url, 600, original_width=598) == url
    assert thumb_url(url, 960, original_width=960) == url


def test_the_originals_provenance_query_is_dropped_from_thumbnails():
    url = (
        f"{COMMONS}/9/95/American-University-Beirut-NW.jpg"
        "?utm_source=commons.wikimedia.org&utm_campaign=imageinfo&utm_content=original"
    )
    assert thumb_url(url, 640) == (
        f"{COMMONS}/thumb/9/95/American-University-Beirut-NW.jpg/"
        "960px-American-University-Beirut-NW.jpg"
    )
    # ...but an original handed back is left exactly as Commons gave it.
    assert thumb_url(url, 1920, original_width=1514) == url


def test_the_host_of_the_original_is_kept():
    url = "http://127.0.0.1:8765/wikipedia/commons/9/95/American-University-Beirut-NW.jpg"
    assert thumb_url(url, 120).startswith("http://127.0.0.1:8765/wikipedia/commons/thumb/9/95/")


@pytest.mark.parametrize(
    "url",
    [
        f"{COMMONS}/a/ad/Lagoa_Salina_Pantanal_da_Nhecol%C3%A2ndia_Foto_Kleber_R.S._Santos.tif",
        f"{COMMONS}/3/3b/Wle-jury-report-2017-hires.pdf",
        "https://example.org/photo.jpg",
        f"{COMMONS}/thumb/9/95/X.jpg/960px-X.jpg",
        f"{COMMONS}/9/a5/Mismatched_hash_levels.jpg",
    ],
)
def test_what_cannot_be_built_safely_is_refused(url):
    with pytest.raises(ValueError):
        thumb_url(url, 960)


def test_srcset_offers_standard_widths_and_the_original_at_most_once():
    url = f"{COMMONS}/0/06/Bahariya_Oasis.png"
    assert srcset(url, [120, 330, 500, 960, 1280], original_width=598) == (
        f"{COMMONS}/thumb/0/06/Bahariya_Oasis.png/120px-Bahariya_Oasis.png 120w, "
        f"{COMMONS}/thumb/0/06/Bahariya_Oasis.png/330px-Bahariya_Oasis.png 330w, "
        f"{COMMONS}/thumb/0/06/Bahariya_Oasis.png/500px-Bahariya_Oasis.png 500w, "
        f"{url} 598w"
    )


def test_srcset_merges_widths_that_snap_to_the_same_step():
    url = f"{COMMONS}/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg"
    assert srcset(url, [700, 960, 800], original_width=4928).count(", ") == 0


def test_every_recorded_winner_gets_a_well_formed_thumbnail_or_a_clear_refusal():
    built = 0
    for info in fixture_infos():
        url, width = info["url"], info["width"]
        name = unquote(url.rsplit("/", 1)[1])
        digest = hashlib.md5(name.encode()).hexdigest()
        try:
            thumb = thumb_url(url, 960, original_width=width)
        except ValueError:
            assert name.lower().rsplit(".", 1)[-1] in {"tif", "tiff", "pdf"}
            continue
        built += 1
        if thumb == url:
            assert width <= 960 and not name.endswith(".svg")
            continue
        assert thumb.startswith(f"{COMMONS}/thumb/{digest[0]}/{digest[:2]}/")
        folder, last = thumb.rsplit("/", 2)[-2:]
        assert folder == url.rsplit("/", 1)[1]
        assert last.startswith("960px-")
        for candidate in srcset(url, STANDARD_WIDTHS, original_width=width).split(", "):
            address, descriptor = candidate.rsplit(" ", 1)
            assert descriptor.endswith("w")
            assert address == url or int(descriptor[:-1]) in STANDARD_WIDTHS
    assert built > 350
