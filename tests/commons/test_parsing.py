import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.commons.csv_source import CsvRow, CsvRowError, parse_file_list_csv
from app.commons.parsing import (
    CommonsFile,
    InvalidTitle,
    MissingPage,
    normalize_category_title,
    normalize_file_title,
    normalize_username,
    parse_query,
    parse_timestamp,
    strip_html,
)
from app.core.errors import InvalidInput

REAL = Path("/work/shared/fixtures/real")
FV1_WINNERS = REAL / "commons-imageinfo-wle2017-winners-fv1.json"
QUARRY_CSV = REAL / "quarry-wlm2015-iran-5-rows.csv"


@pytest.fixture(scope="module")
def winners() -> dict:
    return json.loads(FV1_WINNERS.read_text())


# Real formatversion=1 answer


def test_fv1_answer_parses_every_page_into_files_and_the_one_missing_title(winners):
    pages = parse_query(winners)

    assert len(pages.files) + len(pages.missing) == 382
    assert len(pages.files) == 381
    assert pages.missing == [MissingPage(title='File:10" green.svg', page_id=None)]
    assert pages.invalid == []


def test_fv1_file_fields_come_from_the_latest_version(winners):
    files = {f.page_id: f for f in parse_query(winners).files}
    tirumnieki = files[59023601]

    assert tirumnieki.title == "File:'Tirumnieki' pie Inesa ezera.jpg"
    assert (tirumnieki.width, tirumnieki.height, tirumnieki.size) == (4928, 3264, 8796787)
    assert tirumnieki.url == (
        "https://upload.wikimedia.org/wikipedia/commons/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg"
    )
    assert tirumnieki.description_url.endswith("/wiki/File:%27Tirumnieki%27_pie_Inesa_ezera.jpg")
    assert tirumnieki.first_upload == tirumnieki.latest_upload
    assert tirumnieki.first_upload.user == "AivarsOsins"
    # This old answer was asked without iiprop=userid.
    assert tirumnieki.first_upload.user_id is None
    assert tirumnieki.first_upload.timestamp == datetime(2017, 5, 18, 6, 51, 35, tzinfo=UTC)
    assert tirumnieki.version_count == 1
    assert not tirumnieki.reuploaded


def test_fv1_unicode_and_punctuation_titles_survive_parsing(winners):
    titles = {f.title for f in parse_query(winners).files}
    raw_titles = {p["title"] for p in winners["query"]["pages"].values() if "pageid" in p}

    assert titles == raw_titles
    assert any(not t.isascii() for t in titles)
    assert "File:(Khao Luang) Ramkhamhaeng National Park 04.jpg" in titles


def test_timestamps_are_timezone_aware_utc(winners):
    for file in parse_query(winners).files:
        assert file.first_upload.timestamp.tzinfo is not None
        assert file.first_upload.timestamp.utcoffset().total_seconds() == 0


# formatversion=2 shapes from the reference


def _reference_page(**overrides) -> dict:
    page = {
        "pageid": 153006412,
        "ns": 6,
        "title": "File:Kyiv Pechersk Lavra 01.jpg",
        "imagerepository": "local",
        "imageinfo": [
            {
                "timestamp": "2024-09-14T09:12:44Z",
                "user": "Ivan Example",
                "userid": 5120777,
                "size": 5109874,
                "width": 4000,
                "height": 6000,
                "thumburl": "https://upload.wikimedia.org/wikipedia/commons/thumb/2/24/"
                "Kyiv_Pechersk_Lavra_01.jpg/500px-Kyiv_Pechersk_Lavra_01.jpg?utm_source="
                "commons.wikimedia.org&utm_campaign=imageinfo&utm_content=thumbnail",
                "thumbwidth": 500,
                "thumbheight": 750,
                "url": "https://upload.wikimedia.org/wikipedia/commons/2/24/Kyiv_Pechersk_Lavra_01"
                ".jpg?utm_source=commons.wikimedia.org&utm_campaign=imageinfo&utm_content=original",
                "descriptionurl": "https://commons.wikimedia.org/wiki/File:Kyiv_Pechersk_Lavra_01.jpg",
                "sha1": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3",
                "extmetadata": {
                    "DateTimeOriginal": {"value": "2024-09-13", "source": "commons-desc-page"},
                    "Artist": {
                        "value": '<a href="//commons.wikimedia.org/wiki/User:Ivan_Example" '
                        'title="User:Ivan Example">Ivan Example</a>',
                        "source": "commons-desc-page",
                    },
                    "LicenseShortName": {
                        "value": "CC BY-SA 4.0",
                        "source": "commons-desc-page",
                        "hidden": "",
                    },
                },
                "mime": "image/jpeg",
            }
        ],
    }
    page.update(overrides)
    return page


