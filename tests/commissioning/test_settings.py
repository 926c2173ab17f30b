"""Settings that matter for safety, read from the settings module itself."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from commissioning import settings as project_settings


def test_passwords_hashed_with_argon2():
    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_env_bool_refuses_ambiguous_values(monkeypatch, value):
    monkeypatch.setenv("SOME_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        project_settings.env_bool("SOME_FLAG", False)


def test_env_int_refuses_words(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER"):
        project_settings.env_int("SOME_NUMBER", 1)


def test_api_page_size_is_capped():
    assert project_settings.API_MAX_PAGE_SIZE <= 500
