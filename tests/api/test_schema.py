"""The OpenAPI 3 schema and the Swagger UI, which is served from local assets only."""

import json
import re

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from tests.api import API

pytestmark = pytest.mark.django_db


def fetch_schema(fmt: str):
    response = APIClient().get(f"{API}/schema/", {"format": fmt})
    assert response.status_code == 200
    text = response.content.decode()
    return json.loads(text) if fmt == "json" else yaml.safe_load(text)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_schema_is_valid_openapi_3(fmt):
    schema = fetch_schema(fmt)
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)  # drf-spectacular's check against the OpenAPI JSON schema
    assert f"{API}/contracts/{{id}}/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_schema_passes_openapi_spec_validator():
    import openapi_spec_validator as validator

    validator.validate(fetch_schema("json"))


def test_schema_generates_without_warnings(tmp_path):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", tmp_path / "s.yaml")
    assert yaml.safe_load((tmp_path / "s.yaml").read_text())["paths"]


def test_schema_has_no_person_level_endpoint():
    paths = fetch_schema("json")["paths"]
    assert not [path for path in paths if "person" in path.lower()]


def test_swagger_ui_loads_with_local_assets_only():
    client = APIClient()
    response = client.get(f"{API}/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", html, re.IGNORECASE)
    assert '"validatorUrl": null' in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) >= 3
    for asset in assets:
        assert asset.startswith("/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