def test_fv2_page_gives_license_and_artist_as_plain_text_and_keeps_urls_opaque():
    pages = parse_query({"batchcomplete": True, "query": {"pages": [_reference_page()]}})
    [file] = pages.files

    assert file.license == "CC BY-SA 4.0"
    assert file.artist == "Ivan Example"
    assert file.thumb_url is not None and file.thumb_url.endswith("utm_content=thumbnail")
    assert file.url.endswith("utm_content=original")
    assert (file.mime, file.sha1) == ("image/jpeg", "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3")
    assert file.first_upload.user_id == 5120777


def test_first_upload_is_the_oldest_version_and_latest_the_newest():
    history = [
        {
            "timestamp": "2024-10-03T18:22:09Z",
            "user": "Someone Else",
            "userid": 42,
            "size": 4987002,
            "width": 6000,
            "height": 4000,
            "sha1": "0b8f3e2d1c4a5b6978d0e1f2a3b4c5d6e7f80912",
        },
        {
            "timestamp": "2024-09-14T09:30:11Z",
            "user": "Ivan Example",
            "userid": 5120777,
            "size": 5011230,
            "width": 6000,
            "height": 4000,
            "sha1": "e1d2c3b4a5968778695a4b3c2d1e0f9a8b7c6d5e",
        },
    ]
    pages = parse_query({"query": {"pages": [_reference_page(imageinfo=history)]}})
    [file] = pages.files

    assert file.first_upload.user == "Ivan Example"
    assert file.first_upload.timestamp == datetime(2024, 9, 14, 9, 30, 11, tzinfo=UTC)
    assert file.latest_upload.user == "Someone Else"
    assert file.latest_upload.user_id == 42
    assert file.sha1 == history[0]["sha1"] and file.first_upload.sha1 == history[1]["sha1"]
    assert file.reuploaded


def test_fv2_missing_invalid_and_fileless_pages_are_told_apart():
    answer = {
        "batchcomplete": True,
        "query": {
            "normalized": [
                {"fromencoded": False, "from": "File:A_b.jpg", "to": "File:A b.jpg"},
                {"fromencoded": True, "from": "File:Cafe%CC%81.jpg", "to": "File:Caf\u00e9.jpg"},
            ],
            "pages": [
                {
                    "title": "File:Foo<bar>.jpg",
                    "invalidreason": 'The requested page title contains invalid characters: "<".',
                    "invalid": True,
                },
                {
                    "ns": 6,
                    "title": "File:Does not exist.jpg",
                    "missing": True,
                    "imagerepository": "",
                },
                {"pageid": 99, "missing": True},
                {"pageid": 7, "ns": 6, "title": "File:No file.jpg", "imagerepository": ""},
            ],
        },
    }
    pages = parse_query(answer)

    assert pages.files == []
    assert pages.invalid == [
        InvalidTitle(
            "File:Foo<bar>.jpg", 'The requested page title contains invalid characters: "<".'
        )
    ]
    assert pages.missing == [
        MissingPage("File:Does not exist.jpg"),
        MissingPage(None, 99),
        MissingPage("File:No file.jpg", 7),
    ]
    # A percent-encoded (non-NFC) input is decoded back to what the caller sent.
    assert pages.normalized == {
        "File:A_b.jpg": "File:A b.jpg",
        "File:Cafe\u0301.jpg": "File:Caf\u00e9.jpg",
    }


