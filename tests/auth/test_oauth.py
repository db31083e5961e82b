"""Reading Wikimedia's profile answer."""

import pytest

from app.auth.oauth import ProviderError, WikimediaOAuth, parse_profile
from app.core.config import Settings


def test_sub_is_read_as_a_string_or_an_int():
    assert parse_profile({"sub": "53182469", "username": "A", "blocked": False}).sub == 53182469
    assert parse_profile({"sub": 53182469, "username": "A", "blocked": False}).sub == 53182469


def test_only_an_explicit_false_means_not_blocked():
    assert parse_profile({"sub": "1", "username": "A", "blocked": False}).blocked is False
    assert parse_profile({"sub": "1", "blocked": True}).blocked is True
    assert parse_profile({"sub": "1", "username": "A"}).blocked is True


@pytest.mark.parametrize("data", [None, [], {}, {"sub": True}, {"sub": "abc"}, {"sub": None}])
def test_a_profile_without_a_readable_sub_is_a_provider_error(data):
    with pytest.raises(ProviderError):
        parse_profile(data)


def test_the_redirect_uri_is_the_base_url_callback():
    oauth = WikimediaOAuth(Settings(base_url="https://loupe.example/", oauth_client_id="x"))
    assert oauth.redirect_uri == "https://loupe.example/auth/callback"


def test_a_public_client_sends_no_secret_but_still_uses_pkce():
    oauth = WikimediaOAuth(Settings(oauth_client_id="public"))
    url = oauth.authorization_url(state="s" * 43, code_verifier="v" * 64)
    assert "code_challenge=" in url and "code_challenge_method=S256" in url
