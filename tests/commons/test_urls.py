from app.commons.urls import file_urls

COMMONS_API = "https://commons.wikimedia.org/w/api.php"


def test_original_and_page_urls_follow_the_commons_layout():
    # The reference's worked example: md5("Kyiv_Pechersk_Lavra_01.jpg") starts with "24".
    assert file_urls("File:Kyiv Pechersk Lavra 01.jpg", api_url=COMMONS_API) == (
        "https://upload.wikimedia.org/wikipedia/commons/2/24/Kyiv_Pechersk_Lavra_01.jpg",
        "https://commons.wikimedia.org/wiki/File:Kyiv_Pechersk_Lavra_01.jpg",
    )


def test_uploads_are_percent_encoded_strictly_and_pages_laxly():
    original, page = file_urls("File:Fort (north) 'A'.jpg", api_url=COMMONS_API)
    assert original.endswith("/Fort_%28north%29_%27A%27.jpg")
    assert page.endswith("/wiki/File:Fort_(north)_%27A%27.jpg")


def test_another_wiki_serves_files_from_its_own_origin():
    original, page = file_urls("File:A.jpg", api_url="http://127.0.0.1:8765/w/api.php")
    assert original.startswith("http://127.0.0.1:8765/wikipedia/commons/")
    assert page == "http://127.0.0.1:8765/wiki/File:A.jpg"