def test_fv1_booleans_as_empty_strings_count_as_true():
    answer = {
        "batchcomplete": "",
        "query": {"pages": {"-1": {"ns": 6, "title": "File:X.jpg", "missing": ""}}},
    }
    assert parse_query(answer).missing == [MissingPage("File:X.jpg")]


def test_an_answer_without_query_is_an_empty_page_set():
    pages = parse_query({"batchcomplete": True})
    assert (pages.files, pages.missing, pages.invalid) == ([], [], [])


def test_parsed_files_are_frozen():
    [file] = parse_query({"query": {"pages": [_reference_page()]}}).files
    assert isinstance(file, CommonsFile)
    with pytest.raises(AttributeError):
        file.title = "x"  # type: ignore[misc]


# Small pure helpers


@pytest.mark.parametrize(
    ("raw", "title"),
    [
        ("Foo_bar.jpg", "File:Foo bar.jpg"),
        ("foo.jpg", "File:Foo.jpg"),
        ("File:foo  bar.JPG", "File:Foo bar.JPG"),
        ("file:Foo.jpg", "File:Foo.jpg"),
        ("Image:Foo.jpg", "File:Foo.jpg"),
        ("  File: Foo.jpg  ", "File:Foo.jpg"),
        ("Sunset: Kyiv.jpg", "File:Sunset: Kyiv.jpg"),
        (
            "https://commons.wikimedia.org/wiki/File:Kyiv_Pechersk_Lavra_01.jpg",
            "File:Kyiv Pechersk Lavra 01.jpg",
        ),
        ("https://commons.wikimedia.org/w/index.php?title=File:A_b.jpg&oldid=1", "File:A b.jpg"),
        (
            "https://upload.wikimedia.org/wikipedia/commons/9/9e/%27Tirumnieki%27_pie_Inesa_ezera.jpg",
            "File:'Tirumnieki' pie Inesa ezera.jpg",
        ),
        (
            "https://upload.wikimedia.org/wikipedia/commons/thumb/2/24/A.jpg/500px-A.jpg",
            "File:A.jpg",
        ),
        ("نقش_برجسته_بلاش_2.JPG", "File:نقش برجسته بلاش 2.JPG"),
    ],
)
def test_file_titles_are_normalized_like_commons_does(raw, title):
    assert normalize_file_title(raw) == title


@pytest.mark.parametrize("raw", ["", "   ", "File:", "File:   ", "A|b.jpg", "A<b>.jpg", "A#b.jpg"])
def test_invalid_file_titles_are_refused(raw):
    with pytest.raises(InvalidInput):
        normalize_file_title(raw)


def test_category_and_user_names_are_normalized():
    assert normalize_category_title("images_from WLM 2024") == "Category:Images from WLM 2024"
    assert normalize_category_title("Category:X") == "Category:X"
    assert normalize_username("User:ivan_example") == "Ivan example"


def test_html_is_stripped_to_visible_text():
    html = '<span class="fn"><a href="//x">Ivan&nbsp;<b>Example</b></a></span> &amp; co<br>ltd'
    assert strip_html(html) == "Ivan Example & co ltd"
    assert strip_html("<style>.a{}</style>Plain") == "Plain"
    assert strip_html(None) == ""


def test_timestamps_of_both_formats_parse_to_utc():
    expected = datetime(2015, 9, 6, 4, 20, 17, tzinfo=UTC)
    assert parse_timestamp("20150906042017") == expected
    assert parse_timestamp("2015-09-06T04:20:17Z") == expected


# CSV sources


def test_real_quarry_export_gives_five_rows_with_their_starting_lines():
    with QUARRY_CSV.open("rb") as stream:
        parsed = parse_file_list_csv(stream)
        rows = list(parsed)

    assert parsed.kind == "quarry"
    assert all(isinstance(r, CsvRow) for r in rows)
    # Each record spans two lines (a quoted sort key holds a newline).
    assert [r.line for r in rows] == [2, 4, 6, 8, 10]
    first = rows[0]
    assert first.title == "File:نقش برجسته بلاش 2.JPG"
    assert (first.mime, first.width, first.height, first.size) == ("image/jpeg", 960, 1280, 598704)
    assert (first.user, first.user_id, first.page_id) == ("Khoshamadgou", 5193613, 42932114)
    assert first.timestamp == datetime(2015, 9, 6, 4, 20, 17, tzinfo=UTC)
    assert first.sha1 == f"{int('rhzuchnt1oos3r1td04bbp5kysrq2bq', 36):040x}"
    assert len(first.sha1) == 40


def test_real_quarry_export_reads_from_a_text_stream_too():
    with QUARRY_CSV.open(newline="", encoding="utf-8") as stream:
        rows = list(parse_file_list_csv(stream))
    assert [r.title for r in rows][2] == "File:سراب نیلوفر2.jpg"


def test_quarry_rows_with_bad_values_are_reported_with_their_line():
    text = (
        "img_name,img_width,img_height,img_timestamp\n"
        "Good.jpg,10,20,20240901120000\n"
        "Wide.jpg,ten,20,20240901120000\n"
        "Late.jpg,10,20,2024-09-01\n"
        "Short.jpg,10\n"
        ",10,20,20240901120000\n"
    )
    rows = list(parse_file_list_csv(io.StringIO(text)))

    assert isinstance(rows[0], CsvRow) and rows[0].width == 10
    assert [(r.line, r.value) for r in rows[1:]] == [
        (3, "Wide.jpg"),
        (4, "Late.jpg"),
        (5, "Short.jpg"),
        (6, ""),
    ]
    assert all(isinstance(r, CsvRowError) for r in rows[1:])
    assert "img_width" in rows[1].reason
    assert "14-digit" in rows[2].reason
    assert "expected 4 fields" in rows[3].reason


@pytest.mark.parametrize("header", ["", "filename\n", "File\n", "titles\n"])
def test_plain_list_reads_one_name_per_row_with_or_without_header(header):
    text = header + 'Foo_bar.jpg\nFile:Church, Kyiv.jpg\n\n"Quoted, name.png"\nImage:x.tif\n'
    parsed = parse_file_list_csv(io.BytesIO(("\ufeff" + text).encode()))
    rows = list(parsed)
    offset = 1 if header else 0

    assert parsed.kind == "names"
    assert [(r.line, r.title) for r in rows] == [
        (1 + offset, "File:Foo bar.jpg"),
        (2 + offset, "File:Church, Kyiv.jpg"),
        (4 + offset, "File:Quoted, name.png"),
        (5 + offset, "File:X.tif"),
    ]


def test_plain_list_reports_unusable_rows_with_line_numbers():
    rows = list(parse_file_list_csv(io.StringIO("Good.jpg\nno extension\nBad|name.jpg\n")))

    assert isinstance(rows[0], CsvRow)
    assert [(r.line, r.value) for r in rows[1:]] == [(2, "no extension"), (3, "Bad|name.jpg")]
    assert "extension" in rows[1].reason
    assert "invalid characters" in rows[2].reason


@pytest.mark.parametrize("text", ["title,width,height\nA.jpg,1,2\n", "", "\n"])
def test_unrecognized_or_empty_csv_is_refused_before_reading_rows(text):
    with pytest.raises(InvalidInput):
        parse_file_list_csv(io.StringIO(text))


def test_non_utf8_upload_is_a_clear_error():
    # Decoding runs in chunks, so the error may come with the header or with a later row.
    with pytest.raises(InvalidInput, match="UTF-8"):
        list(parse_file_list_csv(io.BytesIO(b"A.jpg\n\xff\xfe\xfa.jpg\n" * 3000)))


def test_csv_rows_stream_without_reading_the_whole_file():
    class Lines:
        def __init__(self) -> None:
            self.count = 0

        def __iter__(self):
            yield "filename\n"
            for n in range(1_000_000):
                self.count += 1
                yield f"Photo {n}.jpg\n"

    lines = Lines()
    rows = iter(parse_file_list_csv(lines))
    for _ in range(10):
        next(rows)
    assert lines.count < 100
